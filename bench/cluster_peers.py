"""Peer methods measured in the same run as Storyline's clusterer (bench only).

- average-linkage agglomerative clustering over a precomputed similarity matrix (TF-IDF or
  MiniLM), optionally gated by a date window, with its threshold tuned on the dev half.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from _metrics import bcubed, scores


def tfidf_sim(texts: list[str]) -> np.ndarray:
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return (x @ x.T).toarray()


def agglomerative(sim: np.ndarray, threshold: float) -> np.ndarray:
    d = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(d, 0.0)
    z = linkage(squareform(d, checks=False), "average")
    return fcluster(z, 1.0 - threshold, "distance")


def tuned_agglomerative(sim: np.ndarray, gold: list[str], dev: np.ndarray, grid: np.ndarray) -> tuple[float, dict[str, dict[str, float]]]:
    """Threshold chosen on the dev items (clustered alone); scores of dev, test (held out) and all."""
    def run(mask: np.ndarray, t: float) -> np.ndarray:
        idx = np.flatnonzero(mask)
        return agglomerative(sim[np.ix_(idx, idx)], t)

    g = np.asarray(gold)
    best_t = max(grid, key=lambda t: bcubed(list(g[dev]), list(run(dev, t)))[2])
    out = {}
    for name, mask in (("dev", dev), ("test", ~dev), ("all", np.ones_like(dev))):
        out[name] = scores(list(g[mask]), list(run(mask, best_t)))
    return float(best_t), out


def date_gate(sim: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
    s = sim.copy()
    s[np.abs(days[:, None] - days[None, :]) > window] = -1.0
    return s
