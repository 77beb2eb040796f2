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
