from __future__ import annotations

from storyline.framing.text import quoted_spans, split_sentences, tokenize


def test_tokens_carry_offsets() -> None:
    text = "Left-wing critics didn’t like the 12-point plan."
    for t in tokenize(text):
        assert text[t.start : t.end] == t.text
    assert [t.norm for t in tokenize(text)][:3] == ["left-wing", "critics", "didn't"]


def test_sentences_respect_abbreviations_lines_and_quotes() -> None:
    text = (
        "Mr. Xi met Gen. Smith in the U.S. capital on Jan. 5. Talks went well!\n"
        "A Heading Line\n"
        '"It is over," he said. Then he left.'
    )
    spans = split_sentences(text)
    got = [text[a:b] for a, b in spans]
    assert got == [
        "Mr. Xi met Gen. Smith in the U.S. capital on Jan. 5.",
        "Talks went well!",
        "A Heading Line",
        '"It is over," he said.',
        "Then he left.",
    ]


def test_split_sentences_skips_empty_and_punctuation_only_lines() -> None:
    text = "\n\n  ---  \nOne sentence here.\n\n"
    assert [text[a:b] for a, b in split_sentences(text)] == ["One sentence here."]


def test_quoted_spans() -> None:
    text = 'He called it “a disgrace” and "a farce".'
    assert [text[a:b] for a, b in quoted_spans(text)] == ["“a disgrace”", '"a farce"']
