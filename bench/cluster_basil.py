"""Story clustering on BASIL (100 events x 3 outlets, 2010-2019), with dates and without.

    python bench/cluster_basil.py

Tuning: events of even years (dev); held out: odd years (test); also all 300 articles. Each
split is clustered on its own. Storyline's `StoryClusterer` with its default parameters (chosen
on dev halves of BASIL and GoogleNews) against peers measured in the same run: average-linkage
agglomerative clustering over TF-IDF and over MiniLM (threshold tuned on dev), with a 7-day
window when dates are used. Prints BCubed P/R/F1, pairwise F1, NMI, ARI and cluster counts.
Further sections: a share of the articles undated; leads only (headline + first 25/50/100 body
words, undated, as an RSS summary carries); batch against one-at-a-time agreement.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

import cluster_data as cd
from _metrics import fmt, scores
from cluster_peers import date_gate, tfidf_sim, tuned_agglomerative, tuned_bertopic
from storyline.cluster import StoryClusterer, embedding_text

ANCHORS = {True: "anchor: MiniLM+7d agglomerative 0.958, TF-IDF+7d 0.950; target held-out >= 0.97",
           False: "anchor: MiniLM 0.909, TF-IDF 0.904, BERTopic 0.797; target held-out >= 0.94"}
LEAD_WORDS = (25, 50, 100)  # body words kept in the leads-only section


def main() -> None:
    data = cd.basil()
    arts = [x.article for x in data]
    gold = [x.gold for x in data]
    years = np.array([x.year for x in data])
    dev = years % 2 == 0
    emb = cd.embeddings(arts)
    days = np.array([np.datetime64(a.published, "D").astype(int) for a in arts])
    tfidf = tfidf_sim([embedding_text(a) for a in arts])
    minilm = (emb @ emb.T).astype(np.float64)
    grid = np.round(np.arange(0.05, 0.95, 0.01), 2)
    print("BASIL: 300 articles, 100 events; dev = even years (150), held out = odd years (150)")
    for dated in (True, False):
        print(f"\n== {'with dates' if dated else 'dates withheld'} ({ANCHORS[dated]})")
        for name, mask in (("dev (even years)", dev), ("held out (odd years)", ~dev), ("all", np.ones_like(dev))):
            idx = np.flatnonzero(mask)
            sub = [arts[i] if dated else replace(arts[i], published=None) for i in idx]
            t0 = time.perf_counter()
            labels = StoryClusterer(use_published=dated).fit(sub, emb[idx]).labels_
            el = time.perf_counter() - t0
            print(f"  storyline        {name:21s} {fmt(scores([gold[i] for i in idx], labels))}  ({el:.1f} s)")
        for pname, sim in (("tfidf-agglo", tfidf), ("minilm-agglo", minilm)):
            s = date_gate(sim, days, 7) if dated else sim
            t, res = tuned_agglomerative(s, gold, dev, grid)
            for split, label in (("dev", "dev (even years)"), ("test", "held out (odd years)"), ("all", "all")):
                print(f"  {pname:16s} {label:21s} {fmt(res[split])}  (t={t:.2f})")
        if not dated:  # BERTopic has no notion of dates
            bt = tuned_bertopic([embedding_text(a) for a in arts], emb, gold, dev)
            if bt is None:
                print("  bertopic         not installed (pip install bertopic==0.17.4 to measure it)")
            else:
                for split, label in (("dev", "dev (even years)"), ("test", "held out (odd years)"), ("all", "all")):
                    print(f"  {'bertopic':16s} {label:21s} {fmt(bt[1][split])}  (min_cluster_size={bt[0]})")

    mixed(arts, gold, dev, emb)
    leads(arts, gold, dev, grid)
    agreement(arts, emb)


def mixed(arts: list, gold: list, dev: np.ndarray, emb: np.ndarray) -> None:
    """Some articles dated, some not (a fixed pseudo-random share loses its date): undated
    articles must join the right dated story, not an earlier occurrence of the same topic."""
    import hashlib

    def share_of(aid: str) -> float:
        return int(hashlib.sha1(aid.encode()).hexdigest()[:8], 16) / 2**32

    print("\n== mixed: a share of the articles without dates (no anchor from the issue; the dated and undated results bound it)")
    for share in (0.3, 0.5, 0.7):
        sub_all = [replace(a, published=None) if share_of(a.id) < share else a for a in arts]
        for name, mask in (("dev (even years)", dev), ("held out (odd years)", ~dev)):
            idx = np.flatnonzero(mask)
            labels = StoryClusterer().fit([sub_all[i] for i in idx], emb[idx]).labels_
            print(f"  storyline {share:.0%} undated {name:21s} {fmt(scores([gold[i] for i in idx], labels))}")


def leads(arts: list, gold: list, dev: np.ndarray, grid: np.ndarray) -> None:
    """Headline plus the first N words of the body, dates withheld: what an RSS item's summary
    carries. Real coverage by three outlets, but far less text than the full articles (on which
    the even years are saturated), so this split can rank changes for short undated texts."""
    print("\n== leads only, dates withheld: headline + first N body words (RSS-summary length; no anchor from the issue)")
    for n_words in LEAD_WORDS:
        sub_all = [replace(a, published=None, text=" ".join((a.text or "").split()[:n_words])) for a in arts]
        emb = cd.embeddings(sub_all, quiet=True)
        for name, mask in (("dev (even years)", dev), ("held out (odd years)", ~dev)):
            idx = np.flatnonzero(mask)
            labels = StoryClusterer().fit([sub_all[i] for i in idx], emb[idx]).labels_
            print(f"  storyline {n_words:3d} words  {name:21s} {fmt(scores([gold[i] for i in idx], labels))}")
        for pname, sim in (("tfidf-agglo", tfidf_sim([embedding_text(a) for a in sub_all])),
                           ("minilm-agglo", (emb @ emb.T).astype(np.float64))):
            t, res = tuned_agglomerative(sim, gold, dev, grid)
            for split, label in (("dev", "dev (even years)"), ("test", "held out (odd years)")):
                print(f"  {pname:9s} {n_words:3d} words  {label:21s} {fmt(res[split])}  (t={t:.2f})")


def agreement(arts: list, emb: np.ndarray) -> None:
    """Batch `fit` against one-at-a-time `partial_fit` in a jittered arrival order (BCubed F1 between them)."""
    import random

    from _metrics import bcubed

    rng = random.Random(0)
    print("\n== batch vs stream agreement (BCubed F1 of one partition against the other; 1.000 = identical)")
    for dated in (True, False):
        sub = arts if dated else [replace(a, published=None) for a in arts]
        batch = StoryClusterer(use_published=dated).fit(sub, emb).labels_
        # arrival: published date plus 0-2 days of delay (ties broken at random) / undated: random order
        order = sorted(range(len(sub)), key=lambda i: ((np.datetime64(arts[i].published, "D").astype(int) + rng.randrange(3))
                                                     if dated else 0, rng.random()))
        cl = StoryClusterer(use_published=dated)
        for i in order:
            cl.partial_fit([sub[i]], emb[i:i + 1])
        raw = [cl.story_of(a.id) for a in sub]
        cl.consolidate()
        cons = [cl.story_of(a.id) for a in sub]
        print(f"  {'with dates' if dated else 'dates withheld'}: stream vs batch F1 {bcubed(batch, raw)[2]:.3f} before the"
              f" consolidation pass, {bcubed(batch, cons)[2]:.3f} after")


if __name__ == "__main__":
    main()
