"""`bookify import`: contributors' Word (.docx) and LibreOffice (.odt) files → clean essays.

`docx.py` and `odt.py` read a document into one small HTML dialect, `markdown_writer.py` writes
it as the Markdown bookify builds from, `essay.py` adds the front matter and comments, and
`project.py` puts the essays into a project. `report.py` says what each import dropped.
"""
