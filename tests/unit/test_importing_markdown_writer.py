"""The readers' HTML → Markdown: the decisions that do not depend on the file format."""

from __future__ import annotations

from bookify.importing.markdown_writer import to_markdown


def test_a_document_spaced_with_one_empty_paragraph_breaks_scenes_on_two():
    spaced = "<p>One.</p><p></p><p>Two.</p><p></p><p></p><p>Three.</p><p></p><p>Four.</p>"
    result = to_markdown(spaced)
    assert result.body == "One.\n\nTwo.\n\n***\n\nThree.\n\nFour.\n"
    assert result.dropped["empty paragraphs used for spacing"] == 3


def test_no_scene_break_at_the_edges_or_around_headings():
    result = to_markdown("<p></p><p></p><p>One.</p><p></p><p></p><h1>Part</h1><p>Two.</p>"
                         "<p>***</p><p></p><p></p>")
    assert result.body == "One.\n\n## Part\n\nTwo.\n"


def test_text_that_would_be_markdown_is_escaped():
    result = to_markdown("<p># not a heading</p><p>- not a list</p><p>1. not numbered</p>"
                         "<p>&gt; not a quote</p><p>a &lt;b&gt; tag, a_b, 2*3</p>")
    assert result.body == ("\\# not a heading\n\n\\- not a list\n\n\\1. not numbered\n\n"
                           "\\> not a quote\n\na \\<b> tag, a\\_b, 2\\*3\n")


def test_emphasis_markers_keep_spaces_outside():
    result = to_markdown("<p>a<em> word </em>b and <strong>bold </strong>c</p>")
    assert result.body == "a *word* b and **bold** c\n"


def test_nested_lists_and_multi_paragraph_notes():
    result = to_markdown(
        '<ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul>'
        '<p>Text.<sup><a href="#footnote-7" id="footnote-ref-7">[7]</a></sup></p>'
        '<ol><li id="footnote-7"><p>First.</p><p>Second. '
        '<a href="#footnote-ref-7">↑</a></p></li></ol>')
    assert result.body == ("- one\n    - inner\n- two\n\nText.[^1]\n\n"
                           "[^1]: First.\n\n    Second.\n")


def test_list_items_of_several_paragraphs_keep_them_all():
    result = to_markdown("<ol><li><p>First para.</p><p>Second para.</p><p>Third.</p></li>"
                         "<li>- dash</li></ol>")
    assert result.body == "1. First para.  \nSecond para.  \nThird.\n2. \\- dash\n"


def test_a_paragraph_wholly_in_another_language_is_marked_as_a_paragraph():
    result = to_markdown('<p><span lang="de-DE">Das <em>ist</em> gut.</span> </p>'
                         '<p><span lang="bad tag!">Text</span></p>')
    assert result.body == 'Das *ist* gut.\n{: lang="de-DE" }\n\nText\n'


def test_only_the_first_title_subtitle_and_author_go_to_the_front_matter():
    result = to_markdown('<p class="title">On Gates</p><p class="author">Ann Smith</p>'
                         '<p>Text.</p><p class="title">A Poem Within</p><p>Its lines.</p>'
                         '<p class="author">Ann Smith, 1901</p>')
    assert (result.title, result.author) == ("On Gates", "Ann Smith")
    assert result.body == "Text.\n\n## A Poem Within\n\nIts lines.\n\nAnn Smith, 1901\n"
