from storyline.report.textmarks import Mark, Passage, render_text


def test_marks_and_passages_are_escaped_and_placed() -> None:
    text = "Officials said <b>it</b> was a disaster.\n\nSecond para & more."
    start = text.index("disaster")
    html = render_text(text, [Passage(0, text.index("\n"), "p1")], [Mark(start, start + 8, "loaded", "loaded term")])
    assert '<span class="passage" id="p1">' in html
    assert '<mark class="loaded" title="loaded term">disaster</mark>' in html
    assert "&lt;b&gt;it&lt;/b&gt;" in html and "<b>" not in html
    assert html.count("<p>") == 2 and "&amp; more" in html


def test_overlapping_and_out_of_range_marks_are_clipped() -> None:
    text = "A truly shocking, outrageous result."
    marks = [Mark(2, 16, "intensifier", "x"), Mark(8, 27, "loaded", "y"), Mark(30, 99, "loaded", "z")]
    html = render_text(text, [], marks)
    assert html.count("<mark") == 3
    assert "truly shocking</mark>" in html

