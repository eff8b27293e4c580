"""Library entry points shared by the CLI, the HTTP API and the engines.

`ingest` reads inputs, cleans each document, finds its duplicates and stores it.
Per-document work (extraction, normalisation) can run in a process pool; everything
that looks across articles (outlet boilerplate, duplicates, storage) runs here, in
order, so results do not depend on the number of workers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import islice

from storyline.clean import Prepared, finish_document, outlet_boilerplate, prepare_document, short_lines
from storyline.config import Settings
from storyline.dedup import NearDuplicateIndex, Signature, signature
from storyline.errors import StorylineError
from storyline.ingest import SourceOptions, iter_sources
from storyline.models import Article, IngestResult, RawDocument, Rejection
from storyline.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]  # (documents done so far, current input)
CHUNK = 64


def load_duplicate_index(store: Store) -> NearDuplicateIndex:
    index = NearDuplicateIndex()
    for article_id, size, blob in store.signatures():
        index.add(article_id, Signature.from_bytes(blob, size))
    return index


def _prepare_safely(raw: RawDocument) -> Prepared | Rejection:
    try:
        return prepare_document(raw)
    except StorylineError as exc:
        return Rejection(raw.input, exc.message)


def _chunks(items: Iterable[RawDocument | Rejection], size: int) -> Iterator[list[RawDocument | Rejection]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def ingest(
    inputs: list[str],
    store: Store,
    settings: Settings | None = None,
    options: SourceOptions | None = None,
    on_progress: Progress | None = None,
) -> IngestResult:
    """Ingest every input into `store`. Idempotent: a second run over the same inputs adds nothing."""
    settings = settings or Settings()
    options = options or SourceOptions()
    result = IngestResult()
    index = load_duplicate_index(store)
    done = 0
    pool = ProcessPoolExecutor(settings.workers) if settings.workers > 1 else None
    try:
        for chunk in _chunks(iter_sources(inputs, settings, options), CHUNK):
            raws = [item for item in chunk if isinstance(item, RawDocument)]
            for item in chunk:
                if isinstance(item, Rejection):
                    _reject(store, result, item)
            prepared = list(pool.map(_prepare_safely, raws, chunksize=4)) if pool else [_prepare_safely(r) for r in raws]
            ok = [p for p in prepared if isinstance(p, Prepared)]
            for p in prepared:
                if isinstance(p, Rejection):
                    _reject(store, result, p)
            learned = _chunk_boilerplate(ok)
            for prep in ok:
                _store_one(prep, store, index, result, learned)
                done += 1
                if on_progress:
                    on_progress(done, prep.raw.input)
    finally:
        if pool:
            pool.shutdown()
    return result


def _chunk_boilerplate(prepared: list[Prepared]) -> dict[str, set[str]]:
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for p in prepared:
        if p.meta["outlet"]:
            by_outlet[p.meta["outlet"]].append(p.text)
    return outlet_boilerplate(by_outlet)


def _reject(store: Store, result: IngestResult, rejection: Rejection) -> None:
    log.warning("rejected %s: %s", rejection.input, rejection.reason)
    store.add_rejection(rejection)
    result.rejected.append(rejection)


def _store_one(prep: Prepared, store: Store, index: NearDuplicateIndex, result: IngestResult, learned: dict[str, set[str]]) -> None:
    outlet = prep.meta["outlet"]
    boilerplate = (learned.get(outlet, set()) | store.outlet_boilerplate(outlet)) if outlet else set()
    try:
        article = finish_document(prep, boilerplate)
    except StorylineError as exc:
        _reject(store, result, Rejection(prep.raw.input, exc.message))
        return
    if store.has_article(article.id):
        result.skipped.append(article.id)
        return
    sig = signature(article.text)
    article = _assign_duplicates(article, sig, store, index)
    if store.add_article(article, sig.to_bytes(), sig.size, lines=short_lines(prep.text)):
        index.add(article.id, sig)
        result.added.append(article.id)
    else:
        result.skipped.append(article.id)


def _assign_duplicates(article: Article, sig: Signature, store: Store, index: NearDuplicateIndex) -> Article:
    """Point an exact or near copy at the first stored member of its group; the group is named after it."""
    original = store.first_with_hash(article.content_hash)
    if original is None:
        matches = index.matches(sig)
        original = matches[0].article_id if matches else None
    if original is None:
        return article
    first_dup, group = store.group_of(original)
    root = first_dup or original
    group = group or root
    if group != store.group_of(root)[1]:
        store.set_syndication(root, None, group)
    return replace(article, duplicate_of=root, syndication_group=group)
