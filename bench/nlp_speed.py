"""Throughput of per-article analysis next to bare spaCy, on ~600-word articles.

    python bench/nlp_speed.py                         # 120 articles, workers 1 and 2, 3 repeats
    python bench/nlp_speed.py --n 200 --workers 1 2 --repeats 5

Texts: BASIL article bodies from ../shared/data/basil (evaluation-only data; read at bench
time, never shipped), joined to ~600 words each; without BASIL, the gold and seed texts are
concatenated instead. Both measurements run in the same process on the same texts, and each
repeat runs both (alternating which goes first): bare spaCy, i.e. `nlp.pipe` with the full
default pipeline of its own freshly loaded copy of the packaged model (`n_process=workers`), and storyline's `analyze_articles(n_process=workers)`
(parse + entities, quotes, quantities, times, event date). Reported: the median articles/s
over the repeats and the ratio storyline / bare spaCy. Target: >= 15 articles/s on a 2-core
machine.
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


def _spin(_: object = None) -> float:
    t0 = time.perf_counter()
    s = 0
    for i in range(10_000_000):
        s += i
    return time.perf_counter() - t0


def parallelism() -> float:
    """How many cores two busy processes actually get here: 2 x (time of one spin alone) /
    (wall time of two spins side by side). 2.0 on two idle cores, 1.0 when only one is free."""
    import multiprocessing

    one = min(_spin() for _ in range(2))
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else multiprocessing.get_context()
    with ctx.Pool(2) as pool:
        pool.map(_spin, [0, 1])  # start-up
        t0 = time.perf_counter()
        pool.map(_spin, [0, 1], chunksize=1)
        both = time.perf_counter() - t0
    return 2 * one / both


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=120, help="number of articles (default 120)")
    parser.add_argument("--workers", "--procs", type=int, nargs="+", default=[1, 2], help="process counts to measure")
    parser.add_argument("--repeats", type=int, default=3, help="repeats per process count (default 3)")
    args = parser.parse_args()
    texts = make_texts(args.n)
    words = sum(len(t.split()) for t in texts)
    articles = [Article(id=f"a{i}", input=f"bench:{i}", kind="text", title=None, text=t) for i, t in enumerate(texts)]
    print(f"{len(texts)} articles, {words / len(texts):.0f} words each on average, {os.cpu_count()} CPUs "
          f"({'BASIL bodies' if BASIL.exists() else 'gold + seed texts'})")
    t0 = time.perf_counter()
    # Bare spaCy gets its own copy of the packaged model, exactly as it loads: storyline's
    # analysis switches the models' matrix products of the shared copy (spacy_model()) to
    # numpy's BLAS, which would otherwise speed up the baseline too.
    nlp = spacy_model.__wrapped__()
    list(nlp.pipe(texts[:8]))
    analyze_articles(articles[:8])
    ours = spacy_model()
    print(f"model load + warm-up: {time.perf_counter() - t0:.1f}s (not counted below)")
    from storyline.nlp.analyze import analyze_doc, make_doc, parse

    sample = articles[: min(60, len(articles))]
    c0 = time.process_time()
    list(nlp.pipe([a.text for a in sample], batch_size=32))
    c1 = time.process_time()
    docs = list(parse(ours, (make_doc(ours, a.text) for a in sample), batch_size=32))
    c2 = time.process_time()
    for article, doc in zip(sample, docs):
        analyze_doc(article, doc)
    c3 = time.process_time()
    ms = lambda t: t / len(sample) * 1000  # noqa: E731
    print(f"CPU per article ({len(sample)} articles, 1 process): bare nlp.pipe {ms(c1 - c0):.1f} ms | storyline parse "
          f"(make_doc + pipeline with the fast attribute ruler and lemmatizer, numpy BLAS) {ms(c2 - c1):.1f} ms | "
          f"extraction + dating on parsed docs {ms(c3 - c2):.1f} ms")
    n = len(texts)
    if any(w > 1 for w in args.workers):
        print(f"effective parallelism of 2 busy processes right now: {parallelism():.2f} cores (2.00 = two idle cores)")
    for workers in args.workers:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        bare, full, bare_cpu, full_cpu = [], [], [], []
        for r in range(args.repeats):
            def run_bare() -> None:
                w0, c0 = time.perf_counter(), time.process_time()
                list(nlp.pipe(texts, batch_size=32, n_process=workers))
                bare.append(n / (time.perf_counter() - w0))
                bare_cpu.append(n / (time.process_time() - c0))

            def run_full() -> None:
                w0, c0 = time.perf_counter(), time.process_time()
                analyses = analyze_articles(articles, n_process=workers)
                full.append(n / (time.perf_counter() - w0))
                full_cpu.append(n / (time.process_time() - c0))
                assert len(analyses) == n

            for run in ((run_bare, run_full) if r % 2 == 0 else (run_full, run_bare)):
                run()
        b, f = _median(bare), _median(full)
        runs = lambda xs: ", ".join(f"{x:.1f}" for x in xs)  # noqa: E731
        print(f"workers={workers}: bare spaCy {b:5.1f} articles/s [{runs(bare)}] | storyline analyze_articles {f:5.1f} "
              f"articles/s [{runs(full)}] | ratio {f / b:.2f} | target 15/s: {'met' if f >= 15 else 'NOT met'} "
              f"(median of {args.repeats}, wall clock; load average {load:.2f} before)")
        if workers == 1:
            bc, fc = _median(bare_cpu), _median(full_cpu)
            print(f"           CPU time: bare spaCy {bc:5.1f} articles/CPU-s | storyline {fc:5.1f} articles/CPU-s | ratio {fc / bc:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
