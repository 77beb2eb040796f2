"""The digital edition is a tagged PDF meant as PDF/UA-1 (issue #13, item 2): one structure tree
for the whole book although it is laid out stretch by stretch, every mark on a page either in
that tree or marked as an artifact (the running heads and folios), links and figures in the
tree, and the identification in the XMP. Read from the file alone. (No PDF/UA validator runs
here: these are the structural requirements a validator checks first.)"""

from __future__ import annotations

import io

import pikepdf
import pytest

from bookify.diagnostics import Diagnostics
from bookify.outputs.pdf import lay_out_book
from bookify.project import load_project
from bookify.themes import load_theme

from .conftest import BuiltBook

#: Operators that put marks on the page.
PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh"}


def _parent_tree(root: pikepdf.Dictionary) -> dict[int, object]:
    nums = root.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _elements(element, seen=None):
    seen = set() if seen is None else seen
    if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") == "/OBJR":
        return
    if element.is_indirect:
        if element.objgen in seen:
            return
        seen.add(element.objgen)
    yield element
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        yield from _elements(kid, seen)


@pytest.fixture(scope="module")
def digital(features_book: BuiltBook):
    with pikepdf.open(features_book.digital_pdf) as pdf:
        yield pdf


def test_one_structure_tree_for_the_book(digital: pikepdf.Pdf) -> None:
    root = digital.Root.StructTreeRoot
    [document] = root.K
    assert document.S == "/Document"
    documents = [e for e in _elements(document) if e.get("/S") == "/Document"]
    assert documents == [document]  # the stretches' own documents are not carried over
    kinds = {str(e.S) for e in _elements(document)}
    assert {"/H1", "/P", "/Figure", "/Link", "/Table"} <= kinds, kinds
    assert digital.Root.MarkInfo.Marked is True
    assert digital.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(digital.Root.Lang) == "en-GB"
    assert digital.pdf_version >= "1.7"
    assert digital.open_metadata()["pdfuaid:part"] == "1"


def test_every_mark_is_tagged_or_an_artifact(digital: pikepdf.Pdf) -> None:
    tree = _parent_tree(digital.Root.StructTreeRoot)
    for number, page in enumerate(digital.pages):
        assert int(page.obj.StructParents) == number
        marks, depth, mcids, artifacts = 0, 0, [], []
        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                depth += 1
                properties = instruction.operands[-1]
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    mcids.append(int(properties.MCID))
                if str(instruction.operands[0]) == "/Artifact":
                    artifacts.append(properties)
            elif operator == "EMC":
                depth -= 1
            elif operator in PAINTING:
                marks += 1
                assert depth > 0, f"page {number + 1}: {operator} outside marked content"
        # each marked sequence points at an element of this page
        elements = tree[number]
        for mcid in mcids:
            assert elements[mcid].Pg.objgen == page.obj.objgen, (number, mcid)
        # the running heads and folios (laid over each page) are pagination artifacts
        assert any(isinstance(p, pikepdf.Dictionary) and p.get("/Type") == "/Pagination"
                   for p in artifacts), number


def test_links_and_figures_are_in_the_tree(digital: pikepdf.Pdf) -> None:
    tree = _parent_tree(digital.Root.StructTreeRoot)
    links = 0
    for page in digital.pages:
        for annotation in page.obj.get("/Annots", []):
            element = tree[int(annotation.StructParent)]
            assert element.S == "/Link"
            assert any(kid.get("/Type") == "/OBJR" and kid.Obj.objgen == annotation.objgen
                       for kid in element.K if isinstance(kid, pikepdf.Dictionary))
            links += 1
    assert links > 5  # the contents and the links between essays
    assert digital.Root.StructTreeRoot.ParentTreeNextKey == len(digital.pages) + links
    figures = [e for e in _elements(digital.Root.StructTreeRoot.K[0]) if e.S == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)


def test_the_print_edition_is_not_tagged(features_book: BuiltBook) -> None:
    with pikepdf.open(features_book.print_pdf) as pdf:
        assert "/StructTreeRoot" not in pdf.Root


def test_the_digital_edition_laid_out_as_one_document_is_tagged(minimal_book: BuiltBook) -> None:
    project = load_project(minimal_book.project)
    layout = lay_out_book(minimal_book.rendered, load_theme(project), project, Diagnostics(),
                          edition="digital")
    with pikepdf.open(io.BytesIO(layout.pdf)) as pdf:
        assert pdf.Root.StructTreeRoot.K[0].S == "/Document"
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
