"""The bad-input corpus (`bad_inputs.py`): every case exits with a user error or builds with a
warning — never exit 70, never a traceback — leaves the previous output as it was, and says
exactly what `golden/bad_input_corpus.txt` pins (file, line, message, hint).

After a deliberate change to a message, regenerate the golden file and review its diff:
`BOOKIFY_UPDATE_GOLDEN=1 pytest tests/unit/test_bad_input_corpus.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.golden import assert_text_golden

from .bad_inputs import GOOD, Case, cases
from .helpers import essay, write_files
from .test_cli import no_traceback, plain_terminal, run  # noqa: F401 (plain_terminal: autouse)

GOLDEN = Path(__file__).parent / "golden" / "bad_input_corpus.txt"
PREVIOUS = "<p>the previous edition</p>"


def _project(tmp: Path, case: Case) -> Path:
    outside = tmp / "outside"
    write_files(outside, {"secret.md": essay("Secret", "SECRET-OUTSIDE\n"),
                          "secret.css": "body { color: red }\n",
                          "secret.toml": '[x]\nname = "SECRET-OUTSIDE"\n',
                          "secret.j2": "SECRET-OUTSIDE"})
    root = tmp / "book"
    files = {"manuscripts/01-a.md": GOOD, "build/html/index.html": PREVIOUS,
             **({"bookify.toml": case.toml} if case.toml else {}), **case.files}
    write_files(root, files)
    for link, target in case.links.items():
        path = root / link
        if path.is_dir():
            path.rename(path.with_name(path.name + ".moved"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(tmp / target if target.startswith("outside") else root / target)
    return root


def _outcome(tmp: Path, case: Case) -> str:
    root = _project(tmp, case)
    options = [o.replace("a-file", str(root / "a-file")) for o in case.options]
    result = run("build", "--project", root, "-q", *options)
    no_traceback(result)
    assert result.exit_code != 70, (case.name, result.output)
    assert "internal error" not in result.output, case.name
    index = root / "build" / "html" / "index.html"
    if result.exit_code and not index.parent.is_symlink():
        assert index.read_text(encoding="utf-8") == PREVIOUS, case.name  # nothing lost
    assert "SECRET-OUTSIDE" not in result.output and (
        not index.is_file() or "SECRET-OUTSIDE" not in index.read_text(encoding="utf-8")), case.name
    leftovers = [p for p in (root / "build").glob(".bookify-*")] if (root / "build").is_dir() else []
    assert leftovers == [], case.name
    text = result.stderr.replace(str(tmp.resolve()), "<tmp>").replace(str(tmp), "<tmp>")
    text = re.sub(r"\(\d+(\.\d+)? s\)", "(… s)", text)
    return f"## {case.name}\nexit {result.exit_code}\n{text.rstrip()}\n"


def test_the_bad_input_corpus(tmp_path):
    corpus = cases()
    assert len(corpus) >= 100
    outcomes = []
    for number, case in enumerate(corpus):
        folder = tmp_path / f"{number:03d}"
        folder.mkdir()
        outcomes.append(_outcome(folder, case))
    actual = "\n".join(outcomes)
    assert_text_golden(GOLDEN, actual, "the corpus' messages")
    statuses = re.findall(r"^exit (\d+)$", actual, re.M)
    assert sum(s != "0" for s in statuses) >= 100  # at least 100 are refused, not just warned
