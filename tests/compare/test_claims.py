from __future__ import annotations

from storyline.compare import analyze_story
from storyline.compare.claims import claim_units
from tests.compare.conftest import make_analysis, make_article

WIRE = (
    "HARBOURTON, May 2 (Northern Wire) - A fire destroyed a grain warehouse in Harbourton on Monday night, the fire service said.\n\n"
    "Firefighters from three towns fought the blaze until dawn.\n\n"
    "The harbour master said ships would be diverted to the port of Brenmouth for a week."
)
COPY = (
    "A fire destroyed a grain warehouse in Harbourton on Monday night, the fire service said.\n\n"
    "Firefighters from three towns fought the blaze until dawn.\n\n"
    "The harbour master said ships would be diverted to the port of Brenmouth for a week."
)
OTHER = (
    "A grain warehouse in Harbourton was destroyed by fire on Monday night, according to the fire service.\n\n"
    "The mayor promised to help the twenty families who lost their jobs at the warehouse."
)


def _story():
    arts = [
        make_article("w", WIRE, outlet="Northern Wire", syndication_group="nw-1"),
        make_article("c", COPY, outlet="Harbour Gazette", syndication_group="nw-1"),
        make_article("o", OTHER, outlet="Coastal Times"),
    ]
    return arts, {a.id: make_analysis(a, entities=[("Harbourton", "GPE"), ("Brenmouth", "GPE")]) for a in arts}


def _claim_with(result, article_id: str, needle: str):
    return next(c for c in result.claims if any(s.article_id == article_id and needle in s.text for s in c.sentences))


def test_corroborated_vs_single_source_with_syndicated_copies() -> None:
    arts, analyses = _story()
    result = analyze_story(arts, analyses)
    fire = _claim_with(result, "o", "destroyed by fire")
    assert set(fire.article_ids) == {"w", "c", "o"}
    assert fire.independent_sources == 2  # the wire and its copy are one source
    assert fire.status == "corroborated"
    ships = _claim_with(result, "w", "diverted")
    assert set(ships.article_ids) == {"w", "c"}  # the copies are aligned ...
    assert ships.independent_sources == 1  # ... but count once
    assert ships.status == "single_source"
    mayor = _claim_with(result, "o", "mayor promised")
    assert mayor.article_ids == ("o",) and mayor.status == "single_source"


def test_claim_text_is_neutral_member_and_dateline_is_cut() -> None:
    arts, analyses = _story()
    result = analyze_story(arts, analyses)
    fire = _claim_with(result, "w", "grain warehouse")
    assert not fire.text.startswith("HARBOURTON")
    wire_sentence = next(s for s in fire.sentences if s.article_id == "w")
    assert WIRE[wire_sentence.start:wire_sentence.end] == wire_sentence.text
    assert wire_sentence.text.startswith("A fire destroyed")


def test_units_skip_headings_questions_and_boilerplate() -> None:
    text = (
        "Energy, Trade, and Defense on the Agenda\n\n"
        "What happens next?\n\n"
        "The two leaders signed an agreement on gas supplies on Thursday.\n\n"
        "Related Posts\n\n"
        "Reporting by Jane Doe; editing by John Roe."
    )
    art = make_article("x", text)
    units = claim_units(art, make_analysis(art))
    assert [u.text for u in units] == ["The two leaders signed an agreement on gas supplies on Thursday."]


def test_different_numbers_are_not_one_claim() -> None:
    a = make_article("a", "The storm destroyed 300 homes in the northern province, officials said.", outlet="A")
    b = make_article("b", "The storm destroyed 30 homes in the northern province, officials said.", outlet="B")
    analyses = {
        "a": make_analysis(a, quantities=[("300 homes", 300, "home", "homes", "count")]),
        "b": make_analysis(b, quantities=[("30 homes", 30, "home", "homes", "count")]),
    }
    result = analyze_story([a, b], analyses)
    assert all(len(c.article_ids) == 1 for c in result.claims)


def test_a_quote_is_never_cut_into_clauses() -> None:
    quoted = ("'The islands need year-round service, the state sets fare caps, and the companies keep old hulls "
              "running because a new ferry costs 90 million euros,' said Maria Lekkou, an economist at the university.")
    plain = ("Operators argue that maintenance, not age, determines safety, and point out that the vessel passed "
             "its most recent inspection three months ago.")
    units = [u.text for u in claim_units(make_article("q", f"{quoted}\n\n{plain}"), None)]
    assert units[0] == quoted
    # Outside quotes a long sentence is still cut at its clauses.
    assert units[1:] == ["Operators argue that maintenance, not age, determines safety",
                         "point out that the vessel passed its most recent inspection three months ago."]


def test_an_aside_between_two_dashes_stays_in_its_sentence() -> None:
    aside = ("The ferry carried 320 passengers \u2014 about average for the ferries on the island route in winter "
             "\u2014 when it struck the rocks off the northern cape.")
    single = ("The harbour master closed the port to all traffic on Friday morning \u2014 the first closure of "
              "the whole port since the storms of the previous winter.")
    units = [u.text for u in claim_units(make_article("d", f"{aside}\n\n{single}"), None)]
    assert units[0] == aside
    # one dash still cuts a long sentence at its clauses
    assert units[1:] == ["The harbour master closed the port to all traffic on Friday morning",
                         "the first closure of the whole port since the storms of the previous winter."]


def test_a_quote_of_two_sentences_is_one_claim() -> None:
    text = ("The minister spoke in Ormos on Wednesday. 'We will not speculate. We will follow the evidence wherever "
            "it leads,' he told reporters.\n\n'Nobody expected it. Nobody was ready.\n\nThe port reopened on Friday, "
            "the harbour master said.")
    units = [u.text for u in claim_units(make_article("q", text), None)]
    assert "'We will not speculate. We will follow the evidence wherever it leads,' he told reporters." in units
    # A quote left open is not joined across a paragraph break.
    assert "The port reopened on Friday, the harbour master said." in units
