"""Peer methods measured in the same run as Storyline's clusterer (bench only).

- average-linkage agglomerative clustering over a precomputed similarity matrix (TF-IDF or
  MiniLM), optionally gated by a date window, with its threshold tuned on the dev half;
- BERTopic over the same MiniLM vectors, `min_cluster_size` tuned on the dev half (if installed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

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


def _tuned(run: Callable[[np.ndarray, Any], Sequence[Any]], gold: list[str], dev: np.ndarray,
           grid: Iterable[Any]) -> tuple[Any, dict[str, dict[str, float]]]:
    """The grid value best on the dev items (clustered alone); scores of dev, test (held out) and all,
    and of the run over all items scored on its dev and test items alone ("all: dev", "all: test"),
    which tells how each half fares when the other half's stories compete with it."""
    g = np.asarray(gold)
    best = max(grid, key=lambda p: bcubed(list(g[dev]), list(run(dev, p)))[2])
    out = {name: scores(list(g[mask]), list(run(mask, best))) for name, mask in (("dev", dev), ("test", ~dev))}
    every = np.asarray(run(np.ones_like(dev), best))
    out["all"] = scores(list(g), list(every))
    out["all: dev"] = scores(list(g[dev]), list(every[dev]))
    out["all: test"] = scores(list(g[~dev]), list(every[~dev]))
    return best, out


def tuned_agglomerative(sim: np.ndarray, gold: list[str], dev: np.ndarray, grid: np.ndarray) -> tuple[float, dict[str, dict[str, float]]]:
    """Threshold chosen on the dev items (clustered alone); scores of dev, test (held out) and all."""
    def run(mask: np.ndarray, t: float) -> np.ndarray:
        idx = np.flatnonzero(mask)
        return agglomerative(sim[np.ix_(idx, idx)], t)

    best, out = _tuned(run, gold, dev, grid)
    return float(best), out


def date_gate(sim: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
    s = sim.copy()
    s[np.abs(days[:, None] - days[None, :]) > window] = -1.0
    return s


def bertopic_labels(docs: list[str], emb: np.ndarray, min_cluster_size: int) -> list[str]:
    """BERTopic (UMAP 5-d + HDBSCAN) over the given MiniLM vectors; its outliers (-1) count as singletons."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    umap = UMAP(n_neighbors=min(15, len(docs) - 1), n_components=5, min_dist=0.0, metric="cosine", random_state=0)
    hdb = HDBSCAN(min_cluster_size=min_cluster_size, metric="euclidean", cluster_selection_method="eom")
    model = BERTopic(umap_model=umap, hdbscan_model=hdb, calculate_probabilities=False)
    topics, _ = model.fit_transform(docs, embeddings=emb)
    return [f"t{t}" if t != -1 else f"o{i}" for i, t in enumerate(topics)]


def tuned_bertopic(docs: list[str], emb: np.ndarray, gold: list[str], dev: np.ndarray,
                   grid: tuple[int, ...] = (2, 3, 5, 8, 12, 20, 30)) -> tuple[int, dict[str, dict[str, float]]] | None:
    """BERTopic with min_cluster_size chosen on the dev items; None when bertopic is not installed."""
    try:
        import bertopic  # noqa: F401
    except ImportError:
        return None

    def run(mask: np.ndarray, m: int) -> list[str]:
        idx = np.flatnonzero(mask)
        return bertopic_labels([docs[i] for i in idx], emb[idx], m)

    return _tuned(run, gold, dev, grid)
