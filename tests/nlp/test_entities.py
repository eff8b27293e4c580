"""Entity canonicalisation within an article, across a story, and the metonymy note."""

from __future__ import annotations

from storyline.nlp import canonicalize_across
from storyline.nlp.entities import clean_name
from storyline.nlp.types import EntityMention


def _canon(analysis, text):
    return {e.canonical for e in analysis.entities if e.text == text or e.text.startswith(text)}


def test_titles_surnames_and_possessives_map_to_the_full_name(analyze):
    a = analyze(
        "Chinese President Xi Jinping arrived in Moscow on Tuesday. Xi's visit is his third this year. "
        "President Xi Jinping met Russian officials, and Xi said the talks went well."
    )
    assert {e.canonical for e in a.entities if "Xi" in e.text} == {"Xi Jinping"}


def test_surname_goes_to_the_nearest_earlier_full_name_when_two_share_it(analyze):
    a = analyze("Anna Berg met Johan Berg in Oslo. Later, Johan Berg spoke. Berg said the deal was done.")
    bergs = [e for e in a.entities if e.text == "Berg"]
    assert bergs and all(e.canonical == "Johan Berg" for e in bergs)


def test_clean_name_strips_titles_determiners_and_possessive():
    assert clean_name("President Xi Jinping", "PERSON") == "Xi Jinping"
    assert clean_name("Mr. Claes", "PERSON") == "Claes"
    assert clean_name("Putin\u2019s", "PERSON") == "Putin"
    assert clean_name("the Kremlin", "ORG") == "Kremlin"
    assert clean_name("U.S.", "GPE") == "United States"


def test_acronym_defined_in_parentheses_maps_to_the_long_name(analyze):
    a = analyze("The International Criminal Court (ICC) issued a warrant. The ICC said it acted alone.")
    iccs = [e for e in a.entities if e.text == "ICC"]
    assert iccs and all(e.canonical == "International Criminal Court" for e in iccs)


def test_capitals_as_subjects_of_stance_verbs_stand_for_governments(analyze):
    a = analyze("Beijing has accused Washington of hypocrisy, while the Kremlin said it supported the plan. "
                "Tourists love Paris in the spring.")
    meto = {e.text: e.metonym_of for e in a.entities}
    assert meto.get("Beijing") == "government of China"
    assert meto.get("Kremlin") == "government of Russia"
    assert meto.get("Paris") is None  # a place, not a speaker


def test_possessor_of_a_stance_noun_is_a_metonym(analyze):
    a = analyze("The move was a strong signal of Beijing's support for Moscow.")
    assert {e.text: e.metonym_of for e in a.entities}.get("Beijing") == "government of China"


def test_canonicalize_across_articles():
    def m(text, label="PERSON"):
        return EntityMention(text=text, label=label, start=0, end=len(text), sentence=0, canonical=clean_name(text, label))

    mapping = canonicalize_across({
        "a": [m("Vladimir Putin"), m("Volodymyr Zelenskyy")],
        "b": [m("Putin"), m("Zelenskyy")],
        "c": [m("President Putin"), m("Zelensky"), m("Zelenskyy")],
        "d": ["Vaitkut\u0117", "Rasa Vaitkute"],
    })
    assert mapping["Putin"] == "Vladimir Putin"
    assert mapping["President Putin"] == "Vladimir Putin"
    assert mapping["Zelensky"] == mapping["Zelenskyy"] == "Volodymyr Zelenskyy"
    assert mapping["Vaitkut\u0117"] == "Rasa Vaitkute"


def test_ambiguous_surname_is_left_alone_across_articles():
    mapping = canonicalize_across({"a": ["Anna Berg"], "b": ["Johan Berg"], "c": ["Berg"]})
    assert mapping["Berg"] == "Berg"
