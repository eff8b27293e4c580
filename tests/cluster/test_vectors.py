"""Sparse vector helpers: the pairwise Gram matrix agrees with pairwise dot products."""

from __future__ import annotations

import numpy as np

from storyline.cluster.vectors import EMPTY, dot, from_counts, gram


def test_gram_matches_pairwise_dot_products() -> None:
    vectors = [from_counts({1: 2.0, 5: 1.0}), from_counts({5: 3.0, 9: 1.0}), EMPTY, from_counts({1: 1.0, 9: 4.0, 700_000: 1.0})]
    g = gram(vectors)
    expected = np.array([[dot(a, b) for b in vectors] for a in vectors])
    assert g.shape == (4, 4)
    np.testing.assert_allclose(g, expected, atol=1e-6)
    assert g[0, 0] > 0.99 and g[2].sum() == 0.0  # normalised rows; an empty vector meets nothing


def test_gram_of_empty_vectors_is_zero() -> None:
    assert gram([EMPTY, EMPTY]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
