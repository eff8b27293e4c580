"""The reference case: seeds 001-004 date to May 2025 (004 through its story)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.clean.pipeline import clean_document
from storyline.ingest.text import text_document
from storyline.nlp import analyze_articles, date_in_story, story_event_date

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


@pytest.fixture(scope="module")
def seeds():
    paths = sorted(SEEDS.glob("*.txt"))
    if len(paths) < 5:
        pytest.skip("examples/seeds is not complete")
    articles = [clean_document(text_document(p.read_text(encoding="utf-8"), str(p))) for p in paths]
    return {p.name[:3]: an for p, an in zip(paths, analyze_articles(articles))}


def test_may_2025_visit_articles_date_to_may_2025(seeds):
    for key in ("001", "002", "003"):
        ed = seeds[key].event_date
        assert ed.value and ed.value.startswith("2025-05"), (key, ed)
        assert ed.value in ("2025-05-08", "2025-05-09")


def test_story_consensus_and_the_article_dated_through_it(seeds):
    story = {k: seeds[k] for k in ("001", "002", "003", "004")}
    consensus, outliers = story_event_date({k: a.event_date for k, a in story.items()}, story)
    assert consensus.value.startswith("2025-05") and outliers == []
    ed = seeds["004"].event_date
    if not ed.value:
        ed = date_in_story(seeds["004"], consensus)
    assert ed.value and ed.value.startswith("2025-05")


def test_seed_quotes_and_figures(seeds):
    speakers = {q.speaker_canonical for a in seeds.values() for q in a.quotes}
    assert {"Maria Zakharova", "Yuri Ushakov", "Wang Yiwei", "Volodymyr Zelenskyy", "Xi Jinping"} <= speakers
    money = [q for q in seeds["004"].quantities if q.kind == "money"]
    assert money and money[0].value == 245e9 and money[0].unit == "USD"
