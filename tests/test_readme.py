"""The README is the user's manual: every config key, front matter key, command and option the
code accepts must be documented there, and the two setup commands must be the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from bookify.cli import main
from bookify.config import ProjectConfig
from bookify.manuscript import EssayMeta

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
#: The first cell of every table row: where the reference tables name keys and options.
FIRST_COLUMNS = "\n".join(
    line.split("|")[1] for line in README.splitlines() if line.startswith("|") and line.count("|") > 2
)


def _config_keys(model: type[BaseModel]):
    for name, field in model.model_fields.items():
        yield name
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _config_keys(annotation)


@pytest.mark.parametrize("key", sorted(set(_config_keys(ProjectConfig))))
def test_every_config_key_is_documented(key: str) -> None:
    assert f"`{key}`" in FIRST_COLUMNS or f"`[{key}]`" in FIRST_COLUMNS, (
        f"{key} has no row in the README's reference tables")


@pytest.mark.parametrize("key", sorted(EssayMeta.model_fields))
def test_every_front_matter_key_is_documented(key: str) -> None:
    assert f"`{key}`" in FIRST_COLUMNS, f"{key} has no row in the README's front matter table"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_and_option_is_documented(command: str) -> None:
    assert f"bookify {command}" in README
    for param in main.commands[command].params:
        for option in param.opts:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in README, f"{command} {option} is not in the README"


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```\n(.*?)\n```", README, flags=re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command.strip() in ci.splitlines()


def test_the_cover_size_advice_is_the_one_the_build_gives() -> None:
    """The README asks for the cover image the print cover's check asks for (300 dpi over the
    front panel and its bleed, at the default trim), not a different figure."""
    import math

    from bookify.config import PrintSection
    from bookify.outputs.cover_wrap import GOOD_IMAGE_DPI

    trim = PrintSection().trim
    width = math.ceil((trim.width_pt / 72 + 0.125) * GOOD_IMAGE_DPI)
    height = math.ceil((trim.height_pt / 72 + 0.25) * GOOD_IMAGE_DPI)
    cover_row = next(line for line in README.splitlines() if line.startswith("| `cover` |"))
    assert f"{width} × {height} px" in cover_row, cover_row
    assert "1600 × 2560" not in cover_row.split("EPUB")[0]


def test_the_readme_says_what_paths_are_relative_to_and_how_headings_are_named() -> None:
    assert "`photo`" in README and re.search(r"`photo`[^.]*relative to the project", README)
    assert re.search(r"[Hh]eadings? (?:get|have) ids? from (?:its|their) text", README)
