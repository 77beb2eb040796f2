"""The import on files written by a real office suite (LibreOffice Writer, in its own format and
in Word's), not only on the ones the tests build with python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.cli import main

DOCUMENTS = Path(__file__).resolve().parent.parent / "support" / "documents"

EXPECTED = """---
title: On Bridges
subtitle: A Short Essay
author: Sam Lee
---

## Spans

A bridge is *patient* work, **built** to last.[^1] It carries the road.

> A quotation set in the Quote style.

***

Over the water,
under the sky,
the bridge holds.
{: .verse }

The end of the essay.

[^1]: Roebling, Letters, 1867.
"""


@pytest.mark.parametrize("name", ["on-bridges-writer.odt", "on-bridges-word.docx"])
def test_a_document_saved_by_libreoffice_imports_with_everything_kept(tmp_path: Path,
                                                                       name: str) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(tmp_path / "book")]).exit_code == 0
    result = runner.invoke(main, ["import", str(DOCUMENTS / name), "--project",
                                  str(tmp_path / "book")])
    assert result.exit_code == 0, result.output
    essay = tmp_path / "book" / "manuscripts" / f"{Path(name).stem}.md"
    assert essay.read_text(encoding="utf-8") == EXPECTED
    assert "kept: 1 note" in result.output
