from __future__ import annotations

import json

from storyline.compare import analyze_story
from tests.compare.conftest import make_analysis, make_article

FIELDS = {"event_date", "claims", "conflicts", "quotes", "entities", "quantities", "omissions", "briefing"}


def test_report_fields_and_json() -> None:
    a = make_article("a", "The council approved the stadium on Tuesday. Mayor Leon Hart welcomed the vote.", outlet="A")
    b = make_article("b", "On Tuesday the council approved the new stadium. The club thanked the council.", outlet="B")
    result = analyze_story([a, b], {x.id: make_analysis(x, entities=[("Leon Hart", "PERSON")]) for x in (a, b)})
    data = result.to_dict()
    assert set(data) == FIELDS
    assert set(data["event_date"]) >= {"value", "precision", "confidence", "evidence", "conflicts", "outliers"}
    for c in data["claims"]:
        assert set(c) >= {"id", "text", "article_ids", "independent_sources", "status", "sentences"}
        assert c["status"] in ("corroborated", "single_source", "contested")
        for s in c["sentences"]:
            assert set(s) >= {"article_id", "start", "end", "text"}
    assert data["entities"] == [{"name": "Leon Hart", "type": "PERSON", "article_ids": ["a"], "mentions": 1}]
    json.dumps(data)


def test_empty_and_single_article_stories() -> None:
    assert analyze_story([], {}).to_dict()["claims"] == []
    a = make_article("a", "The council approved the stadium on Tuesday after a long debate.", outlet=None)
    data = analyze_story([a], {}).to_dict()  # no analysis: sentences by punctuation
    assert [c["status"] for c in data["claims"]] == ["single_source"]
    assert data["omissions"] == [{"article_id": "a", "claim_ids": []}]
    assert all(b["article_ids"] == ["a"] for b in data["briefing"])
    assert data["briefing"][0]["text"].startswith("According to one report, the council")
