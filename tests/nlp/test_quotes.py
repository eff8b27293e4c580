"""Each quote pattern, with its speaker resolved."""

from __future__ import annotations

import pytest


def _one(analysis, fragment):
    found = [q for q in analysis.quotes if fragment in q.text]
    assert found, f"no quote containing {fragment!r} in {[q.text for q in analysis.quotes]}"
    return found[0]


@pytest.mark.parametrize("text, fragment, speaker, kind, cue", [
    ('"We will not back down," union leader Jan Peeters said.', "We will not back down", "Jan Peeters", "direct", "said"),
    ('"The talks were useful," said Foreign Minister Ana Ruiz.', "talks were useful", "Ana Ruiz", "direct", "said"),
    ('"Prices will fall," Governor Tom Hale told reporters on Monday.', "Prices will fall", "Tom Hale", "direct", "told"),
    ('Moscow\'s Foreign Ministry spokesperson Maria Ivanova described the visit as "one of the key events" of the year.',
     "one of the key events", "Maria Ivanova", "direct", "described ... as"),
    ('Opposition leader Mark Ellis: "This budget is a disgrace."', "This budget is a disgrace", "Mark Ellis", "direct", "colon"),
    ('Kremlin aide Yuri Orlov indicated that Putin may visit China later this year.', "Putin may visit China",
     "Yuri Orlov", "reported", "indicated"),
    ('According to port spokesperson Sofie Janssens, 14 vessels were waiting at anchor.', "14 vessels were waiting",
     "Sofie Janssens", "reported", "according to"),
    ('Inflation slowed to 2.7% in April, Statistics Canada said.', "Inflation slowed", "Statistics Canada", "reported", "said"),
    ('Health minister Eva Lund warned that hospitals could run out of beds.', "hospitals could run out", "Eva Lund",
     "reported", "warned"),
    ('Analyst Ken Wu emphasized that the deal was fragile.', "the deal was fragile", "Ken Wu", "reported", "emphasized"),
])
def test_quote_patterns(analyze, text, fragment, speaker, kind, cue):
    q = _one(analyze(text), fragment)
    assert q.speaker_canonical == speaker
    assert q.kind == kind
    assert q.cue == cue


def test_pronoun_resolves_to_the_last_person(analyze):
    a = analyze('Mayor Lena Holm visited the flooded district. "We will rebuild every house," she said.')
    assert _one(a, "rebuild every house").speaker_canonical == "Lena Holm"


def test_apposition_and_surname(analyze):
    a = analyze('Its chief executive, Lotte Verbeeck, said losses were mounting. "It is regrettable," Verbeeck added.')
    assert _one(a, "losses were mounting").speaker_canonical == "Lotte Verbeeck"
    assert _one(a, "It is regrettable").speaker_canonical == "Lotte Verbeeck"


def test_quote_standing_alone_takes_the_previous_speaker(analyze):
    a = analyze('Minister Paul Dahl said the plan was ready. "There is no alternative."')
    assert _one(a, "There is no alternative").speaker_canonical == "Paul Dahl"


def test_partial_quote_inside_reported_speech_is_one_reported_quote(analyze):
    a = analyze('President Ola Nilsen warned that Norway "cannot bear responsibility" for the safety of visitors.')
    assert len(a.quotes) == 1
    q = a.quotes[0]
    assert q.kind == "reported" and q.speaker_canonical == "Ola Nilsen" and "safety of visitors" in q.text


def test_fragments_around_the_attribution_are_one_quote(analyze):
    a = analyze('"We are going back," she said, "and this time we are going to stay."')
    direct = [q for q in a.quotes if q.kind == "direct"]
    assert len(direct) == 1 and "going to stay" in direct[0].text


def test_scare_quotes_are_not_quotes(analyze):
    a = analyze('The two countries signed a "no-limits" partnership in the capital.')
    assert a.quotes == ()


def test_unnamed_speakers_keep_the_phrase_as_written(analyze):
    q = _one(analyze("The strike halted two terminals, union officials said."), "halted two terminals")
    assert q.speaker_canonical is None and q.speaker == "union officials"


def test_dateline_is_not_the_speaker(analyze):
    a = analyze("VILNIUS, March 11 - President Adam Nowak on Tuesday pledged that Poland would defend Lithuania.")
    assert _one(a, "Poland would defend").speaker_canonical == "Adam Nowak"
