"""Build real .docx files with python-docx for the import tests, adding by hand (as Word writes
them) the parts python-docx has no API for: footnotes, endnotes, tracked changes, text boxes,
equations and language marks."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = f'xmlns:w="{W_NS}"'


class Manuscript:
    """A contributor's document, built paragraph by paragraph."""

    def __init__(self, language: str = "en-GB") -> None:
        self.document = docx.Document()
        self.notes: dict[str, list[str]] = {"footnote": [], "endnote": []}
        styles = self.document.styles
        for name in ("Verse", "Fancy Custom"):
            if name not in [s.name for s in styles]:
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = parse_xml(f"<w:lang {NSDECL}/>")
            rpr.append(lang)
        lang.set(qn("w:val"), language)

    def title(self, text: str, subtitle: str | None = None, author: str | None = None):
        self.document.add_paragraph(text, style="Title")
        if subtitle:
            self.document.add_paragraph(subtitle, style="Subtitle")
        if author:
            if "Author" not in [s.name for s in self.document.styles]:
                self.document.styles.add_style("Author", WD_STYLE_TYPE.PARAGRAPH)
            self.document.add_paragraph(author, style="Author")
        return self

    def heading(self, text: str, level: int = 1):
        self.document.add_heading(text, level)
        return self

    def para(self, *runs, style: str | None = None, indent_cm: float | None = None,
             centre: bool = False):
        """A paragraph of runs: plain strings, or (text, {"italic": True, "lang": "fr-FR"…})."""
        paragraph = self.document.add_paragraph(style=style)
        if indent_cm is not None:
            paragraph.paragraph_format.left_indent = Cm(indent_cm)
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in runs:
            if isinstance(run, tuple):
                text, props = run
            else:
                text, props = run, {}
            self._run(paragraph, text, props)
        return paragraph

    def _run(self, paragraph, text: str, props: dict) -> None:
        if props.get("footnote") or props.get("endnote"):
            kind = "footnote" if props.get("footnote") else "endnote"
            self.notes[kind].append(text)
            number = len(self.notes[kind])
            paragraph._p.append(parse_xml(
                f'<w:r {NSDECL}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:{kind}Reference w:id="{number}"/></w:r>'))
            return
        lines = text.split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        for key, setter in (("italic", "italic"), ("bold", "bold")):
            if key in props:
                setattr(run, setter, props[key])
        for key in ("small_caps", "superscript", "subscript"):
            if key in props:
                setattr(run.font, key, props[key])
        if props.get("font"):
            run.font.name = props["font"]
        if props.get("colour"):
            from docx.shared import RGBColor
            run.font.color.rgb = RGBColor.from_string(props["colour"])
        if props.get("lang"):
            rpr = run._r.get_or_add_rPr()
            rpr.append(parse_xml(f'<w:lang {NSDECL} w:val="{props["lang"]}"/>'))

    def empty(self, count: int = 1):
        for _ in range(count):
            self.document.add_paragraph()
        return self

    def link(self, paragraph, text: str, url: str) -> None:
        part = self.document.part
        rel = part.relate_to(url, RT.HYPERLINK, is_external=True)
        paragraph._p.append(parse_xml(
            f'<w:hyperlink {NSDECL} xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships" r:id="{rel}"><w:r><w:t xml:space="preserve">{text}</w:t>'
            f'</w:r></w:hyperlink>'))

    def image(self, path: Path, alt: str | None):
        self.document.add_picture(str(path))
        picture = self.document.paragraphs[-1]._p
        doc_pr = picture.find(".//" + qn("wp:docPr"))
        if alt is not None:
            doc_pr.set("descr", alt)
        return self

    def comment(self, paragraph, text: str, author: str = "Ed Itor") -> None:
        self.document.add_comment(paragraph.runs, text=text, author=author, initials="EI")

    def tracked_insertion(self, paragraph, text: str) -> None:
        paragraph._p.append(parse_xml(
            f'<w:ins {NSDECL} w:id="901" w:author="Ed" w:date="2026-01-01T00:00:00Z">'
            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'))

    def tracked_deletion(self, paragraph, text: str) -> None:
        paragraph._p.append(parse_xml(
            f'<w:del {NSDECL} w:id="902" w:author="Ed" w:date="2026-01-01T00:00:00Z">'
            f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'))

    def text_box(self, text: str) -> None:
        paragraph = self.document.add_paragraph("Before the box. ")
        paragraph._p.append(parse_xml(
            f'<w:r {NSDECL} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
            f'<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            f'</w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))

    def equation(self) -> None:
        paragraph = self.document.add_paragraph("The sum: ")
        paragraph._p.append(parse_xml(
            '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
            '<m:r><m:t>a+b</m:t></m:r></m:oMath>'))

    def chart(self) -> None:
        """An inline chart as Word writes one (its data part left out: the import never reads
        it)."""
        paragraph = self.document.add_paragraph("Miles walked by year: ")
        paragraph._p.append(parse_xml(
            f'<w:r {NSDECL} xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
            f'wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
            f'main"><w:drawing><wp:inline><wp:extent cx="100" cy="100"/>'
            f'<wp:docPr id="77" name="Chart 1"/><a:graphic><a:graphicData uri="http://schemas.'
            f'openxmlformats.org/drawingml/2006/chart"/></a:graphic></wp:inline></w:drawing>'
            f'</w:r>'))

    def save(self, path: Path) -> Path:
        for kind, texts in self.notes.items():
            if texts:
                self._notes_part(kind, texts)
        self.document.save(str(path))
        return path

    def _notes_part(self, kind: str, texts: list[str]) -> None:
        plural = kind + "s"
        body = "".join(
            f'<w:{kind} w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p>'
            f'</w:{kind}>' for n, text in enumerate(texts, start=1))
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               f'<w:{plural} {NSDECL}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r>'
               f'<w:separator/></w:r></w:p></w:{kind}><w:{kind} w:type="continuationSeparator" '
               f'w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>{body}'
               f'</w:{plural}>')
        content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{plural}+xml"
        part = Part(PackURI(f"/word/{plural}.xml"), content_type, xml.encode(),
                    self.document.part.package)
        self.document.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


def picture(path: Path, size=(40, 30)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 120, 40)).save(path)
    return path
