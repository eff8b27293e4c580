"""Story clustering of the GoogleNews titles (11,109 stemmed titles, 152 clusters) in stream order.

    python bench/cluster_googlenews.py            # Storyline + peers (about 6 minutes on 2 cores)
    python bench/cluster_googlenews.py --no-peers

Text only (no dates, no outlets). Dev = clusters with odd ids, held out = even ids, each fed
as its own stream in file order; "all" = the whole file, also scored on each half's titles alone
("all: dev", "all: held out"): how a half fares when the other half's stories compete with it. `News.jsonl` is the original order,
`News-T.jsonl` the topic-drift order. Storyline runs with its default parameters (one set for
every corpus). Peers measured here: average-linkage agglomerative over TF-IDF and over
MiniLM, threshold tuned on dev. Anchors (NMI): MStream 0.834 on News, MStreamF 0.873 on
News-T (Yin et al. 2018). BCubed F1 anchors (agglomerative, tuned on one half, scored on the
other): MiniLM 0.862, BERTopic 0.861, TF-IDF 0.777; target >= 0.88 and NMI >= 0.93.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import cluster_data as cd
from _metrics import fmt, scores
from cluster_peers import tfidf_sim, tuned_agglomerative, tuned_bertopic
from storyline.cluster import StoryClusterer


HALVES = (("dev", "dev (odd ids)"), ("test", "held out (even ids)"), ("all", "all"),
          ("all: dev", "all: dev (odd ids)"), ("all: test", "all: held out"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()
    for name in ("News.jsonl", "News-T.jsonl"):
        data = cd.googlenews(name)
        arts = [x.article for x in data]
        gold = [x.gold for x in data]
        emb = cd.embeddings(arts)
        dev = np.array([int(g) % 2 == 1 for g in gold])
        anchor = "MStream NMI 0.834" if name == "News.jsonl" else "MStreamF NMI 0.873"
        print(f"\n== {name} in stream order ({anchor}; target B3 F1 >= 0.88, NMI >= 0.93)")
        runs = {}
        for split, mask in (("dev (odd ids)", dev), ("held out (even ids)", ~dev), ("all", np.ones_like(dev))):
            idx = np.flatnonzero(mask)
            t0 = time.perf_counter()
            labels = StoryClusterer().fit([arts[i] for i in idx], emb[idx]).labels_
            el = time.perf_counter() - t0
            print(f"  storyline        {split:20s} {fmt(scores([gold[i] for i in idx], labels))}  ({el:.0f} s, {len(idx) / el:.0f} art/s)", flush=True)
            runs[split] = labels
        for split, mask in (("all: dev (odd ids)", dev), ("all: held out", ~dev)):  # the whole-file run, per half
            sub = np.flatnonzero(mask)
            print(f"  storyline        {split:20s} {fmt(scores([gold[i] for i in sub], [runs['all'][i] for i in sub]))}", flush=True)
        if args.no_peers or name != "News.jsonl":
            continue
        grid = np.round(np.arange(0.03, 0.7, 0.02), 2)
        for pname, sim in (("tfidf-agglo", tfidf_sim([a.title or "" for a in arts])), ("minilm-agglo", (emb @ emb.T).astype(np.float64))):
            t, res = tuned_agglomerative(sim, gold, dev, grid)
            del sim
            for split, label in HALVES:
                print(f"  {pname:16s} {label:20s} {fmt(res[split])}  (t={t:.2f})", flush=True)
        bt = tuned_bertopic([a.title or "" for a in arts], emb, gold, dev, grid=(5, 10, 20, 40, 80))
        if bt is None:
            print("  bertopic         not installed (pip install bertopic==0.17.4 to measure it)")
        else:
            for split, label in HALVES:
                print(f"  {'bertopic':16s} {label:20s} {fmt(bt[1][split])}  (min_cluster_size={bt[0]})", flush=True)
        print("  (peers are order-independent: the same figures hold for News-T)")


if __name__ == "__main__":
    main()
