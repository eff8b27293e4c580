"""Library entry points shared by the CLI, the HTTP API and the engines.

`ingest` reads inputs, cleans each document, finds its duplicates and stores it.
Per-document work (extraction, normalisation) can run in a process pool; everything
that looks across articles (outlet boilerplate, duplicates, storage) runs here, in
order, so results do not depend on the number of workers.

How the per-document work stays independent of the other documents: a worker also
finishes each document (debris removal, language, MinHash signature) as if its outlet
had no known boilerplate, and reports a hash of each of its lines. Here, in order, the
outlet's boilerplate (learned from the chunk and from the store) is looked up; only a
document with a line among it is finished again, with that boilerplate. `remove_debris`
uses known boilerplate only to match whole lines (word-normalised), so a document with
no such line gets exactly the same article either way; tests/test_service.py checks
this on the examples. The worker pool is fed a chunk ahead, so it extracts the next
chunk while this process looks up duplicates and stores the current one.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice

import numpy as np

from storyline.clean import Prepared, finish_document, outlet_boilerplate, prepare_document, short_lines
from storyline.clean.debris import words
from storyline.clean.language import load_model as load_language_model
from storyline.clean.pipeline import finish_with_words, line_words
from storyline.config import Settings
from storyline.dedup import NearDuplicateIndex, Signature, signature
from storyline.dedup.minhash import NUM_PERM, signature_bytes
from storyline.errors import StorylineError
from storyline.ingest import SourceOptions, iter_sources
from storyline.models import Article, IngestResult, RawDocument, Rejection
from storyline.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]  # (documents done so far, current input)
CHUNK = 64  # documents per chunk: boilerplate is learned per chunk, and a chunk is stored in one transaction
_AHEAD = 2  # chunks handed to the worker pool before the first of them is stored
_PART = 4  # documents per task sent to a worker


def load_duplicate_index(store: Store) -> NearDuplicateIndex:
    """Every stored signature, loaded in one vectorised pass."""
    index = NearDuplicateIndex()
    ids: list[str] = []
    sizes: list[int] = []
    blobs: list[bytes] = []
    for article_id, size, blob in store.signatures():
        if len(blob) == NUM_PERM * 4:
            ids.append(article_id)
            sizes.append(size)
            blobs.append(blob)
        else:
            index.add(article_id, Signature.from_bytes(blob, size))  # raises: not a signature of this index
    if ids:
        index.add_many(ids, np.frombuffer(b"".join(blobs), dtype=np.uint32).reshape(len(ids), NUM_PERM), sizes)
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


# -- per-document work (runs in the worker pool) -----------------------------------------------
def _key_hash(ws: list[str]) -> int:
    """Stable 64-bit hash of a line's words: the form in which `remove_debris` matches boilerplate."""
    return int.from_bytes(hashlib.blake2b(" ".join(ws).encode(), digest_size=8).digest(), "little")


def _line_key_hash(line: str) -> int:
    return _key_hash(words(line))


@dataclass(frozen=True)
class _Work:
    """One document after the per-document work: prepared, and finished as if no boilerplate were known."""

    prepared: Prepared  # raw.html dropped: nothing after extraction reads it
    article: Article | None  # None when finishing failed; `error` says why
    error: str | None
    sig: bytes | None
    shingles: int
    lines: frozenset[str]  # short_lines(prepared.text), the outlet's line statistics (empty without an outlet)
    keys: frozenset[int]  # _key_hash of every non-empty line of prepared.text (empty without an outlet)


_NONE: frozenset[str] = frozenset()


def _work(raw: RawDocument) -> _Work | Rejection:
    prep = _prepare_safely(raw)
    if isinstance(prep, Rejection):
        return prep
    prep = replace(prep, raw=replace(prep.raw, html=""))
    by_line: dict[str, list[str]] | None = None
    keys: frozenset[int] = frozenset()
    lines = _NONE
    if prep.meta["outlet"]:  # only an outlet has boilerplate and line statistics
        by_line = line_words(prep.text)
        keys = frozenset(_key_hash(ws) for ws in by_line.values())
        lines = frozenset(short_lines(prep.text))
    try:
        article, body_words = finish_with_words(prep, (), by_line)
    except StorylineError as exc:
        return _Work(prep, None, exc.message, None, 0, lines, keys)
    sig, size = signature_bytes(body_words)
    return _Work(prep, article, None, sig, size, lines, keys)


def _work_list(raws: list[RawDocument]) -> list[_Work | Rejection]:
    return [_work(r) for r in raws]


# -- outlet boilerplate known from the store ----------------------------------------------------
class _OutletLines:
    """The store's outlet line counts, read once per outlet and kept in step with every article added.

    Gives, for one document, the same answer as `Store.outlet_boilerplate(outlet)` restricted
    to the lines that can match the document, without a query per document (that query
    reads all the outlet's rows, so it grew with the store).
    """

    def __init__(self, store: Store, min_count: int = 3, min_share: float = 0.3) -> None:
        self.store = store
        self.min_count = min_count
        self.min_share = min_share
        self._total: dict[str, int] = {}
        self._counts: dict[str, dict[str, int]] = {}
        self._by_key: dict[str, dict[int, list[str]]] = {}

    def _load(self, outlet: str) -> None:
        if outlet in self._total:
            return
        total, counts = self.store.outlet_line_counts(outlet)
        self._total[outlet] = total
        self._counts[outlet] = counts
        by_key: dict[int, list[str]] = defaultdict(list)
        for line in counts:
            by_key[_line_key_hash(line)].append(line)
        self._by_key[outlet] = by_key

    def matching(self, outlet: str, keys: frozenset[int]) -> set[str]:
        """Boilerplate lines of `outlet` (now) whose words equal those of a line with one of `keys`."""
        self._load(outlet)
        counts, by_key = self._counts[outlet], self._by_key[outlet]
        need = max(self.min_count, int(self.min_share * self._total[outlet]))
        return {ln for k in keys if k in by_key for ln in by_key[k] if counts[ln] >= need}

    def added(self, outlet: str, lines: Iterable[str]) -> None:
        """Record one stored article of `outlet` with these short lines (as `Store.add_article` does)."""
        self._load(outlet)
        self._total[outlet] += 1
        counts, by_key = self._counts[outlet], self._by_key[outlet]
        for line in set(lines):
            if line not in counts:
                counts[line] = 0
                by_key[_line_key_hash(line)].append(line)
            counts[line] += 1


# -- the ingest loop ---------------------------------------------------------------------------
def ingest(
    inputs: list[str],
    store: Store,
    settings: Settings | None = None,
    options: SourceOptions | None = None,
    on_progress: Progress | None = None,
) -> IngestResult:
    """Ingest every input into `store`. Idempotent: a second run over the same inputs adds nothing.

    Each chunk of documents is stored in one transaction (`Store.batch`): a kill -9 loses
    at most the chunk being stored, never part of an article.
    """
    settings = settings or Settings()
    options = options or SourceOptions()
    return _ingest_items(iter_sources(inputs, settings, options), store, settings, on_progress)


def ingest_documents(
    docs: Iterable[RawDocument | Rejection], store: Store, settings: Settings | None = None, on_progress: Progress | None = None
) -> IngestResult:
    """Ingest documents already read (no paths, no fetching) exactly as `ingest` does."""
    return _ingest_items(docs, store, settings or Settings(), on_progress)


_Pending = tuple[list[RawDocument | Rejection], Iterable[list[_Work | Rejection]]]


def _ingest_items(items: Iterable[RawDocument | Rejection], store: Store, settings: Settings, on_progress: Progress | None) -> IngestResult:
    result = IngestResult()
    index = load_duplicate_index(store)
    known = _OutletLines(store)
    done = 0
    pool: ProcessPoolExecutor | None = None
    pending: deque[_Pending] = deque()
    try:
        chunks = _chunks(items, CHUNK)
        while True:
            while len(pending) < (_AHEAD if pool else 1):
                chunk = next(chunks, None)
                if chunk is None:
                    break
                raws = [item for item in chunk if isinstance(item, RawDocument)]
                if pool is None and settings.workers > 1 and len(raws) > 2 * settings.workers:
                    load_language_model()  # before forking: the workers share it
                    pool = ProcessPoolExecutor(settings.workers)
                if pool is not None:
                    parts = [raws[i:i + _PART] for i in range(0, len(raws), _PART)]
                    pending.append((chunk, pool.map(_work_list, parts)))
                else:
                    pending.append((chunk, [_work_list(raws)]))
            if not pending:
                break
            chunk, parts_done = pending.popleft()
            works = [w for part in parts_done for w in part]
            with store.batch():
                for item in chunk:
                    if isinstance(item, Rejection):
                        _reject(store, result, item)
                ok = [w for w in works if isinstance(w, _Work)]
                for w in works:
                    if isinstance(w, Rejection):
                        _reject(store, result, w)
                learned = _chunk_boilerplate([w.prepared for w in ok])
                for w in ok:
                    _store_work(w, store, index, result, learned, known)
                    done += 1
                    if on_progress:
                        on_progress(done, w.prepared.raw.input)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
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


def _store_work(
    w: _Work, store: Store, index: NearDuplicateIndex, result: IngestResult, learned: dict[str, set[str]], known: _OutletLines
) -> None:
    prep = w.prepared
    outlet = prep.meta["outlet"]
    article, error, sig = w.article, w.error, (Signature.from_bytes(w.sig, w.shingles) if w.sig is not None else None)
    if outlet:
        boilerplate = {ln for ln in learned.get(outlet, ()) if _line_key_hash(ln) in w.keys} | known.matching(outlet, w.keys)
        if boilerplate:  # a line of this document is outlet boilerplate: finish it again, knowing that
            try:
                article, error = finish_document(prep, boilerplate), None
                sig = signature(article.text)
            except StorylineError as exc:
                article, error = None, exc.message
    if article is None or sig is None:
        _reject(store, result, Rejection(prep.raw.input, error or "no article text"))
        return
    if store.has_article(article.id):
        result.skipped.append(article.id)
        return
    article = _assign_duplicates(article, sig, store, index)
    if store.add_article(article, sig.to_bytes(), sig.size, lines=w.lines):
        if outlet:
            known.added(outlet, w.lines)
        index.add(article.id, sig)
        result.added.append(article.id)
    else:
        result.skipped.append(article.id)


def _store_one(prep: Prepared, store: Store, index: NearDuplicateIndex, result: IngestResult, learned: dict[str, set[str]]) -> None:
    """Finish, deduplicate and store one prepared document (the unbatched path, one query per step)."""
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
