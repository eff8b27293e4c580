"""Builders for compare tests: articles and hand-made ArticleAnalysis records (no spaCy)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import pytest

from storyline.models import Article
from storyline.nlp.types import ArticleAnalysis, EntityMention, EventDate, QuantityInfo, SentenceInfo, TimeExpression

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sentences_of(text: str) -> tuple[SentenceInfo, ...]:
    out = []
    for m in re.finditer(r"[^\n]+?(?:[.!?][\"”]?(?=\s|$)|$)", text, re.M):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if e > s:
            out.append(SentenceInfo(len(out), s, e, text[s:e]))
    return tuple(out)


def _sentence_index(sents: Sequence[SentenceInfo], offset: int) -> int:
    return next((s.index for s in sents if s.start <= offset < s.end), 0)


def make_article(id: str, text: str, outlet: str | None = None, published: str | None = None,
                 syndication_group: str | None = None, duplicate_of: str | None = None, title: str | None = None) -> Article:
    return Article(id=id, input=f"test:{id}", kind="text", title=title, text=text, outlet=outlet, published=published,
                   syndication_group=syndication_group, duplicate_of=duplicate_of)


def make_analysis(
    article: Article,
    quantities: Sequence[tuple[Any, ...]] = (),
    entities: Sequence[tuple[str, str]] = (),
    times: Sequence[dict[str, Any]] = (),
    event_date: EventDate | None = None,
) -> ArticleAnalysis:
    """quantities: (text, value, unit, measure, kind[, qualifier]) found by text search, in order;
    entities: (text, label); times: TimeExpression fields with `text` (offsets found by search)."""
    text = article.text
    sents = sentences_of(text)
    qs = []
    cursor = 0
    for spec in quantities:
        qtext, value, unit, measure, kind = spec[:5]
        qual = spec[5] if len(spec) > 5 else None
        start = text.index(qtext, cursor)
        cursor = start + 1
        qs.append(QuantityInfo(value=float(value), unit=unit, measure=measure, kind=kind, text=qtext, start=start,
                               end=start + len(qtext), sentence=_sentence_index(sents, start), qualifier=qual))
    ents = []
    for etext, label in entities:
        for m in re.finditer(re.escape(etext), text):
            ents.append(EntityMention(text=etext, label=label, start=m.start(), end=m.end(),
                                      sentence=_sentence_index(sents, m.start()), canonical=etext))
    ts = []
    for t in times:
        start = text.index(t["text"])
        fields = {"kind": "weekday", "value": None, "precision": None, **t}
        ts.append(TimeExpression(start=start, end=start + len(t["text"]), sentence=_sentence_index(sents, start), **fields))
    return ArticleAnalysis(article_id=article.id, sentences=sents, entities=tuple(ents), quantities=tuple(qs),
                           times=tuple(ts), event_date=event_date or EventDate(None, None, 0.0))


@pytest.fixture
def build():
    class Builder:
        article = staticmethod(make_article)
        analysis = staticmethod(make_analysis)

    return Builder
