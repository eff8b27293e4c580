"""Clustering metrics for the cluster benchmarks: BCubed, pairwise F1, NMI, ARI.

All functions take two equal-length sequences of labels (gold, predicted); labels can be
any hashable values. Pure numpy/scikit-learn, no data dependencies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    index: dict[Hashable, int] = {}
    return np.array([index.setdefault(x, len(index)) for x in labels], dtype=np.int64)


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 (Amigó et al. 2009), averaged over items."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred must have the same length")
    n = len(gold)
    if n == 0:
        return 1.0, 1.0, 1.0
    joint = Counter(zip(gold, pred))
    g_size = Counter(gold)
    p_size = Counter(pred)
    precision = sum(c * c / p_size[p] for (g, p), c in joint.items()) / n
    recall = sum(c * c / g_size[g] for (g, p), c in joint.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pairwise(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 over all unordered item pairs."""
    joint = Counter(zip(gold, pred))
    tp = sum(c * (c - 1) / 2 for c in joint.values())
    pred_pairs = sum(c * (c - 1) / 2 for c in Counter(pred).values())
    gold_pairs = sum(c * (c - 1) / 2 for c in Counter(gold).values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def nmi(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Normalised mutual information (arithmetic mean normalisation, as scikit-learn's default)."""
    return float(normalized_mutual_info_score(_codes(gold), _codes(pred)))


def ari(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    return float(adjusted_rand_score(_codes(gold), _codes(pred)))


def scores(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[str, float]:
    """Every figure the cluster benchmarks print, in one dict."""
    bp, br, bf = bcubed(gold, pred)
    pp, pr, pf = pairwise(gold, pred)
    return {
        "bcubed_p": bp, "bcubed_r": br, "bcubed_f1": bf,
        "pair_p": pp, "pair_r": pr, "pair_f1": pf,
        "nmi": nmi(gold, pred), "ari": ari(gold, pred),
        "gold_k": float(len(set(gold))), "pred_k": float(len(set(pred))),
    }


def fmt(s: dict[str, float]) -> str:
    return (
        f"B3 P {s['bcubed_p']:.3f} R {s['bcubed_r']:.3f} F1 {s['bcubed_f1']:.3f} | pair F1 {s['pair_f1']:.3f}"
        f" | NMI {s['nmi']:.3f} ARI {s['ari']:.3f} | clusters {int(s['pred_k'])}/{int(s['gold_k'])}"
    )
