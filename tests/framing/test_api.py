"""Framing API: shapes, offsets, ordering, package data. Uses only the shipped model."""

from __future__ import annotations

import json

import pytest

from storyline.framing import CATEGORIES, frame_article, headline_scores, outlet_profile, score_sentences
from storyline.framing.model import MODEL_FILE, default_models

LOADED = [
    "The radical leftist mob destroyed the city in a shocking orgy of violence.",
    "Trump slammed the bizarre and dangerous decision by out-of-touch Democrats.",
    "The hysterical climate alarmists are pushing their extremist agenda on our children.",
]
NEUTRAL = [
    "The committee will meet on Tuesday to discuss the budget.",
    "The company reported revenue of $4.2 billion for the third quarter.",
    "The bill was passed by the Senate with 52 votes in favour.",
]
ARTICLE = (
    "Leaders Meet in Moscow\n"
    "Chinese President Xi Jinping arrived in Moscow on Monday for a three-day state visit. "
    "In a move that sent shockwaves through Western capitals, the two leaders mocked the pathetic sanctions regime.\n"
    "“This is a disgraceful farce,” one senator said. The talks will continue on Tuesday."
)


def test_model_loads_from_package_data() -> None:
    assert MODEL_FILE.is_file()
    assert "storyline" in MODEL_FILE.parts and "shared" not in MODEL_FILE.parts
    fm = default_models()
    assert fm is default_models()  # loaded once per process
    assert 0.0 < fm.phrase_threshold < 1.0


def test_score_sentences_shapes_and_ranges() -> None:
    out = score_sentences(LOADED + NEUTRAL)
    assert len(out) == 6
    for s, text in zip(out, LOADED + NEUTRAL):
        assert s.text == text
        assert 0.0 <= s.score <= 1.0 and 0.0 <= s.subjectivity <= 1.0
        assert s.label == ("loaded" if s.score >= 0.5 else "neutral")
        for p in s.phrases:
            assert text[p.start : p.end] == p.text
            assert p.category in CATEGORIES
        json.dumps(s.to_dict())
    assert score_sentences([]) == []


def test_loaded_sentences_score_above_neutral_ones() -> None:
    out = score_sentences(LOADED + NEUTRAL)
    loaded, neutral = out[:3], out[3:]
    assert min(s.score for s in loaded) > max(s.score for s in neutral)
    assert all(s.label == "loaded" for s in loaded)
    assert all(s.label == "neutral" for s in neutral)
    assert all(s.phrases for s in loaded)
    assert not any(p.source == "model" for s in neutral for p in s.phrases)


def test_marked_words_and_categories() -> None:
    (s,) = score_sentences(["The radical leftist mob destroyed the city in a shocking orgy of violence."])
    marked = {p.text.lower(): p.category for p in s.phrases}
    assert any("leftist" in t for t in marked)
    assert "name-calling or labelling" in marked.values()


def test_subjectivity_orders_opinion_above_report() -> None:
    opinion, report = score_sentences(
        ["I think this is a terrible idea and we should be ashamed of it.", "The council approved the plan on Monday."]
    )
    assert opinion.subjectivity > report.subjectivity


def test_pattern_markers() -> None:
    (s,) = score_sentences(["The truth is that the plan was allegedly drafted in secret."])
    cats = {p.text.lower(): p.category for p in s.phrases}
    assert cats.get("the truth is") == "unattributed assertion"
    assert cats.get("allegedly") == "hedge"
    (attributed,) = score_sentences(["The truth is more complicated, the minister said."])
    assert not any(p.category == "unattributed assertion" for p in attributed.phrases)


def test_frame_article_offsets_point_into_the_article() -> None:
    a = frame_article(ARTICLE, title="Leaders Meet in Moscow")
    assert 0.0 <= a.score <= 1.0 and 0.0 <= a.subjectivity <= 1.0
    assert a.headline is not None and 0.0 <= a.headline <= 1.0
    assert len(a.sentences) == 5
    for s in a.sentences:
        assert ARTICLE[s.start : s.end] == s.text
    assert a.phrases
    for p in a.phrases:
        assert ARTICLE[p.start : p.end] == p.text
    quoted = [p for p in a.phrases if "disgrace" in p.text.lower()]
    assert all(p.in_quote for p in quoted)
    json.dumps(a.to_dict())


def test_frame_article_without_title_or_text() -> None:
    a = frame_article("Short neutral text about the weather.", None)
    assert a.headline is None
    empty = frame_article("", None)
    assert empty.sentences == () and empty.score == 0.0


def test_headline_scores_order_clickbait_above_news() -> None:
    bait, news = headline_scores(["You Won't Believe What This Dog Did Next", "Senate passes budget bill after long debate"])
    assert bait > 0.5 > news


def test_outlet_profile() -> None:
    framings = [frame_article(ARTICLE, "Leaders Meet in Moscow"), frame_article(" ".join(NEUTRAL), None)]
    prof = outlet_profile(framings)
    assert prof["n_articles"] == 2
    assert set(prof["score"]) == {"mean", "spread", "median", "min", "max"}
    assert prof["score"]["min"] <= prof["score"]["mean"] <= prof["score"]["max"]
    assert prof["headline"]["mean"] == pytest.approx(framings[0].headline, abs=1e-4)
    assert all({"term", "articles", "category"} <= set(t) for t in prof["loaded_terms"])
    assert outlet_profile([])["n_articles"] == 0


def test_score_sentences_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError, match="list of sentences"):
        score_sentences("one sentence")  # type: ignore[arg-type]
