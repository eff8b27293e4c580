"""Per-article language analysis: sentences, entities, quotes, quantities, times, event date.

`analyze_article` is a pure function of the article (plus the packaged spaCy model, loaded
once per process), so it runs in-process, in a process pool or as a map step on a
distributed engine. `analyze_articles` batches many articles through the parser
(`storyline.nlp.pipeline.parse`: spaCy's pipeline with exact, faster attribute ruler and
lemmatizer) and, with n_process > 1, spreads chunks over forked worker processes.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import islice
from typing import Any

import numpy as np

from storyline.models import Article
from storyline.nlp.dating import date_event
from storyline.nlp.entities import extract_entities
from storyline.nlp.quantities import extract_quantities
from storyline.nlp.quotes import extract_quotes
from storyline.nlp.sentences import sentence_infos
from storyline.nlp.times import extract_times, parse_reference_date
from storyline.nlp.types import ArticleAnalysis

__all__ = ["analyze_article", "analyze_articles", "analyze_doc", "make_doc"]

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]  # (articles done so far, id of the last one)
_BATCH = 32
_NEWLINE = re.compile("\n")


def _nlp() -> Any:
    from storyline.models_registry import spacy_model

    return spacy_model()


def parse(nlp: Any, docs: Iterable[Any], batch_size: int = _BATCH) -> Iterator[Any]:
    """The packaged pipeline over tokenised Docs (spaCy is imported only when needed)."""
    from storyline.nlp.pipeline import parse as _parse

    return _parse(nlp, docs, batch_size=batch_size)


def make_doc(nlp: Any, text: str) -> Any:
    """A tokenised Doc whose paragraph and line breaks are fixed sentence starts.

    The parser respects sentence starts set before it runs, so a sentence (and its
    dependency tree) never spans two paragraphs of the article.
    """
    doc = nlp.make_doc(text)
    if len(doc) < 2 or "\n" not in text:
        return doc
    # token j's text plus trailing whitespace is text[idx[j]:idx[j + 1]], so a newline at p
    # lies in token searchsorted(idx, p, "right") - 1, and the token after it starts a sentence
    idx = doc.to_array("IDX").astype(np.int64)
    newlines = np.array([m.start() for m in _NEWLINE.finditer(text)], dtype=np.int64)
    starts = np.unique(np.searchsorted(idx, newlines, side="right"))
    for i in starts[(starts >= 1) & (starts < len(doc))].tolist():
        doc[i].is_sent_start = True
    return doc


def analyze_article(article: Article, reference_date: dt.date | None = None) -> ArticleAnalysis:
    """Analyse one article. `reference_date` resolves relative times when the article has no
    published date of its own (the published date wins when present)."""
    nlp = _nlp()
    doc = next(parse(nlp, [make_doc(nlp, article.text)], batch_size=1))
    return analyze_doc(article, doc, reference_date)


def analyze_doc(article: Article, doc: Any, reference_date: dt.date | None = None) -> ArticleAnalysis:
    """Analyse an article whose text spaCy has already parsed (`doc.text == article.text`)."""
    published = parse_reference_date(article.published)
    ref = published or reference_date
    text = article.text  # == doc.text, which spaCy rebuilds on every access
    sentences = sentence_infos(doc, text)
    entities = extract_entities(doc, sentences, text)
    times = extract_times(doc, sentences, ref, text=text)
    quantities = extract_quantities(doc, sentences, entities, times, text=text)
    quotes = extract_quotes(doc, sentences, entities, text=text)
    analysis = ArticleAnalysis(
        article_id=article.id, sentences=sentences, entities=entities, quotes=quotes, quantities=quantities, times=times,
    )
    event = date_event(analysis, article.published if published else None, reference_date=reference_date)
    return replace(analysis, event_date=event)


def analyze_articles(
    articles: Iterable[Article],
    n_process: int = 1,
    on_progress: Progress | None = None,
    batch_size: int = _BATCH,
    reference_date: dt.date | None = None,
) -> list[ArticleAnalysis]:
    """Analyse many articles, in input order.

    n_process=1 parses in batches in this process; n_process>1 spreads chunks of articles
    over worker processes (forked after the model is loaded, where the platform allows),
    each running the whole analysis (parse and extraction) for its chunk and returning
    only the results. n_process<1 means one process per CPU.
    """
    items = list(articles)
    if n_process < 1:
        n_process = os.cpu_count() or 1
    results: list[ArticleAnalysis] = []
    nlp = _nlp()  # loaded before any fork, so forked workers share it instead of loading it again
    if n_process == 1 or len(items) <= batch_size:
        docs = parse(nlp, (make_doc(nlp, a.text) for a in items), batch_size=batch_size)
        for article, doc in zip(items, docs):
            results.append(analyze_doc(article, doc, reference_date))
            if on_progress:
                on_progress(len(results), article.id)
        return results
    chunk = max(1, min(batch_size, -(-len(items) // (n_process * 4))))
    with ProcessPoolExecutor(max_workers=n_process, mp_context=_mp_context(), initializer=_warm) as pool:
        for part in pool.map(_analyze_chunk, _chunks(items, chunk), [reference_date] * (-(-len(items) // chunk))):
            results.extend(part)
            if on_progress and part:
                on_progress(len(results), part[-1].article_id)
    return results


def _mp_context() -> Any:
    """fork where the platform has it: workers start in milliseconds with the parent's model
    (copy-on-write) instead of loading spaCy again; elsewhere the platform default."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _warm() -> None:
    _nlp()


def _analyze_chunk(articles: Sequence[Article], reference_date: dt.date | None) -> list[ArticleAnalysis]:
    nlp = _nlp()
    docs = parse(nlp, (make_doc(nlp, a.text) for a in articles), batch_size=len(articles))
    return [analyze_doc(a, doc, reference_date) for a, doc in zip(articles, docs)]


def _chunks(items: Sequence[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while part := list(islice(it, size)):
        yield part
