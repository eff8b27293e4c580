"""Throughput of per-article analysis next to bare spaCy, on ~600-word articles.

    python bench/nlp_speed.py                 # 200 articles, 1 and 2 processes
    python bench/nlp_speed.py --n 400 --procs 1 2

Texts: BASIL article bodies from ../shared/data/basil (evaluation-only data; read at bench
time, never shipped), joined to ~600 words each; without BASIL, the gold and seed texts are
concatenated instead. Both measurements run in the same process on the same texts:
`nlp.pipe` alone (the floor) and `analyze_articles` (parse + entities, quotes, quantities,
times, event date). Target: >= 15 articles/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyline.models import Article  # noqa: E402
from storyline.models_registry import spacy_model  # noqa: E402
from storyline.nlp import analyze_articles  # noqa: E402

BASIL = ROOT.parent / "shared" / "data" / "basil" / "articles"
TARGET_WORDS = 600


def _bodies() -> list[str]:
    bodies = []
    for path in sorted(glob.glob(str(BASIL / "*" / "*.json"))):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        paras = [" ".join(p) if isinstance(p, list) else str(p) for p in data.get("body-paragraphs", [])]
        bodies.append("\n\n".join(p.strip() for p in paras if p.strip()))
    if bodies:
        return bodies
    gold = ROOT / "bench" / "data" / "nlp_gold.jsonl"
    bodies = [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    bodies += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "seeds").glob("*.txt"))]
    return bodies


def make_texts(n: int) -> list[str]:
    """n texts of about TARGET_WORDS words, cut at paragraph boundaries."""
    paragraphs = [p for body in _bodies() for p in body.split("\n\n") if p.strip()]
    texts, current, words, i = [], [], 0, 0
    while len(texts) < n:
        p = paragraphs[i % len(paragraphs)]
        i += 1
        current.append(p)
        words += len(p.split())
        if words >= TARGET_WORDS:
            texts.append("\n\n".join(current))
            current, words = [], 0
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of articles (default 200)")
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2], help="process counts to measure")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved bare/full rounds (default 4)")
    args = parser.parse_args()
    texts = make_texts(args.n)
    words = sum(len(t.split()) for t in texts)
    articles = [Article(id=f"a{i}", input=f"bench:{i}", kind="text", title=None, text=t) for i, t in enumerate(texts)]
    print(f"{len(texts)} articles, {words / len(texts):.0f} words each on average, {os.cpu_count()} CPUs "
          f"({'BASIL bodies' if BASIL.exists() else 'gold + seed texts'})")
    t0 = time.perf_counter()
    nlp = spacy_model()
    list(nlp.pipe(texts[:8]))
    analyze_articles(articles[:8])
    print(f"model load + warm-up: {time.perf_counter() - t0:.1f}s (not counted below)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before measuring: {load:.2f} (on a shared machine the wall-clock numbers move with it; "
          f"bare and full runs are interleaved in {args.rounds} rounds, and CPU time is reported for 1 process)")
    from storyline.nlp.analyze import analyze_doc, make_doc

    sample = articles[: min(60, len(articles))]
    docs = list(nlp.pipe((make_doc(nlp, a.text) for a in sample), batch_size=32))
    c0 = time.process_time()
    for article, doc in zip(sample, docs):
        analyze_doc(article, doc)
    extract_ms = (time.process_time() - c0) / len(sample) * 1000
    print(f"extraction + dating alone, on already-parsed docs: {extract_ms:.1f} ms/article (CPU time, {len(sample)} articles)")
    size = -(-len(texts) // args.rounds)
    for procs in args.procs:
        bare_wall = full_wall = bare_cpu = full_cpu = 0.0
        best_bare = best_full = 0.0
        for r in range(args.rounds):
            chunk_t, chunk_a = texts[r * size:(r + 1) * size], articles[r * size:(r + 1) * size]
            if not chunk_t:
                continue
            w0, c0 = time.perf_counter(), time.process_time()
            list(nlp.pipe(chunk_t, batch_size=32, n_process=procs))
            w1, c1 = time.perf_counter(), time.process_time()
            analyses = analyze_articles(chunk_a, n_process=procs)
            w2, c2 = time.perf_counter(), time.process_time()
            assert len(analyses) == len(chunk_a)
            bare_wall += w1 - w0
            full_wall += w2 - w1
            bare_cpu += c1 - c0
            full_cpu += c2 - c1
            best_bare = max(best_bare, len(chunk_t) / (w1 - w0))
            best_full = max(best_full, len(chunk_t) / (w2 - w1))
        n = len(texts)
        print(f"n_process={procs}: wall clock   bare spaCy {n / bare_wall:6.1f} articles/s (best round {best_bare:5.1f}) | "
              f"analyze_articles {n / full_wall:6.1f} articles/s (best round {best_full:5.1f}) | "
              f"overhead {100 * (full_wall / bare_wall - 1):+.0f}% | target 15/s: {'met' if n / full_wall >= 15 else 'NOT met'}")
        if procs == 1:
            print(f"             CPU time     bare spaCy {n / bare_cpu:6.1f} articles/CPU-s | analyze_articles "
                  f"{n / full_cpu:6.1f} articles/CPU-s | overhead {100 * (full_cpu / bare_cpu - 1):+.0f}% "
                  f"({(full_cpu - bare_cpu) / n * 1000:.1f} ms/article beyond parsing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
