from __future__ import annotations

from storyline.compare import analyze_story
from storyline.compare.text import loaded_words, lower_first, neutralize
from tests.compare.conftest import make_analysis, make_article

A = ("The city council approved a new football stadium for the Riverton Rovers on Tuesday. "
     "The stadium will cost 1.2 billion dollars, the council said. "
     "Construction is due to begin next year.")
B = ("Riverton's city council on Tuesday approved plans for a new stadium for the Riverton Rovers. "
     "The stadium is expected to cost 1.2 billion dollars. "
     "Council member Dana Ortiz voted against the plan.")
C = ("The shocking decision to approve a new stadium for the Riverton Rovers was taken by the city council on Tuesday. "
     "The club's chairman thanked the council in a brief statement.")


def _story():
    arts = [make_article("a", A, outlet="Riverton Times"), make_article("b", B, outlet="Metro Wire"),
            make_article("c", C, outlet=None)]
    analyses = {a.id: make_analysis(a, entities=[("Riverton Rovers", "ORG"), ("Dana Ortiz", "PERSON")]) for a in arts}
    return arts, analyses


def test_omissions_list_corroborated_claims_an_article_lacks() -> None:
    arts, analyses = _story()
    result = analyze_story(arts, analyses)
    cost = next(c for c in result.claims if "1.2 billion" in c.text)
    assert cost.status == "corroborated" and set(cost.article_ids) == {"a", "b"}
    omitted = {o.article_id: o.claim_ids for o in result.omissions}
    assert set(omitted) == {"a", "b", "c"}  # one entry per article
    assert cost.id in omitted["c"]
    assert cost.id not in omitted["a"] and cost.id not in omitted["b"]
    approval = next(c for c in result.claims if "c" in c.article_ids and c.independent_sources >= 2)
    assert all(approval.id not in ids for ids in omitted.values())  # everyone reports the approval


def test_briefing_cites_sources_attributes_single_source_and_drops_loaded_words() -> None:
    arts, analyses = _story()
    briefing = analyze_story(arts, analyses, briefing_sentences=4).briefing
    assert 1 <= len(briefing) <= 4
    assert all(b.article_ids for b in briefing)  # never a sentence without sources
    texts = [b.text for b in briefing]
    assert len(set(texts)) == len(texts)
    assert briefing[0].kind == "corroborated" and len(briefing[0].article_ids) >= 2
    assert not any(loaded_words(t) for t in texts), texts
    singles = [b for b in briefing if b.kind == "single_source"]
    assert singles
    for b in singles:
        assert len(b.article_ids) == 1
        assert b.text.startswith("According to ")
    ortiz = [b for b in singles if "Ortiz" in b.text]
    if ortiz:
        assert ortiz[0].text.startswith("According to Metro Wire, council member Dana Ortiz")


def test_briefing_mentions_conflicts_neutrally() -> None:
    a = make_article("a", "The warehouse held 8,000 tonnes of ammonium nitrate, the port authority said.", outlet="Wire")
    b = make_article("b", "The warehouse held 6,000 tonnes of ammonium nitrate, the Beacon has learned.", outlet="Beacon")
    analyses = {
        "a": make_analysis(a, quantities=[("8,000 tonnes", 8000, "tonne", "ammonium", "other")]),
        "b": make_analysis(b, quantities=[("6,000 tonnes", 6000, "tonne", "ammonium", "other")]),
    }
    result = analyze_story([a, b], analyses)
    conflict_lines = [x for x in result.briefing if x.kind == "conflict"]
    assert len(conflict_lines) == 1
    line = conflict_lines[0]
    assert line.text.startswith("Reports differ on")
    assert "Wire" in line.text and "Beacon" in line.text and "8,000 tonnes" in line.text and "6,000 tonnes" in line.text
    assert set(line.article_ids) == {"a", "b"}
    assert all(x.article_ids for x in result.briefing)


def test_text_helpers() -> None:
    assert neutralize("A horrifying inferno tore through the warehouse.") == "An inferno tore through the warehouse."
    assert lower_first("The fire broke out.", proper_start=False) == "the fire broke out."
    assert lower_first("Harlow Logistics was fined.", proper_start=True) == "Harlow Logistics was fined."
    assert lower_first("NATO said so.", proper_start=False) == "NATO said so."
