"""Candidate search over story centroids: exact (numpy) or approximate (usearch HNSW).

`CentroidIndex` keeps one normalised MiniLM centroid per story row. `search(vector, k)` returns
the rows of the k most similar centroids. The exact backend is a matrix-vector product; the
usearch backend (used when the optional `usearch` package is installed and the index grows
past `ann_min` stories) keeps the cost per query near-constant as the store grows.

Centroids change on every attach. Updating the HNSW graph one row at a time interleaved
usearch's small native allocations with Python's, and glibc's heap fragmented: the process
grew by ~10 kB per update (bench/cluster_speed.py, ~1 GB per 5,000 articles at 20,000+
stories), while the index itself stayed small. So changed rows are kept aside (`_dirty`),
searched exactly, and written to the graph in batches of `FLUSH_ROWS`.

`DayBuckets` is the time-window blocking index: dated stories are registered in every bucket
of `width` days their (padded) date span touches, so a dated article is compared only with
stories near its date.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

log = logging.getLogger(__name__)

try:  # optional dependency: approximate nearest neighbours
    from usearch.index import Index as _UsearchIndex
except ImportError:  # pragma: no cover - depends on the environment
    _UsearchIndex = None


def ann_available() -> bool:
    return _UsearchIndex is not None


FLUSH_ROWS = 512


class CentroidIndex:
    def __init__(self, dim: int, ann: str = "auto", ann_min: int = 20000) -> None:
        if ann not in ("auto", "exact", "usearch"):
            raise ValueError(f"ann={ann!r}: use 'auto', 'exact' or 'usearch'")
        if ann == "usearch" and _UsearchIndex is None:
            raise ValueError("ann='usearch' needs the usearch package (pip install usearch==2.26.6), or use ann='exact'")
        self.dim = dim
        self.mode = ann
        self.ann_min = 0 if ann == "usearch" else ann_min
        self.matrix = np.zeros((1024, dim), dtype=np.float32)
        self.alive = np.zeros(1024, dtype=bool)
        self.size = 0  # rows used (alive or not)
        self._ann = None
        self._dirty: set[int] = set()  # rows changed since the graph was last written

    def __len__(self) -> int:
        return int(self.alive[: self.size].sum())

    def _grow(self, rows: int) -> None:
        cap = len(self.matrix)
        if rows <= cap:
            return
        new = max(rows, cap * 2)
        m = np.zeros((new, self.dim), dtype=np.float32)
        m[:cap] = self.matrix
        a = np.zeros(new, dtype=bool)
        a[:cap] = self.alive
        self.matrix, self.alive = m, a

    def _maybe_ann(self) -> None:
        if self._ann is not None or self.mode == "exact" or _UsearchIndex is None:
            return
        if len(self) < self.ann_min:
            return
        self._ann = _UsearchIndex(ndim=self.dim, metric="ip", dtype="f32", connectivity=16, expansion_add=64, expansion_search=64)
        rows = np.flatnonzero(self.alive[: self.size])
        if len(rows):
            self._ann.add(rows.astype(np.uint64), self.matrix[rows])
        log.info("centroid index: switched to usearch HNSW at %d stories", len(rows))

    def set(self, row: int, vector: np.ndarray) -> None:
        """Insert or replace the centroid of one story row."""
        self._grow(row + 1)
        norm = float(np.linalg.norm(vector))
        v = (vector / norm if norm > 0 else vector).astype(np.float32)
        self.matrix[row] = v
        self.alive[row] = True
        self.size = max(self.size, row + 1)
        if self._ann is not None:
            self._mark(row)
        else:
            self._maybe_ann()

    def _mark(self, row: int) -> None:
        self._dirty.add(row)
        if len(self._dirty) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        """Write the changed rows to the HNSW graph in one batch."""
        assert self._ann is not None
        rows = np.fromiter(sorted(self._dirty), dtype=np.uint64, count=len(self._dirty))
        self._dirty.clear()
        present = rows[self._ann.contains(rows)]
        if len(present):
            self._ann.remove(present)
        live = rows[self.alive[rows.astype(np.int64)]]
        if len(live):
            self._ann.add(live, self.matrix[live.astype(np.int64)])

    def remove(self, row: int) -> None:
        if row < self.size and self.alive[row]:
            self.alive[row] = False
            self.matrix[row] = 0.0
            if self._ann is not None:
                self._mark(row)

    def search(self, vector: np.ndarray, k: int) -> list[int]:
        if self.size == 0:
            return []
        if self._ann is not None:
            # graph hits that are still current, plus the rows changed since the last flush, ranked exactly
            found = self._ann.search(vector.astype(np.float32), 2 * k)  # some hits may be stale
            rows = [int(x) for x in found.keys if int(x) not in self._dirty]
            rows += [r for r in self._dirty if self.alive[r]]
            return self.among(vector, rows, k)
        sims = self.matrix[: self.size] @ vector.astype(np.float32)
        sims[~self.alive[: self.size]] = -np.inf
        if k >= self.size:
            order = np.argsort(-sims)
        else:
            part = np.argpartition(-sims, k)[:k]
            order = part[np.argsort(-sims[part])]
        return [int(r) for r in order if np.isfinite(sims[r])]

    def among(self, vector: np.ndarray, rows: Iterable[int], k: int) -> list[int]:
        """The k rows of `rows` whose centroids are most similar to `vector` (exact)."""
        rows = np.fromiter(rows, dtype=np.int64)
        if len(rows) <= k:
            return [int(r) for r in rows]
        sims = self.matrix[rows] @ vector.astype(np.float32)
        part = np.argpartition(-sims, k)[:k]
        return [int(rows[i]) for i in part[np.argsort(-sims[part])]]

    def nbytes(self) -> int:
        return int(self.matrix.nbytes + self.alive.nbytes) + (int(self._ann.memory_usage) if self._ann is not None else 0)


class DayBuckets:
    """Stories by the days they cover, in buckets of `width` days."""

    def __init__(self, width: int) -> None:
        self.width = max(1, width)
        self.buckets: dict[int, set[int]] = defaultdict(set)
        self.span: dict[int, tuple[int, int]] = {}

    def _keys(self, lo: int, hi: int) -> range:
        return range(lo // self.width, hi // self.width + 1)

    def set(self, row: int, lo: int, hi: int) -> None:
        old = self.span.get(row)
        if old == (lo, hi):
            return
        if old is not None:
            self.remove(row)
        self.span[row] = (lo, hi)
        for key in self._keys(lo, hi):
            self.buckets[key].add(row)

    def remove(self, row: int) -> None:
        old = self.span.pop(row, None)
        if old is None:
            return
        for key in self._keys(*old):
            bucket = self.buckets.get(key)
            if bucket is not None:
                bucket.discard(row)
                if not bucket:
                    del self.buckets[key]

    def near(self, lo: int, hi: int, pad: int) -> set[int]:
        """Rows whose span comes within `pad` days of [lo, hi]."""
        out: set[int] = set()
        for key in self._keys(lo - pad, hi + pad):
            for row in self.buckets.get(key, ()):
                s_lo, s_hi = self.span[row]
                if s_lo - pad <= hi and lo <= s_hi + pad:
                    out.add(row)
        return out
