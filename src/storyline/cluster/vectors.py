"""Small numeric helpers: sorted sparse vectors, a running IDF table, running background statistics.

A sparse vector is a pair of numpy arrays (sorted int32 keys, float32 values): eight bytes
per non-zero entry and vectorised dot products, so a story centroid over hundreds of members
stays compact.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Sparse = tuple[np.ndarray, np.ndarray]
EMPTY: Sparse = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def from_counts(
    counts: dict[int, float], weights: Callable[[np.ndarray], np.ndarray] | None = None, sublinear: bool = True
) -> Sparse:
    """L2-normalised (log-)tf vector from hashed counts, times `weights(keys)` (e.g. idf) if given."""
    if not counts:
        return EMPTY
    keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    order = np.argsort(keys)
    keys, vals = keys[order], vals[order]
    if sublinear:
        vals = np.where(vals >= 1.0, 1.0 + np.log(np.maximum(vals, 1.0)), vals)
    if weights is not None:
        vals = vals * weights(keys)
    norm = float(np.sqrt(np.dot(vals, vals)))
    if norm == 0.0:
        return EMPTY
    return keys.astype(np.int32), (vals / norm).astype(np.float32)


def dot(a: Sparse, b: Sparse) -> float:
    """Dot product of two sorted sparse vectors."""
    ka, va = a
    kb, vb = b
    if len(ka) == 0 or len(kb) == 0:
        return 0.0
    if len(ka) > len(kb):
        ka, va, kb, vb = kb, vb, ka, va
    pos = np.searchsorted(kb, ka)
    pos[pos >= len(kb)] = len(kb) - 1
    hit = kb[pos] == ka
    if not hit.any():
        return 0.0
    return float(np.dot(va[hit].astype(np.float64), vb[pos[hit]].astype(np.float64)))


def add(a: Sparse, b: Sparse, scale: float = 1.0) -> Sparse:
    """a + scale * b, keeping keys sorted and dropping exact zeros."""
    if len(b[0]) == 0:
        return a
    if len(a[0]) == 0:
        return b[0].copy(), (b[1] * scale).astype(np.float32)
    keys = np.concatenate([a[0], b[0]])
    vals = np.concatenate([a[1].astype(np.float64), b[1].astype(np.float64) * scale])
    uniq, inv = np.unique(keys, return_inverse=True)
    summed = np.zeros(len(uniq), dtype=np.float64)
    np.add.at(summed, inv, vals)
    keep = np.abs(summed) > 1e-7
    return uniq[keep].astype(np.int32), summed[keep].astype(np.float32)


def gram(vectors: list[Sparse]) -> np.ndarray:
    """All pairwise dot products of these sparse vectors (dense n x n)."""
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(k) for k, _ in vectors])
    if indptr[-1] == 0:
        return np.zeros((len(vectors), len(vectors)))
    keys = np.concatenate([k for k, _ in vectors])
    vals = np.concatenate([v for _, v in vectors]).astype(np.float64)
    m = csr_matrix((vals, keys, indptr), shape=(len(vectors), int(keys.max()) + 1))
    return np.asarray((m @ m.T).todense())


def nbytes(v: Sparse) -> int:
    return int(v[0].nbytes + v[1].nbytes)


class IdfTable:
    """Document frequencies over hashed terms, updated as articles arrive.

    idf(t) = ln((1 + N) / (1 + df(t))) + 1 (scikit-learn's smooth idf), so a term seen in every
    document still weighs 1 and unseen terms weigh most.
    """

    def __init__(self, n_features: int) -> None:
        self.df = np.zeros(n_features, dtype=np.int32)
        self.n_docs = 0

    def update(self, counts: dict[int, float]) -> None:
        if counts:
            keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            self.df[keys] += 1
        self.n_docs += 1

    def weights(self, keys: np.ndarray) -> np.ndarray:
        return np.log((1.0 + self.n_docs) / (1.0 + self.df[keys])) + 1.0

    def vector(self, counts: dict[int, float]) -> Sparse:
        return from_counts(counts, self.weights)


class Background:
    """Running mean and standard deviation of one channel's similarity between unrelated articles.

    `z(x)` puts a cosine on the channel's own scale: standard deviations above the background.
    Starts from a prior worth `prior_weight` observations, so the first articles of an empty
    store are still compared on a sensible scale. Deterministic: the same observations in the
    same order give the same state.
    """

    def __init__(self, mean: float, std: float, prior_weight: float = 50.0) -> None:
        self.n = prior_weight
        self.mean = mean
        self.m2 = std * std * prior_weight

    def update(self, values: np.ndarray) -> None:
        for x in np.asarray(values, dtype=np.float64).ravel():
            self.n += 1.0
            d = x - self.mean
            self.mean += d / self.n
            self.m2 += d * (x - self.mean)

    @property
    def std(self) -> float:
        return max(math.sqrt(self.m2 / self.n), 1e-3)

    def z(self, x: float) -> float:
        return (x - self.mean) / self.std

    def state(self) -> list[float]:
        return [self.n, self.mean, self.m2]

    @classmethod
    def from_state(cls, state: list[float]) -> Background:
        b = cls(0.0, 0.0, 1.0)
        b.n, b.mean, b.m2 = (float(x) for x in state)
        return b
