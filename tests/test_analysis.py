"""`storyline.analysis`: which text-derived event dates reach the clusterer."""

from types import SimpleNamespace

from storyline.analysis import _event_dates
from storyline.models import Article
from storyline.nlp.types import EventDate


def _analysis(value: str, confidence: float) -> SimpleNamespace:
    return SimpleNamespace(event_date=EventDate(value, "day", confidence))


def test_only_articles_without_a_published_date_get_a_text_date() -> None:
    articles = {
        "dated": Article(id="dated", input="dated", kind="text", title="t", text="x", published="2025-03-14"),
        "undated": Article(id="undated", input="undated", kind="text", title="t", text="x"),
        "unsure": Article(id="unsure", input="unsure", kind="text", title="t", text="x"),
    }
    analyses = {"dated": _analysis("2025-03-11", 0.9), "undated": _analysis("2024-06-02", 0.8),
                "unsure": _analysis("2024-06-02", 0.3)}
    assert _event_dates(analyses, articles) == {"undated": ("2024-06-02", "day")}  # type: ignore[arg-type]
