"""The outputs bookify can build, named once.

A module of its own, importing nothing, so that the command line can check `--format` without
loading the build pipeline (and WeasyPrint with it).
"""

from __future__ import annotations

from typing import Literal

Format = Literal["pdf", "epub", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "epub", "html")
