"""Phrase marking rules that do not depend on the trained weights."""

from __future__ import annotations

from storyline.framing.lexicons import Lexicons
from storyline.framing.model import default_models
from storyline.framing.phrases import model_phrases, proper_words
from storyline.framing.text import tokenize


def test_proper_words_are_capitalised_inside_sentences_and_never_lower_case() -> None:
    sentences = [tokenize(s) for s in (
        "Troops crossed the border at dawn.",
        "The Chinese side said the talks were useful.",
        "Officials said the regime had collapsed.",
        "Regime change was not the aim, the Minister said.",
    )]
    proper = proper_words(sentences)
    assert "chinese" in proper and "minister" in proper
    assert "troops" not in proper  # never seen inside a sentence, capitalised
    assert "regime" not in proper  # also written in lower case


def test_a_proper_word_opening_a_sentence_is_not_marked() -> None:
    lex: Lexicons = default_models().lexicons
    text = "Chinese troops swarmed the disputed islands."
    tokens = tokenize(text)
    probs = [0.9 if t.norm in ("chinese", "swarmed") else 0.0 for t in tokens]
    args = (text, tokens, probs, 0.9, 0.5, 0.5, lex, [])
    assert [p.text for p in model_phrases(*args)] == ["Chinese", "swarmed"]
    assert [p.text for p in model_phrases(*args, frozenset({"chinese"}))] == ["swarmed"]
