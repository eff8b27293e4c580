"""Small numeric helpers: sorted sparse vectors, a running IDF table, running background statistics.

A sparse vector is a pair of numpy arrays (sorted int32 keys, float32 values): eight bytes
per non-zero entry and vectorised dot products, so a story centroid over hundreds of members
stays compact.
"""

from __future__ import annotations

import math

import numpy as np

Sparse = tuple[np.ndarray, np.ndarray]
EMPTY: Sparse = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def from_counts(counts: dict[int, float], idf: np.ndarray | None = None, sublinear: bool = True) -> Sparse:
    """L2-normalised (log-)tf x idf vector from hashed counts."""
    if not counts:
        return EMPTY
    keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    order = np.argsort(keys)
    keys, vals = keys[order], vals[order]
    if sublinear:
        vals = np.where(vals >= 1.0, 1.0 + np.log(np.maximum(vals, 1.0)), vals)
    if idf is not None:
        vals = vals * idf[keys]
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
        if not counts:
            return EMPTY
        keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        order = np.argsort(keys)
        keys, vals = keys[order], vals[order]
        vals = np.where(vals >= 1.0, 1.0 + np.log(np.maximum(vals, 1.0)), vals) * self.weights(keys)
        norm = float(np.sqrt(np.dot(vals, vals)))
        if norm == 0.0:
            return EMPTY
        return keys.astype(np.int32), (vals / norm).astype(np.float32)


class Background:
    """The distribution of one channel's similarity between unrelated articles, as a scale.

    `surprise(x)` = -ln P(background >= x): the empirical tail below the 98th percentile of a
    reservoir sample of background similarities, and above it an exponential tail fitted to the
    exceedances (peaks over threshold). Heavy-tailed sparse channels (one shared rare word)
    and dense ones (MiniLM cosines) end up on the same scale, whatever the text length or
    representation. Starts from a normal prior worth `prior_size` sample values, so the first
    articles of an empty store are compared on a sensible scale; the prior is replaced as the
    reservoir fills. Deterministic: the same observations in the same order give the same state.
    """

    TAIL_Q = 0.98

    def __init__(self, mean: float, std: float, capacity: int = 4096, prior_size: int = 64) -> None:
        from statistics import NormalDist

        nd = NormalDist(mean, std)
        self.values = [min(1.0, max(-1.0, nd.inv_cdf((i + 0.5) / prior_size))) for i in range(prior_size)]
        self.capacity = capacity
        self.seen = prior_size
        self._lcg = 12345
        self._dirty = True
        self._sorted = np.zeros(0)
        self._xq = 0.0
        self._beta = std
        self._pq = 1.0 - self.TAIL_Q

    def update(self, values: np.ndarray) -> None:
        for x in np.asarray(values, dtype=np.float64).ravel():
            self.seen += 1
            if len(self.values) < self.capacity:
                self.values.append(float(x))
            else:
                self._lcg = (self._lcg * 6364136223846793005 + 1442695040888963407) % (1 << 64)
                j = (self._lcg >> 11) % self.seen
                if j < self.capacity:
                    self.values[j] = float(x)
            if self.seen % 128 == 0:
                self._dirty = True

    def _refresh(self) -> None:
        v = np.sort(np.asarray(self.values, dtype=np.float64))
        self._sorted = v
        n = len(v)
        qi = min(n - 1, int(self.TAIL_Q * n))
        self._xq = float(v[qi])
        exceed = v[qi + 1:] - self._xq
        exceed = exceed[exceed > 0]
        self._pq = max(1.0 / (n + 1), (n - qi - 1) / (n + 1))
        spread = float(v[-1] - v[0]) or 1.0
        self._beta = float(exceed.mean()) if len(exceed) >= 5 else max(float(v.std()), 1e-3, spread / n)
        self._beta = max(self._beta, 1e-3)
        self._dirty = False

    def surprise(self, x: float) -> float:
        """-ln P(background >= x); 0 for x at or below the background's bulk."""
        if self._dirty:
            self._refresh()
        if x > self._xq:
            return -math.log(self._pq) + (x - self._xq) / self._beta
        n = len(self._sorted)
        above = n - int(np.searchsorted(self._sorted, x, side="left"))
        return -math.log((above + 1) / (n + 1))

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def std(self) -> float:
        return float(np.std(self.values))

    def state(self) -> dict[str, object]:
        return {"values": list(self.values), "seen": self.seen, "lcg": self._lcg, "capacity": self.capacity}

    @classmethod
    def from_state(cls, state: dict[str, object]) -> Background:
        b = cls(0.0, 1.0, capacity=int(state["capacity"]))  # type: ignore[call-overload]
        b.values = [float(x) for x in state["values"]]  # type: ignore[union-attr]
        b.seen = int(state["seen"])  # type: ignore[call-overload]
        b._lcg = int(state["lcg"])  # type: ignore[call-overload]
        b._dirty = True
        return b
