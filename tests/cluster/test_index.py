"""CentroidIndex: the usearch backend, with its batched graph updates, finds what the exact one finds."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.cluster import index as index_mod
from storyline.cluster.index import CentroidIndex, DayBuckets

pytest.importorskip("usearch")


def _unit(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_usearch_matches_exact_through_updates_and_removals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_mod, "FLUSH_ROWS", 7)  # flush often, and leave some rows unflushed
    rng = np.random.default_rng(0)
    vecs = _unit(rng, 300)
    exact, ann = CentroidIndex(32, "exact"), CentroidIndex(32, "usearch")
    for row, v in enumerate(vecs):
        for ix in (exact, ann):
            ix.set(row, v)
    for row in range(0, 300, 3):  # centroids move (a story gained members)
        moved = vecs[row] + 0.5 * vecs[(row + 1) % 300]
        for ix in (exact, ann):
            ix.set(row, moved)
    for row in range(1, 300, 10):  # stories merged away
        for ix in (exact, ann):
            ix.remove(row)
    assert ann._dirty, "the test should leave rows waiting for a flush"
    assert len(ann) == len(exact) == 270
    for q in _unit(rng, 20):
        want = exact.search(q, 5)
        got = ann.search(q, 5)
        assert set(got) <= {r for r in range(300) if exact.alive[r]}
        assert len(set(got) & set(want)) >= 4  # HNSW is approximate; on 300 rows it is nearly exact
    # rows changed since the last flush: found at their new place, never at the old one
    monkeypatch.setattr(index_mod, "FLUSH_ROWS", 10_000)
    new = _unit(rng, 1)[0]
    for ix in (exact, ann):
        ix.set(5, new)
        ix.remove(9)
    assert {5, 9} <= ann._dirty
    assert ann.search(new, 1) == [5]
    assert 9 not in ann.search(vecs[9], 10)


def test_day_buckets_near() -> None:
    days = DayBuckets(7)
    days.set(1, 100, 102)
    days.set(2, 130, 130)
    assert days.near(105, 105, 7) == {1}
    days.remove(1)
    assert days.near(105, 105, 7) == set()
