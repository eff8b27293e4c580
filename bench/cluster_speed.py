"""Throughput, attach latency and memory of the story clusterer at 100,000 articles.

    python bench/cluster_speed.py [--n 100000]

Articles are generated reproducibly (seed 0) by resampling BASIL articles (a random half of
their sentences kept) and GoogleNews titles, each copy moved to a random date in 1990-2029
(dated corpus) so events repeat as separate occurrences. Embeddings are NOT computed: each
copy gets its source article's cached MiniLM vector plus Gaussian noise (sd 0.02 per
dimension), renormalised, so the figures are clustering cost only. Embedding cost is
reported separately from a measured sample (MiniLM on this CPU).

Reports: batch throughput of `partial_fit` (features + attach) and of `consolidate`; p50/p95
time to attach one new article with N already indexed (dated and undated); resident memory
(VmRSS) at 25%, 50% and 100% of N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import time
from dataclasses import replace

import numpy as np

import cluster_data as cd
from storyline.cluster import StoryClusterer
from storyline.models import Article


def rss_mb() -> float:
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def generate(n: int, dated: bool) -> tuple[list[Article], np.ndarray]:
    rng = random.Random(0)
    nrng = np.random.default_rng(0)
    basil = [x.article for x in cd.basil()]
    gn = [x.article for x in cd.googlenews()]
    b_emb, g_emb = cd.embeddings(basil, quiet=True), cd.embeddings(gn, quiet=True)
    # events: a source event (BASIL triplet or GN cluster member) placed at a random date
    arts, src = [], []
    start = dt.date(1990, 1, 1).toordinal()
    while len(arts) < n:
        day = start + rng.randrange(40 * 365)
        if rng.random() < 0.5:
            k = rng.randrange(len(basil))
            base = basil[(k // 3) * 3:(k // 3) * 3 + 3]
            for j, a in enumerate(base):
                sents = re.split(r"(?<=[.!?])\s+", a.text)
                kept = " ".join(s for s in sents if rng.random() < 0.5) or a.text
                arts.append(replace(a, id=f"b{len(arts)}", text=kept, published=dt.date.fromordinal(day + rng.randrange(3)).isoformat()))
                src.append(b_emb[(k // 3) * 3 + j])
        else:
            k = rng.randrange(len(gn))
            arts.append(replace(gn[k], id=f"g{len(arts)}", published=dt.date.fromordinal(day).isoformat()))
            src.append(g_emb[k])
    arts, src = arts[:n], np.asarray(src[:n], dtype=np.float32)
    if not dated:
        arts = [replace(a, published=None) for a in arts]
    noisy = src + nrng.normal(0, 0.02, src.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    order = sorted(range(n), key=lambda i: (arts[i].published or "", i))
    return [arts[i] for i in order], noisy[order]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--probe", type=int, default=500)
    ap.add_argument("--ann", default="auto", choices=("exact", "auto", "usearch"), help="centroid search backend")
    args = ap.parse_args()
    n = args.n
    base_rss = rss_mb()
    for dated in (True, False):
        arts, emb = generate(n + args.probe, dated)
        probe_arts, probe_emb = arts[n:], emb[n:]
        arts, emb = arts[:n], emb[:n]
        gen_rss = rss_mb()
        cl = StoryClusterer(use_published=dated, ann=args.ann)
        print(f"\n== {'dated' if dated else 'undated'} corpus, ann={args.ann}: {n} generated articles (rss {gen_rss - base_rss:.0f} MB for the corpus itself)")
        t0 = time.perf_counter()
        marks = {n // 4, n // 2, n}
        chunk = 1000
        for s in range(0, n, chunk):
            cl.partial_fit(arts[s:s + chunk], emb[s:s + chunk])
            if s + chunk in marks:
                el = time.perf_counter() - t0
                print(f"  {s + chunk:>7d} articles: {el:6.1f} s, {(s + chunk) / el:6.0f} art/s, rss {rss_mb():6.0f} MB"
                      f" (+{rss_mb() - gen_rss:.0f} MB over the corpus), {len(cl.story_ids())} stories", flush=True)
        lat = []
        for a, v in zip(probe_arts, probe_emb):
            t1 = time.perf_counter()
            cl.partial_fit([a], v[None, :])
            lat.append(time.perf_counter() - t1)
        lat_ms = np.array(lat) * 1000
        print(f"  attach one article with {n} indexed: p50 {np.percentile(lat_ms, 50):.2f} ms, p95 {np.percentile(lat_ms, 95):.2f} ms,"
              f" max {lat_ms.max():.1f} ms (target p95 <= 20 ms)")
        t2 = time.perf_counter()
        changes = cl.consolidate(rounds=1)
        print(f"  consolidate (one round) over {len(cl.story_ids())} stories: {time.perf_counter() - t2:.1f} s, {len(changes)} changes")
        del cl, arts, emb
    from storyline.models_registry import embed

    sample = [x.article for x in cd.basil()][:64]
    from storyline.cluster import embedding_text

    embed([embedding_text(a) for a in sample[:4]])
    t3 = time.perf_counter()
    embed([embedding_text(a) for a in sample])
    el = time.perf_counter() - t3
    print(f"\nembedding cost (MiniLM, headline + 1500-char lead, this CPU): {len(sample) / el:.0f} articles/s"
          f" -> {100_000 / (len(sample) / el) / 60:.0f} min per 100,000 articles (measured on 64 BASIL articles)")


if __name__ == "__main__":
    main()
