"""Pydantic's validation errors as located messages a user can act on.

`bookify.toml`, an essay's front matter and the contributors file are each validated by a
pydantic model; this module turns the model's errors into `BookifyError`s naming the file, the
line, the key and the fix, written once for all three. Each source says how it names its keys
(`Wording`) and how to find a key's line; a validator may give its own hint as the `hint` of a
`PydanticCustomError`'s context. The rest (which errors to report and in what order,
which key a misspelt one meant, the hints) is shared.

Union branches: pydantic adds the name of the branch it tried to an error's location (`'str'`,
`'list[str]'`, a tagged union's tag). Those are no key the user wrote, so a location is read
against the input the user gave: a part that does not index into it is a branch's name and is
dropped, whatever pydantic calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from .errors import BookifyError, Location, unknown_key_hint

Loc = tuple[str | int, ...]

#: Hints by pydantic error type, the same in every file; `_SYNTAX_HINTS` has those that depend on
#: how the file writes a value.
_HINTS: dict[str, str] = {
    "bool_type": "write true or false (no quotes)",
    "string_type": "put the value in double quotes",
    "int_type": "write a whole number (no quotes)",
    "int_parsing": "write a whole number (no quotes)",
    "string_too_long": "a title is a line or two: shorten it",
    "string_too_short": "give it a value: it cannot be empty",
    "less_than_equal": "use a smaller number, or delete the line for the default",
    "less_than": "use a smaller number, or delete the line for the default",
    "greater_than_equal": "use a larger number, or delete the line for the default",
    "greater_than": "use a larger number, or delete the line for the default",
}
_SYNTAX_HINTS: dict[str, dict[str, str]] = {
    "toml": {
        "list_type": 'write a list in square brackets: ["a", "b"]',
        "date_type": "write a date without quotes, as YYYY-MM-DD",
        "date_from_datetime_parsing": "write a date without quotes, as YYYY-MM-DD",
        "string_too_short": "give it a value between the quotes: it cannot be empty",
    },
    "yaml": {
        "list_type": "write a list, one '- item' per line or [a, b]",
        "date_type": "write the date as YYYY-MM-DD",
        "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    },
}


@dataclass(frozen=True, slots=True)
class Wording:
    """How one kind of file names its keys in messages."""

    #: The file's syntax, for hints on how to write a value.
    syntax: Literal["toml", "yaml"]
    #: A key with a wrong value, from its dotted name: "print.trim", "front matter 'title'".
    key: Callable[[str], str]
    #: An unknown key, from its name and the dotted name of the table it is in ("" at the top).
    unknown: Callable[[str, str], str]
    #: A required key that is missing, from its dotted name.
    missing: Callable[[str], str] = lambda key: f"missing required key '{key}'"
    #: This file's own hints by pydantic error type, before the shared ones.
    hints: Mapping[str, str] | None = None


def located_errors(
    exc: ValidationError,
    data: Any,
    model: type[BaseModel],
    wording: Wording,
    path: Path,
    line_of: Callable[[Loc], int | None],
    error: type[BookifyError],
) -> BookifyError:
    """One error for all of `exc`'s problems (the first, with the others in `also`): unknown
    keys first, missing keys last, each at its line with a hint. `data` is the input that was
    validated, `line_of` finds a key's line from its location."""
    seen: set[tuple[Loc, str]] = set()
    problems: list[tuple[int, BookifyError]] = []
    for item in exc.errors():
        loc = user_loc(data, tuple(item["loc"]),
                       keep_last=item["type"] in ("missing", "extra_forbidden"))
        if (loc, item["type"]) in seen:
            continue  # the same key refused by two branches of a union: once is enough
        seen.add((loc, item["type"]))
        rank = {"extra_forbidden": 0, "missing": 2}.get(item["type"], 1)
        problems.append((rank, _describe(item, loc, model, wording, path, line_of, error)))
    problems.sort(key=lambda pair: pair[0])
    first, *rest = (problem for _, problem in problems)
    first.also = tuple(rest)
    return first


def user_loc(data: Any, loc: Loc, *, keep_last: bool = False) -> Loc:
    """`loc` without the parts that do not index into `data` (the names pydantic gives union
    branches); with `keep_last`, the last part is kept though absent (a missing key)."""
    kept: list[str | int] = []
    node = data
    for number, part in enumerate(loc):
        if _indexes(node, part):
            node = node[part]
        elif not (keep_last and number == len(loc) - 1):
            continue
        kept.append(part)
    return tuple(kept)


def _indexes(node: Any, part: str | int) -> bool:
    """Whether `part` is a key of the table or an index of the list `node`."""
    if isinstance(node, Mapping):
        return isinstance(part, str) and part in node
    if isinstance(node, Sequence) and not isinstance(node, str):
        return isinstance(part, int) and -len(node) <= part < len(node)
    return False


def dotted(loc: Sequence[Any]) -> str:
    """`print.trim`, `contents[2].essays[0]`: a location as the file's reader would write it."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(item: Mapping[str, Any], loc: Loc, model: type[BaseModel], wording: Wording,
              path: Path, line_of: Callable[[Loc], int | None],
              error: type[BookifyError]) -> BookifyError:
    kind = item["type"]
    key = dotted(loc)
    if kind == "extra_forbidden" and loc:
        name, table = str(loc[-1]), loc[:-1]
        owner = _owning_table(_model_at(model, table), name)
        hint = (f"'{name}' belongs in the [{owner}] table: move it below the [{owner}] line"
                if owner else unknown_key_hint(name, sorted(_model_at(model, table).model_fields)))
        return error(wording.unknown(name, dotted(table)), Location(path, line_of(loc), key),
                     hint)
    if kind == "missing" and loc:
        name, table = str(loc[-1]), loc[:-1]
        field = _model_at(model, table).model_fields.get(name)
        annotation = getattr(field, "annotation", None)
        if wording.syntax == "toml" and isinstance(annotation, type) \
                and issubclass(annotation, BaseModel):
            return error(f"missing the [{key}] table", Location(path, None, key),
                         f'add a [{key}] table with at least title = "…"')
        written = f"`{name} = …` under [{dotted(table)}]" if wording.syntax == "toml" and table \
            else (f"`{name} = …`" if wording.syntax == "toml" else f"'{name}: …'")
        return error(wording.missing(key), Location(path, line_of(table), key),
                     f"add {written}")
    message = str(item["msg"]).removeprefix("Value error, ")
    own = wording.hints or {}
    fix = ((item.get("ctx") or {}).get("hint") or own.get(kind)
           or _SYNTAX_HINTS[wording.syntax].get(kind) or _HINTS.get(kind))
    return error(f"{wording.key(key)}: {message}", Location(path, line_of(loc), key), fix)


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel]:
    """The model of the table at `loc` (list indices step into the model the list holds)."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        found = _models_in(getattr(field, "annotation", None))
        if found:
            current = found[0]
    return current


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds: itself, or those inside `list[…]`, unions, `Annotated`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def _owning_table(model: type[BaseModel], name: str) -> str | None:
    """The sub-table of `model` whose key `name` is, when written in `model` itself (a `[book]`
    key above the `[book]` line)."""
    for table, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
                and name in annotation.model_fields:
            return table
    return None
