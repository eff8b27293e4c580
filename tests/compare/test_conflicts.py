from __future__ import annotations

from storyline.compare import analyze_story
from storyline.compare.measures import agree, normalise
from storyline.nlp.types import EventDate, QuantityInfo
from tests.compare.conftest import make_analysis, make_article

MONDAY = {"text": "Monday", "kind": "weekday", "weekday": 0}


def _q(value: float, unit: str | None, kind: str = "count", qualifier: str | None = None) -> QuantityInfo:
    return QuantityInfo(value=value, unit=unit, measure=None, kind=kind, text=str(value), start=0, end=1, sentence=0,  # type: ignore[arg-type]
                        qualifier=qualifier)


def test_normalised_values() -> None:
    assert agree(normalise(_q(120, "people", qualifier="about")), normalise(_q(120, "people")))
    assert agree(normalise(_q(5, "km", "other")), normalise(_q(3, "mile", "other")))  # 4.8 km
    assert not agree(normalise(_q(8000, "tonne", "other")), normalise(_q(6000, "tonne", "other")))
    assert agree(normalise(_q(300, "building", qualifier="more than")), normalise(_q(320, "building")))
    assert not agree(normalise(_q(12, "people")), normalise(_q(15, "people")))
    # Decimals are as precise as their digits; whole numbers may be rounded a little.
    six_four = QuantityInfo(value=6.4, unit=None, measure=None, kind="other", text="6.4", start=0, end=3, sentence=0)
    six_two = QuantityInfo(value=6.2, unit=None, measure=None, kind="other", text="6.2", start=0, end=3, sentence=0)
    assert not agree(normalise(six_four), normalise(six_two))
    bn = QuantityInfo(value=245e9, unit="USD", measure=None, kind="money", text="$245 billion", start=0, end=12, sentence=0)
    bn3 = QuantityInfo(value=245.3e9, unit="USD", measure=None, kind="money", text="$245.3 billion", start=0, end=14, sentence=0)
    assert agree(normalise(bn), normalise(bn3))


def test_update_contradiction_and_non_conflicts() -> None:
    early = make_article("early", (
        "A fire at a fertiliser warehouse killed 12 people on Monday, officials said. "
        "The warehouse held 8,000 tonnes of ammonium nitrate, the port authority said. "
        "About 120 firefighters fought the blaze. "
        "Residents within a 5-kilometre exclusion zone were told to stay indoors."
    ), outlet="Wire", published="2024-03-12")
    later = make_article("later", (
        "The death toll from the warehouse fire rose to 15 on Wednesday, health officials said. "
        "The warehouse held 8,000 tonnes of ammonium nitrate. "
        "120 firefighters fought the blaze through the night. "
        "A 3-mile exclusion zone remains in place around the port. "
        "A blaze at a grain silo in 2019 killed 3 workers."
    ), outlet="Coast News", published="2024-03-13")
    other = make_article("other", (
        "The fertiliser warehouse held 6,000 tonnes of ammonium nitrate, the Beacon has learned. "
        "The fire killed 12 people."
    ), outlet="Beacon")
    analyses = {
        "early": make_analysis(early, quantities=[
            ("12 people", 12, "people", "people", "count"), ("8,000 tonnes", 8000, "tonne", "ammonium", "other"),
            ("About 120 firefighters", 120, "people", "firefighters", "count", "about"), ("5-kilometre", 5, "km", "exclusion zone", "other"),
        ], times=[{**MONDAY, "value": "2024-03-11", "precision": "day"}], event_date=EventDate("2024-03-11", "day", 0.9)),
        "later": make_analysis(later, quantities=[
            ("15", 15, "people", "death toll", "count"), ("8,000 tonnes", 8000, "tonne", "ammonium", "other"),
            ("120 firefighters", 120, "people", "firefighters", "count"), ("3-mile", 3, "mile", "exclusion zone", "other"),
            ("3 workers", 3, "people", "workers", "count"),
        ], times=[{"text": "Wednesday", "kind": "weekday", "weekday": 2, "value": "2024-03-13", "precision": "day"},
                  {"text": "2019", "kind": "year", "value": "2019", "precision": "year", "year": 2019}],
            event_date=EventDate("2024-03-11", "day", 0.9)),
        "other": make_analysis(other, quantities=[
            ("6,000 tonnes", 6000, "tonne", "ammonium", "other"), ("12 people", 12, "people", "people", "count"),
        ]),
    }
    result = analyze_story([early, later, other], analyses)
    by_values = {frozenset(v.value for v in c.values): c for c in result.conflicts}
    toll = by_values.get(frozenset({12.0, 15.0}))
    assert toll is not None and toll.kind == "update", result.conflicts
    assert "death toll" in toll.about
    tonnes = by_values.get(frozenset({8000.0, 6000.0}))
    assert tonnes is not None and tonnes.kind == "contradiction"
    assert tonnes.explanation
    assert len(result.conflicts) == 2  # not: about 120 vs 120, 5 km vs 3 miles, 2019's 3 deaths
    # A claim carrying a contradicted value is contested and points at the conflict.
    contested = [c for c in result.claims if tonnes.id in c.conflict_ids]
    assert contested and all(c.status == "contested" for c in contested)
    assert set(tonnes.claim_ids) == {c.id for c in contested}


def test_previous_values_and_forecasts_are_not_conflicts() -> None:
    a = make_article("a", "The central bank cut its benchmark interest rate to 4.5% from 4.75% on Thursday.", outlet="A")
    b = make_article("b", (
        "The central bank lowered its main interest rate to 4.5% on Thursday. "
        "Analysts expect the rate to fall to 4% by the end of the year."
    ), outlet="B")
    analyses = {
        "a": make_analysis(a, quantities=[("4.5%", 4.5, "%", "benchmark interest rate", "rate"),
                                          ("4.75%", 4.75, "%", "benchmark interest rate", "rate")]),
        "b": make_analysis(b, quantities=[("4.5%", 4.5, "%", "main interest rate", "rate"), ("4%", 4, "%", "rate", "rate")]),
    }
    assert analyze_story([a, b], analyses).conflicts == ()


def test_same_time_reference_is_a_contradiction_even_with_change_words() -> None:
    a = make_article("a", "Inflation fell to 3.1% in May, official figures showed.", outlet="A", published="2024-06-06")
    b = make_article("b", "Inflation stood at 3.4% in May, according to official data.", outlet="B")
    may = {"text": "May", "kind": "month", "month": 5, "precision": "month"}
    analyses = {
        "a": make_analysis(a, quantities=[("3.1%", 3.1, "%", "Inflation", "rate")], times=[{**may, "value": "2024-05", "year": 2024}]),
        "b": make_analysis(b, quantities=[("3.4%", 3.4, "%", "Inflation", "rate")], times=[may]),
    }
    conflicts = analyze_story([a, b], analyses).conflicts
    assert len(conflicts) == 1 and conflicts[0].kind == "contradiction"


def test_different_subjects_are_not_conflicts() -> None:
    a = make_article("a", "The ferry Aurora Star was carrying 214 people when it sank off Kelby Island.", outlet="A")
    b = make_article("b", "A second ferry, the Nordic Dawn, carrying 120 passengers, turned back to port safely.", outlet="B")
    analyses = {
        "a": make_analysis(a, quantities=[("214 people", 214, "people", "people", "count")],
                           entities=[("Aurora Star", "PRODUCT"), ("Kelby Island", "GPE")]),
        "b": make_analysis(b, quantities=[("120 passengers", 120, "people", "passengers", "count")],
                           entities=[("Nordic Dawn", "PRODUCT")]),
    }
    assert analyze_story([a, b], analyses).conflicts == ()


def test_date_conflict_between_matching_sentences() -> None:
    a = make_article("a", "The earthquake struck the coastal province on Sunday afternoon, officials said.", outlet="A")
    b = make_article("b", "The earthquake struck the coastal province on Saturday afternoon, officials said.", outlet="B")
    analyses = {
        "a": make_analysis(a, times=[{"text": "Sunday", "kind": "weekday", "weekday": 6, "prep": "on"}]),
        "b": make_analysis(b, times=[{"text": "Saturday", "kind": "weekday", "weekday": 5, "prep": "on"}]),
    }
    conflicts = analyze_story([a, b], analyses).conflicts
    assert len(conflicts) == 1
    assert conflicts[0].about.startswith("date of")
    assert {v.text for v in conflicts[0].values} == {"Sunday", "Saturday"}


def test_unclear_when_a_changing_figure_differs_without_dates_or_update_words() -> None:
    a = make_article("a", "The landslide in the mountain village killed 12 people, officials said.", outlet="A")
    b = make_article("b", "The landslide in the mountain village killed 14 people, local officials said.", outlet="B")
    analyses = {
        "a": make_analysis(a, quantities=[("12 people", 12, "people", "people", "count")]),
        "b": make_analysis(b, quantities=[("14 people", 14, "people", "people", "count")]),
    }
    conflicts = analyze_story([a, b], analyses).conflicts
    assert len(conflicts) == 1
    assert conflicts[0].kind == "unclear" and conflicts[0].about == "death toll"
    assert "do not make clear" in conflicts[0].explanation
