"""The one translator of pydantic's errors (`validation.py`), as config, front matter and
contributors use it: locations as the user wrote them, whatever pydantic names a union's branch."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookify.config import load_config
from bookify.errors import ConfigError
from bookify.validation import dotted, user_loc


def test_user_loc_drops_what_does_not_index_the_input() -> None:
    data = {"contents": ["a.md", {"part": "One", "essays": [3]}]}
    assert user_loc(data, ("contents", 1, "part table", "essays", 0, "str")) == \
        ("contents", 1, "essays", 0)
    assert user_loc(data, ("contents", 0, "function-after[check(), str]")) == ("contents", 0)


def test_user_loc_keeps_a_missing_or_unknown_key_at_the_end() -> None:
    assert user_loc({"book": {}}, ("book", "title"), keep_last=True) == ("book", "title")
    assert user_loc({"book": {}}, ("book", "title")) == ("book",)


def test_dotted_names_list_items_by_index() -> None:
    assert dotted(("contents", 2, "essays", 0)) == "contents[2].essays[0]"


@pytest.mark.parametrize("contents, message", [
    ("[3]", "contents[0]: Input should be a valid string"),
    ('[{ part = "One", essays = "a.md" }]', "contents[0].essays: Input should be a valid list"),
    ('["a.md", { part = "", essays = ["b.md"] }]',
     "contents[1].part: String should have at least 1 character"),
])
def test_a_contents_entry_is_judged_as_what_it_was_written_as(tmp_path: Path, contents: str,
                                                              message: str) -> None:
    path = tmp_path / "bookify.toml"
    path.write_text(f'contents = {contents}\n[book]\ntitle = "X"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.message == message
    assert caught.value.also == ()  # no complaint from the branch not meant
    assert caught.value.location.line == 1
