"""Small edits on lxml trees that both the Markdown stage and the EPUB writer make."""

from __future__ import annotations

from lxml import etree


def remove_keeping_text(node: etree._Element) -> None:
    """Remove an element; the text after it stays (without the no-break space before it, as
    Python-Markdown puts before a note's back link)."""
    parent = node.getparent()
    previous = node.getprevious()
    tail = node.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip("\u00a0 ") + tail
    else:
        parent.text = (parent.text or "").rstrip("\u00a0 ") + tail
    parent.remove(node)
