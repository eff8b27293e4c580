"""Ingest throughput next to bare trafilatura, and duplicate precision/recall on planted copies.

    .venv/bin/python bench/ingest_speed.py                    # 10,000 pages, 3 repeats, 1 and 2 processes
    .venv/bin/python bench/ingest_speed.py --n 1000 --repeats 1   # quick check

Corpus (bench/_corpus.py, fixed seed, written once to bench/out/): synthetic news pages of 24
outlets with three page templates each (navigation, share bars, related links, newsletter
boxes, comment forms, footers) around bodies mixed from BASIL paragraphs; 15% of the pages
are planted syndicated copies of another page's body (another outlet's template and
headline, credit lines added, last paragraph dropped or a few words edited).

Each measurement runs in a fresh child process, so its peak memory is its own, and the
measurements are interleaved (trafilatura, then Storyline, for each process count, in
each repeat), so the noise of a shared machine falls on both sides:

* trafilatura: `bare_extraction` with the options of Storyline's first extraction pass
  (clean/extract.py) over the same pages, read the same way, with the same number of
  processes (a process pool of that size for 2);
* Storyline: `storyline.service.ingest` of the page folder into a fresh SQLite database
  (read, extract, clean, learn outlet boilerplate, MinHash, near-duplicates, store) with
  `Settings(workers=N)`.

Printed: medians over repeats of seconds and articles/s, the median of the per-repeat
ratios Storyline/trafilatura, peak RSS (main process, largest child, and the sampled sum of
the whole process tree when psutil is installed), pairwise duplicate precision and recall
(pages predicted in one syndication group vs pages planted from one body), and whether
workers=1 and workers=2 stored exactly the same articles and groups.

Targets: >= 150 articles/s on this 2-core machine, Storyline <= 1.3x trafilatura with the
same number of processes, duplicate precision and recall >= 0.98.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_RATE = 150.0
TARGET_RATIO = 1.3
TARGET_PR = 0.98


# -- memory --------------------------------------------------------------------------------
class TreeRss:
    """Peak of the summed RSS of this process and its children, sampled every 0.2 s (needs psutil).

    One sample reads /proc for every process (about 1 ms): more often would slow the run it measures.
    """

    def __init__(self) -> None:
        try:
            import psutil
        except ImportError:
            self.proc = None
        else:
            self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except Exception:  # noqa: BLE001 - a child may exit between listing and reading
                        pass
            except Exception:  # noqa: BLE001
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> TreeRss:
        if self.proc is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self._stop.set()
            self._thread.join()


def _rusage_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest reaped child, in MB (Linux reports KiB)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its reaped children so far."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# -- children: one measurement each -----------------------------------------------------------
def _trafilatura_one(html: str) -> int:
    import trafilatura

    from storyline.clean.extract import _DATE_PARAMS, _PRUNE_XPATH

    doc = trafilatura.bare_extraction(
        html, url=None, fast=True, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params=_DATE_PARAMS, prune_xpath=_PRUNE_XPATH,
    )
    return len(doc.text or "") if doc is not None else 0


def _read_pages(folder: Path) -> list[str]:
    """The pages as a minimal pipeline reads them: bytes, then UTF-8 (the corpus is UTF-8)."""
    return [p.read_bytes().decode("utf-8", errors="replace") for p in sorted(folder.glob("*.html"))]


def child_trafilatura(folder: Path, workers: int) -> dict[str, object]:
    import trafilatura  # noqa: F401 - imported before the clock starts, as for Storyline

    from storyline.clean.extract import _PRUNE_XPATH  # noqa: F401

    with TreeRss() as tree:
        t0, c0 = time.perf_counter(), _cpu()
        pages = _read_pages(folder)
        if workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(workers) as pool:
                sizes = list(pool.map(_trafilatura_one, pages, chunksize=8))
        else:
            sizes = [_trafilatura_one(p) for p in pages]
        seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    main, child = _rusage_mb()
    return {"seconds": seconds, "cpu": cpu, "docs": len(pages), "extracted": sum(s > 0 for s in sizes),
            "rss_main_mb": main, "rss_child_mb": child, "rss_tree_mb": tree.peak / 2**20}


def child_storyline(folder: Path, workers: int, db: Path) -> dict[str, object]:
    from storyline.config import Settings
    from storyline.ingest import SourceOptions
    from storyline.service import ingest
    from storyline.store import Store

    with TreeRss() as tree:
        t0, c0 = time.perf_counter(), _cpu()
        with Store(db) as store:
            result = ingest([str(folder)], store, Settings(db=str(db), workers=workers), SourceOptions(fetch=False))
        seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    main, child = _rusage_mb()
    return {"seconds": seconds, "cpu": cpu, "docs": len(result.added) + len(result.skipped) + len(result.rejected), "added": len(result.added),
            "rejected": len(result.rejected), "rss_main_mb": main, "rss_child_mb": child, "rss_tree_mb": tree.peak / 2**20}


def _run_child(args: list[str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"child {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- results -------------------------------------------------------------------------------
def stored(db: Path) -> dict[str, tuple[str | None, str, str | None]]:
    """file name -> (syndication group, text hash, duplicate_of) of what one run stored."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT input, syndication_group, text, duplicate_of, id FROM articles").fetchall()
    conn.close()
    return {Path(r[0]).name: (r[1], hashlib.sha1((r[4] + "\n" + r[2]).encode()).hexdigest(), r[3]) for r in rows}


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def _fmt_runs(xs: list[float], fmt: str = "{:.1f}") -> str:
    return "[" + ", ".join(fmt.format(x) for x in xs) + "]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="pages in the corpus (default 10000)")
    ap.add_argument("--repeats", type=int, default=3, help="measurements of each kind (default 3); medians are printed")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2], help="process counts (default 1 2)")
    ap.add_argument("--only", choices=["both", "storyline", "trafilatura"], default="both")
    ap.add_argument("--_child", choices=["trafilatura", "storyline"], help=argparse.SUPPRESS)
    ap.add_argument("--_folder", help=argparse.SUPPRESS)
    ap.add_argument("--_db", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args._child:
        folder = Path(args._folder)
        workers = args.procs[0]
        res = child_trafilatura(folder, workers) if args._child == "trafilatura" else child_storyline(folder, workers, Path(args._db))
        print(json.dumps(res))
        return

    from _corpus import make_corpus, pair_scores

    t0 = time.perf_counter()
    corpus = make_corpus(args.n, args.seed)
    s = corpus.stats
    print(f"corpus: {corpus.root.relative_to(ROOT)} ({time.perf_counter() - t0:.1f} s to make or load)")
    print(f"  {s['pages']} pages of {s['outlets']} outlets x {s['templates_per_outlet']} templates; {s['copies']} planted copies, "
          f"{s['distinct_bodies']} distinct bodies (max exact 5-shingle Jaccard between distinct bodies {s['max_distinct_jaccard']}, "
          f"containment {s['max_distinct_containment']})")
    print(f"  machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; repeats: {args.repeats}; medians shown, all runs in brackets")
    sys.stdout.flush()

    runs: dict[tuple[str, int], list[dict[str, object]]] = {}
    dbs: dict[int, Path] = {}
    tmp = Path(tempfile.mkdtemp(prefix="storyline-bench-", dir=ROOT / "bench" / "out"))
    for rep in range(args.repeats):
        for procs in args.procs:
            kinds = ["trafilatura", "storyline"] if args.only == "both" else [args.only]
            for kind in kinds:
                extra = []
                if kind == "storyline":
                    db = tmp / f"w{procs}-r{rep}.db"
                    extra = ["--_db", str(db)]
                    dbs[procs] = db
                res = _run_child(["--_child", kind, "--_folder", str(corpus.root), "--procs", str(procs), *extra])
                runs.setdefault((kind, procs), []).append(res)
                print(f"  repeat {rep + 1}: {kind:<11} procs={procs}: {res['seconds']:6.1f} s wall, {res['docs'] / res['seconds']:4.0f} docs/s; "
                      f"{res['cpu']:6.1f} CPU s (all processes)", flush=True)
                if kind == "storyline" and rep < args.repeats - 1:
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(db) + suffix).unlink(missing_ok=True)

    n = args.n
    print()
    print("Wall clock (what the targets are about; on a shared machine it moves with the other load):")
    print(f"{'procs':>5} | {'trafilatura s':>13} {'pages/s':>8} | {'storyline s':>11} {'articles/s':>10} | {'ratio':>6} | targets")
    ratios: dict[int, float] = {}
    rates: dict[int, float] = {}
    cpu_ratios: dict[int, float] = {}
    for procs in args.procs:
        tr = runs.get(("trafilatura", procs), [])
        st = runs.get(("storyline", procs), [])
        tr_s = [float(r["seconds"]) for r in tr]
        st_s = [float(r["seconds"]) for r in st]
        line = f"{procs:>5} | "
        line += f"{_med(tr_s):>13.1f} {n / _med(tr_s):>8.0f} | " if tr_s else f"{'-':>13} {'-':>8} | "
        if st_s:
            rates[procs] = n / _med(st_s)
            line += f"{_med(st_s):>11.1f} {rates[procs]:>10.0f} | "
        else:
            line += f"{'-':>11} {'-':>10} | "
        if tr_s and st_s:
            ratios[procs] = _med([a / b for a, b in zip(st_s, tr_s)])
            line += f"{ratios[procs]:>5.2f}x | "
        else:
            line += f"{'-':>6} | "
        line += f">= {TARGET_RATE:.0f} articles/s, <= {TARGET_RATIO}x"
        print(line)
        if tr_s:
            print(f"{'':>5}   trafilatura runs s {_fmt_runs(tr_s)}")
        if st_s:
            print(f"{'':>5}   storyline runs s   {_fmt_runs(st_s)}; per-repeat ratios "
                  f"{_fmt_runs([a / b for a, b in zip(st_s, tr_s)], '{:.2f}') if tr_s else '-'}")
    print()
    print("CPU time of all processes (main + pool workers; steadier than wall clock on a shared machine):")
    print(f"{'procs':>5} | {'trafilatura ms/page':>19} | {'storyline ms/article':>20} | {'ratio':>6} | articles per CPU-second")
    for procs in args.procs:
        tr_c = [float(r["cpu"]) for r in runs.get(("trafilatura", procs), [])]
        st_c = [float(r["cpu"]) for r in runs.get(("storyline", procs), [])]
        line = f"{procs:>5} | " + (f"{_med(tr_c) / n * 1000:>19.2f} | " if tr_c else f"{'-':>19} | ")
        line += f"{_med(st_c) / n * 1000:>20.2f} | " if st_c else f"{'-':>20} | "
        if tr_c and st_c:
            cpu_ratios[procs] = _med([a / b for a, b in zip(st_c, tr_c)])
            line += f"{cpu_ratios[procs]:>5.2f}x | "
        else:
            line += f"{'-':>6} | "
        line += f"{n / _med(st_c):.0f}" if st_c else "-"
        print(line)
    print()
    print("peak RSS, MB (median over repeats): main process / largest pool worker / sampled sum of the process tree")
    for (kind, procs), rs in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        tree = _med([float(r["rss_tree_mb"]) for r in rs])
        print(f"  {kind:<11} procs={procs}: {_med([float(r['rss_main_mb']) for r in rs]):7.0f} / "
              f"{_med([float(r['rss_child_mb']) for r in rs]):7.0f} / " + (f"{tree:7.0f}" if tree else "  (no psutil)"))

    if dbs:
        print()
        results = {procs: stored(db) for procs, db in dbs.items()}
        first = next(iter(results.values()))
        # Planted pairs: two pages of one body (a body without copies makes no pair).
        truth_groups = {name: t["body"] for name, t in corpus.truth.items()}
        predicted = {name: v[0] for name, v in first.items()}
        p, r, tp, npred, ngold = pair_scores(truth_groups, predicted)
        missing = len(corpus.truth) - len(first)
        print(f"duplicates: precision {p:.4f}, recall {r:.4f} (target >= {TARGET_PR} both); pairs: {tp} right of {npred} predicted, "
              f"{ngold} planted; pages not stored: {missing}")
        _explain_errors(corpus.truth, first)
        if len(results) > 1:
            same = all(v == first for v in results.values())
            print(f"identical articles, texts and groups for procs {sorted(results)}: {'yes' if same else 'NO'}")
    print()
    verdict = []
    for procs, rate in rates.items():
        verdict.append(f"procs={procs}: {rate:.0f} articles/s {'meets' if rate >= TARGET_RATE else 'BELOW'} {TARGET_RATE:.0f}")
    for procs, ratio in ratios.items():
        verdict.append(f"procs={procs}: ratio {ratio:.2f}x {'meets' if ratio <= TARGET_RATIO else 'ABOVE'} {TARGET_RATIO}x"
                       + (f" (CPU {cpu_ratios[procs]:.2f}x)" if procs in cpu_ratios else ""))
    print("summary: " + "; ".join(verdict))
    print(f"databases of the last repeat: {tmp.relative_to(ROOT)}")


def _explain_errors(truth: dict[str, dict[str, object]], got: dict[str, tuple[str | None, str, str | None]], show: int = 5) -> None:
    """A few missed copies and false groupings, to see what went wrong."""
    by_group: dict[str, list[str]] = {}
    for name, (g, _h, _d) in got.items():
        if g is not None:
            by_group.setdefault(g, []).append(name)
    false = [(g, names) for g, names in by_group.items() if len({truth[x]["body"] for x in names}) > 1]
    missed = [name for name, t in truth.items() if t["copy"] and (name not in got or got[name][0] is None
              or got.get(str(t["copy_of"]), (None,))[0] != got[name][0])]
    print(f"  groups mixing different bodies: {len(false)}; copies not grouped with their source page: {len(missed)}")
    for g, names in false[:show]:
        print(f"    mixed group {g}: " + ", ".join(f"{x} (body {truth[x]['body']})" for x in sorted(names)))
    for name in missed[:show]:
        t = truth[name]
        print(f"    missed {name}: copy of {t['copy_of']}, edits {t['edits']}")


if __name__ == "__main__":
    main()
