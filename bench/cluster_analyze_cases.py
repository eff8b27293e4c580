"""The hard-case corpora through the product's own path, as the issue's outside scorer runs them:
`storyline analyze` on each case file written as JSONL, stories read back from report.json.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/cluster_analyze_cases.py   # about 5 minutes on 2 cores

Each corpus runs twice, with its published dates and with them withheld (text only; the language
analysis then dates events from the text). Printed next to each: BCubed F1 of the in-memory
`StoryClusterer().fit` on the same articles, the figure bench/cluster_cases.py reports. The two
should agree; where they differ, the analyze path's extra steps (ingest cleaning, duplicate and
syndication marks, text-derived event dates) moved the result.
"""

from __future__ import annotations

import os

import cluster_data as cd
from _analyze import analyze_jsonl
from _metrics import bcubed
from cluster_cases import CASE_FILES, TUNED_ON, _articles, load
from storyline.cluster import StoryClusterer


def _url(record: dict) -> str:
    return f"https://cases.example/{record['id']}"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print("BCubed F1 of `storyline analyze` (P, R) vs in-memory fit; dev = sets Storyline was tuned on")
    for split, path in CASE_FILES.items():
        if not path.exists():
            continue
        records = load(path)
        gold = [r["event"] for r in records]
        for dated in (True, False):
            rows = [{**r, "url": _url(r), "published": r["published"] if dated else None} for r in records]
            story_of = analyze_jsonl(rows)
            missing = [r["id"] for r in records if _url(r) not in story_of]
            p, r, f = bcubed(gold, [story_of.get(_url(x)) or x["id"] for x in records])
            arts = _articles(records, dated)
            fit = bcubed(gold, StoryClusterer(use_published=dated).fit(arts, cd.embeddings(arts, quiet=True)).labels_)[2]
            kind = "dev " if split in TUNED_ON else "test"
            note = f"; {len(missing)} missing from the report: {missing[:3]}" if missing else ""
            print(f"  {kind} {split:11s} {'dated    ' if dated else 'text only'} analyze {f:.3f} (P {p:.3f} R {r:.3f})"
                  f"  fit {fit:.3f}{note}", flush=True)


if __name__ == "__main__":
    main()
