"""Framing as evidence: loaded language, subjectivity and headline sensationalism, with the
loaded phrases marked (text, character offsets, category).

Scores are probabilities from linear models trained on BABE (expert media-bias labels) and
on clickbait/news headlines; see `data/PROVENANCE.md`. A score describes the wording of one
text; it is evidence for a reader to inspect, not a verdict on an outlet.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal, Sequence

from storyline.framing import categories as cat
from storyline.framing.model import FramingModels, default_models
from storyline.framing.phrases import Phrase, merge_phrases, model_phrases, pattern_phrases, proper_words
from storyline.framing.text import quoted_spans, split_sentences

log = logging.getLogger(__name__)

Label = Literal["loaded", "neutral"]


@dataclass(frozen=True)
class SentenceFraming:
    text: str
    score: float  # 0..1, probability that the wording is loaded (biased in BABE's sense)
    label: Label  # "loaded" when score >= 0.5
    subjectivity: float  # 0..1, probability that it states the writer's own opinion
    phrases: tuple[Phrase, ...]  # offsets into `text` (score_sentences) or the article (frame_article)
    start: int = 0  # offsets of the sentence in the article (0, len(text) for score_sentences)
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "label": self.label,
            "subjectivity": round(self.subjectivity, 4),
            "phrases": [p.to_dict() for p in self.phrases],
        }


@dataclass(frozen=True)
class ArticleFraming:
    score: float  # 0..1, mean loaded-language score of the body sentences
    subjectivity: float  # 0..1, mean subjectivity of the body sentences
    headline: float | None  # 0..1 sensational-headline score; None when no title was given
    phrases: tuple[Phrase, ...]  # offsets into the article text
    sentences: tuple[SentenceFraming, ...]
    loaded_share: float = 0.0  # share of sentences labelled "loaded"
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "subjectivity": round(self.subjectivity, 4),
            "headline": None if self.headline is None else round(self.headline, 4),
            "loaded_share": round(self.loaded_share, 4),
            "phrases": [p.to_dict() for p in self.phrases],
            "sentences": [s.to_dict() for s in self.sentences],
        }


def _models(models: FramingModels | None) -> FramingModels:
    return models if models is not None else default_models()


def _frame_sentences(
    texts: Sequence[str], offsets: Sequence[int], fm: FramingModels, accurate: bool
) -> list[SentenceFraming]:
    scores = fm.score(texts, accurate=accurate)
    by_sentence: list[list[int]] = [[] for _ in texts]
    for k, s in enumerate(scores.table.sentence):
        by_sentence[s].append(k)
    proper = proper_words([[scores.table.tokens[k] for k in ks] for ks in by_sentence])
    out = []
    for i, text in enumerate(texts):
        ks = by_sentence[i]
        quotes = quoted_spans(text) if ('"' in text or "“" in text) else []
        loaded = float(scores.loaded[i])
        found = model_phrases(
            text,
            [scores.table.tokens[k] for k in ks],
            [float(scores.token_prob[k]) for k in ks],
            loaded,
            fm.phrase_threshold,
            fm.phrase_sentence_threshold,
            fm.lexicons,
            quotes,
            proper,
        )
        phrases = merge_phrases(found, pattern_phrases(text, quotes))
        off = offsets[i]
        out.append(
            SentenceFraming(
                text=text,
                score=loaded,
                label="loaded" if loaded >= fm.loaded_threshold else "neutral",
                subjectivity=float(scores.subjectivity[i]),
                phrases=tuple(p.shifted(off) for p in phrases) if off else tuple(phrases),
                start=off,
                end=off + len(text),
            )
        )
    return out


def score_sentences(texts: list[str], *, accurate: bool = False, models: FramingModels | None = None) -> list[SentenceFraming]:
    """Score each text as one sentence; phrase offsets point into that text.

    `accurate=True` adds MiniLM sentence embeddings (a few points more accurate, ~10x slower).
    """
    if isinstance(texts, str):
        raise TypeError("score_sentences takes a list of sentences, not one string; wrap it: score_sentences([text])")
    return _frame_sentences(list(texts), [0] * len(texts), _models(models), accurate)


def frame_article(
    article_text: str, title: str | None = None, *, accurate: bool = False, models: FramingModels | None = None
) -> ArticleFraming:
    """Split the article into sentences, score them, and aggregate.

    Article scores are means over sentences (so they do not grow with length); phrase and
    sentence offsets point into `article_text`.
    """
    fm = _models(models)
    spans = split_sentences(article_text)
    sentences = _frame_sentences([article_text[a:b] for a, b in spans], [a for a, _ in spans], fm, accurate)
    headline = float(fm.headline_scores([title])[0]) if title and title.strip() else None
    if not sentences:
        return ArticleFraming(0.0, 0.0, headline, (), (), 0.0, title)
    return ArticleFraming(
        score=statistics.fmean(s.score for s in sentences),
        subjectivity=statistics.fmean(s.subjectivity for s in sentences),
        headline=headline,
        phrases=tuple(p for s in sentences for p in s.phrases),
        sentences=tuple(sentences),
        loaded_share=sum(s.label == "loaded" for s in sentences) / len(sentences),
        title=title,
    )


def headline_scores(titles: list[str], *, models: FramingModels | None = None) -> list[float]:
    """Sensational-headline score 0..1 per title (clickbait-style wording)."""
    return [float(x) for x in _models(models).headline_scores(titles)]


def _summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "mean": round(statistics.fmean(values), 4),
        "spread": round(statistics.pstdev(values), 4) if len(values) > 1 else 0.0,
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }


def outlet_profile(framings: Sequence[ArticleFraming | dict[str, Any]], top_n: int = 15) -> dict[str, Any]:
    """Aggregate the framings of one outlet's articles.

    Accepts `ArticleFraming` objects or their `to_dict()` form (as cached in the store).

    `spread` is the population standard deviation across articles. `loaded_terms` counts
    the model-marked phrases in the outlet's own words (outside direct quotations), once per
    article, so one article repeating a word cannot dominate.
    """
    framings = [f.to_dict() if isinstance(f, ArticleFraming) else f for f in framings]
    terms: Counter[str] = Counter()
    term_category: dict[str, str] = {}
    categories: Counter[str] = Counter()
    for f in framings:
        seen: set[str] = set()
        for p in f["phrases"]:
            categories[p["category"]] += 1
            if p["source"] == "model" and not p["in_quote"]:
                key = p["text"].lower()
                term_category.setdefault(key, p["category"])
                if key not in seen:
                    seen.add(key)
                    terms[key] += 1
    return {
        "n_articles": len(framings),
        "score": _summary([f["score"] for f in framings]),
        "subjectivity": _summary([f["subjectivity"] for f in framings]),
        "headline": _summary([f["headline"] for f in framings if f["headline"] is not None]),
        "loaded_share": _summary([f["loaded_share"] for f in framings]),
        "loaded_terms": [{"term": t, "articles": n, "category": term_category[t]} for t, n in terms.most_common(top_n)],
        "phrase_categories": {c: categories[c] for c in cat.CATEGORIES if categories[c]},
    }

