"""BASIL through the product's own path: `storyline analyze` on a JSONL file, stories read
back from report.json and scored against the gold events (as an outside scorer would).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/cluster_analyze_basil.py   # about 2 minutes on 2 cores

Writes BASIL as JSONL (title, text, url, outlet, published) into a temporary directory, runs
`storyline analyze FILE --out DIR --workers 2` with a fresh store, and prints BCubed/pairwise
F1, NMI and ARI for all 300 articles, and for the odd and even years within that one run.
Anchor: the target for BASIL with dates, held-out years >= 0.97.
"""

from __future__ import annotations

import cluster_data as cd
from _analyze import analyze_jsonl
from _metrics import fmt, scores


def main() -> None:
    data = cd.basil()
    rows = [{"title": x.article.title, "text": x.article.text, "url": x.article.url, "outlet": x.article.outlet,
             "published": x.article.published} for x in data]
    story_of = analyze_jsonl(rows, workers=2)
    gold = {x.article.url: (x.gold, x.year) for x in data}
    pairs = [(gold[url], sid) for url, sid in story_of.items() if url in gold]
    print(f"storyline analyze on BASIL JSONL: {len(pairs)} of {len(data)} articles in report.json (target held-out B3 F1 >= 0.97)")
    for name, keep in (("all", lambda y: True), ("odd years, same run", lambda y: y % 2 == 1), ("even years, same run", lambda y: y % 2 == 0)):
        sel = [(g, s) for (g, y), s in pairs if keep(y)]
        print(f"  {name:22s} {fmt(scores([g for g, _ in sel], [s for _, s in sel]))}")


if __name__ == "__main__":
    main()
