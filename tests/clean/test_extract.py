"""HTML extraction and the structural debris rules it relies on, with tiny inline pages."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
import pytest

from storyline.clean.debris import is_call_to_action, is_pointer, like_title, remove_debris, word_count
from storyline.clean.extract import extract_html
from storyline.clean.pipeline import clean_document
from storyline.errors import InputError
from storyline.models import RawDocument
from tests.conftest import ROOT, shared_data

P1 = (
    "The city council approved a new budget on Tuesday after a long debate about school funding, road repairs "
    "and the future of the public library, which had faced closure for most of the year."
)
P2 = (
    "Council members voted seven to two in favour, and the mayor said the plan would take effect in January once "
    "the state had signed off on the borrowing that pays for the new roads."
)
P3 = (
    "Opponents said the budget leaned too heavily on one-off savings and warned that the library would face the "
    "same problem again next year unless the council found a lasting source of money."
)


def _page(body: str, title: str = "Council approves budget after long debate - The Daily Example") -> str:
    return f"""<html><head><title>{title}</title>
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2019-11-19T10:00:00Z">
<link rel="canonical" href="https://news.example.com/2019/11/19/council-budget">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>{body}</article>
<footer><p>About us</p></footer></body></html>"""


def _clean(body: str, **kw: str):
    return clean_document(RawDocument(input="page.html", kind="html", html=_page(body, **kw), url="https://news.example.com/a"))


def test_metadata_still_read() -> None:
    ex = extract_html(_page(f"<h1>Council approves budget after long debate</h1><p>{P1}</p><p>{P2}</p>"), "page.html")
    assert ex.title and "Council approves budget" in ex.title
    assert ex.author == "Jane Reporter"
    assert ex.published and ex.published.startswith("2019-11-19")
    assert ex.site_name == "The Daily Example"
    assert ex.url == "https://news.example.com/2019/11/19/council-budget"
    assert P1 in ex.text and P2 in ex.text


def test_paragraph_that_is_one_link_is_pruned_but_linked_words_in_a_sentence_stay() -> None:
    body = (
        f"<p>{P1}</p>"
        '<p><strong><a href="/other">SENATOR SAYS THE BRIDGE WILL OPEN IN MAY</a></strong></p>'
        f'<p>{P2} <a href="/library">The library</a> stays open.</p>'
        f"<p>{P3}</p>"
    )
    art = _clean(body)
    assert "SENATOR SAYS" not in art.text
    assert "The library stays open." in art.text
    assert P1 in art.text and P3 in art.text


def test_list_of_links_is_pruned_but_a_list_with_text_stays() -> None:
    body = (
        f"<p>{P1}</p><p>{P2}</p>"
        '<ul><li><a href="/a">Moon landers: the private plans so far</a>&#160;</li>'
        '<li><a href="/b">Where the new landers will touch down</a></li></ul>'
        "<ul><li>Roads: 4 million dollars</li><li>Library: 1 million dollars</li></ul>"
        f"<p>{P3}</p>"
    )
    art = _clean(body)
    assert "Moon landers" not in art.text and "touch down" not in art.text
    assert "Roads: 4 million dollars" in art.text and "Library: 1 million dollars" in art.text


def test_short_article_still_extracted() -> None:
    # Under trafilatura's minimum size: the second pass (with its fallbacks) runs too.
    ex = extract_html(_page("<p>Short notice: the council meets again on Friday at noon in the town hall.</p>"), "page.html")
    assert "council meets again" in ex.text


def test_page_without_text_is_rejected() -> None:
    with pytest.raises(InputError):
        extract_html("<html><body><script>var x = 1;</script></body></html>", "empty.html")


def test_headline_at_top_of_text_is_removed_even_when_it_reads_like_a_sentence() -> None:
    headline = "Does the council have a plan to save the public library before the money runs out next year?"
    title = f"{headline} | The Daily Example"
    text = f"{headline}\n{P1}\n{P2}"
    cleaned = remove_debris(text, title=title, title_from_text=False)
    assert headline not in cleaned.lines and P1 in cleaned.lines
    assert any(r.reason == "headline repeated in the body" for r in cleaned.removed)


def test_rewritten_headline_on_first_line_is_removed_but_the_lead_is_not() -> None:
    title = "Prison guards charged in connection with inmate's death"
    first = "Two federal prison officers charged with falsifying records in connection with inmate's death"
    assert like_title(first, title, first=True)
    assert not like_title(first, title, first=False)
    lead = "Two federal prison officers were charged in connection with an inmate's death, prosecutors said on Tuesday."
    assert not like_title(lead, title, first=True)


@pytest.mark.parametrize("line,expected", [
    ("Related: Seven strange signs of an allergic reaction", True),
    ("READ MORE: Two diagnosed with disease in Beijing", True),
    ("[Related: Keynote recap, AI and protesters]", True),
    ("Also read: the council's previous budget", True),
    ("Palm Bay (1-0): Tolivert 25 points. Davis 17 points.", False),
    ("Editor's note: This story was updated to include details from the hearing.", False),
    ("Pro tip: Get more meal ideas here!", False),
])
def test_pointer_lines(line: str, expected: bool) -> None:
    assert is_pointer(line) is expected


@pytest.mark.parametrize("line,expected", [
    ("CLICK HERE TO GET THE NEWS APP", True),
    ("Like this story? Share it with a friend!", True),
    ("Get the day's top headlines delivered to your inbox every morning by subscribing to our newsletter.", True),
    ("Follow the Newsdesk on Instagram, Facebook and Twitter.", True),
    ("Email the reporter at someone@example.com or follow him @reporter.", True),
    ("Get it on Amazon for $39.99", False),
    ("Follow-up inspections found no further damage to the bridge.", False),
    ("Follow-up posts on Twitter showed the bridge closed again on Friday.", False),
    ("Like other carriers, the airline launched the new booking app in March.", False),
    ("Subscribers to the newsletter rose by a third, the company said.", False),
])
def test_calls_to_action(line: str, expected: bool) -> None:
    assert is_call_to_action(line) is expected


def test_promotions_and_link_labels_leave_the_middle_of_the_body() -> None:
    text = "\n".join([
        P1,
        "Related: Library closures across the region",
        P2,
        "Don't miss",
        "Mayor opens new bridge [VIDEO]",
        "Council tax bills explained [INSIGHT]",
        P3,
        "GET THE DAILY EXAMPLE ON THE GO BY CLICKING HERE",
    ])
    cleaned = remove_debris(text, title="Council approves budget", title_from_text=False)
    assert list(cleaned.lines) == [P1, P2, P3]


def test_lead_in_with_colon_stays_in_the_body() -> None:
    text = "\n".join([P1, "The newly selected five are:", "- Roads", "- Library", P2, P3])
    cleaned = remove_debris(text, title="Council approves budget", title_from_text=False)
    assert "The newly selected five are:" in cleaned.lines


def test_truncated_last_paragraph_after_the_body_is_kept() -> None:
    cut = "The opposition leader, who was first elected in 2017 and has voted against every budget since, said she may..."
    cleaned = remove_debris("\n".join([P1, P2, cut]), title="Council approves budget", title_from_text=False)
    assert cut in cleaned.lines


def test_embedded_post_attribution_and_date_line() -> None:
    book = "Published in 1998, the report sold 2 million copies."
    text = "\n".join(["- Published 18 November 2019", P1, P2, book, "— The Daily Example (@dailyexample) November 4, 2019"])
    cleaned = remove_debris(text, title="Council approves budget", title_from_text=False)
    assert "— The Daily Example (@dailyexample) November 4, 2019" in cleaned.lines
    assert book in cleaned.lines
    assert "- Published 18 November 2019" not in cleaned.lines


def test_japanese_paragraphs_count_as_body() -> None:
    ja = "先日、不正に改造した製品を販売したとして、商標法違反の疑いで男性が逮捕されたというニュースを耳にしました。"
    assert word_count(ja) >= 15
    cleaned = remove_debris("\n".join([ja, ja.replace("先日", "昨日")]), title="商品の改造が商標法違反に", title_from_text=False)
    assert len(cleaned.lines) == 2


# ---------------------------------------------------------------- benchmark (../shared/data)


def _bench():
    """bench/extraction_quality.py as a module (it is a script, not part of the package)."""
    if "extraction_quality" in sys.modules:
        return sys.modules["extraction_quality"]
    spec = importlib.util.spec_from_file_location("extraction_quality", ROOT / "bench" / "extraction_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["extraction_quality"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_scorer_reproduces_published_scores() -> None:
    data = shared_data("article-extraction-benchmark")
    bench = _bench()
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    preds = json.loads(gzip.decompress((data / "output" / "trafilatura.json.gz").read_bytes()))
    preds = preds.get("output", preds)
    p, r, f = bench.corpus_scores([bench.page_counts(truth[i]["articleBody"], preds[i]["articleBody"]) for i in truth])
    assert (round(p, 3), round(r, 3), round(f, 3)) == (0.938, 0.978, 0.958)


def test_protocol_edge_cases() -> None:
    bench = _bench()
    assert bench.shingles("one two") == {("one", "two"): 1}
    assert bench.shingles("") == {}
    assert bench.page_counts("a b c d e", "") == (0.0, 0.0, 1.0)
    # An empty prediction costs recall only: it is left out of the precision mean.
    p, r, _ = bench.corpus_scores([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])
    assert (p, r) == (1.0, 0.5)


def test_dev_split_quality() -> None:
    data = shared_data("article-extraction-benchmark")
    bench = _bench()
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    dev = [i for i in sorted(truth) if bench.split_of(i) == "dev"]
    assert 80 <= len(dev) <= 101
    counts = [
        bench.page_counts(truth[i]["articleBody"], bench.run_storyline(i, bench.load_html(i), truth[i]["url"])) for i in dev
    ]
    _, _, f1 = bench.corpus_scores(counts)
    assert f1 >= 0.97, f"dev F1 {f1:.3f}"
