"""BASIL through the product's own path: `storyline analyze` on a JSONL file, stories read
back from report.json and scored against the gold events (as an outside scorer would).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/cluster_analyze_basil.py   # about 2 minutes on 2 cores

Writes BASIL as JSONL (title, text, url, outlet, published) into a temporary directory, runs
`storyline analyze FILE --out DIR --workers 2` with a fresh store, and prints BCubed/pairwise
F1, NMI and ARI for all 300 articles, and for the odd and even years within that one run.
Anchor: the target for BASIL with dates, held-out years >= 0.97.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import cluster_data as cd
from _metrics import fmt, scores


def main() -> None:
    data = cd.basil()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "basil.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for x in data:
                a = x.article
                fh.write(json.dumps({"title": a.title, "text": a.text, "url": a.url, "outlet": a.outlet,
                                     "published": a.published}) + "\n")
        env = dict(os.environ, HF_HUB_OFFLINE="1")
        cmd = [str(Path(sys.executable).parent / "storyline"), "--db", str(Path(tmp) / "store.db"), "analyze", str(src),
               "--out", str(Path(tmp) / "report"), "--workers", "2"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"storyline analyze failed ({done.returncode}):\n{done.stderr[-2000:]}")
        report = json.loads((Path(tmp) / "report" / "report.json").read_text(encoding="utf-8"))
    gold = {x.article.url: (x.gold, x.year) for x in data}
    pairs = [(gold[a["url"]], a["story_id"]) for a in report["articles"] if a.get("url") in gold]
    print(f"storyline analyze on BASIL JSONL: {len(pairs)} of {len(data)} articles in report.json (target held-out B3 F1 >= 0.97)")
    for name, keep in (("all", lambda y: True), ("odd years, same run", lambda y: y % 2 == 1), ("even years, same run", lambda y: y % 2 == 0)):
        sel = [(g, s) for (g, y), s in pairs if keep(y)]
        print(f"  {name:22s} {fmt(scores([g for g, _ in sel], [s for _, s in sel]))}")


if __name__ == "__main__":
    main()
