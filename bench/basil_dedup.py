"""Independent reports of one event must never be grouped as copies: BASIL triplets.

    .venv/bin/python bench/basil_dedup.py

BASIL (../shared/data/basil, research-only: read at bench time, never shipped) has 100
events, each reported by Fox News, the New York Times and HuffPost: 300 articles written
independently, often quoting the same statements. All 300 are ingested (as JSONL records
with their outlet, title, date and URL) into a fresh database with the default settings;
then every pair of articles of one event is checked.

Printed: the number of triplet pairs put in one syndication group (target 0), any other
groups, and how close triplet members come to the duplicate thresholds: the largest
MinHash-estimated and exact word 5-shingle Jaccard and containment between two members
of one event, next to the confirm thresholds of `NearDuplicateIndex`.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _corpus import BASIL, load_basil  # noqa: E402

from storyline.config import Settings  # noqa: E402
from storyline.dedup import NearDuplicateIndex, Signature  # noqa: E402
from storyline.dedup.shingles import shingles  # noqa: E402
from storyline.ingest import SourceOptions  # noqa: E402
from storyline.service import ingest  # noqa: E402
from storyline.store import Store  # noqa: E402

TARGET_FALSE = 0


def main() -> None:
    if not (BASIL / "articles").is_dir():
        raise SystemExit(f"BASIL data not found at {BASIL} (../shared/data exists only on the developers' machines and CI)")
    arts = load_basil()
    index = NearDuplicateIndex()
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "basil.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for a in arts:
                fh.write(json.dumps({"id": a.uuid, "title": a.title, "text": "\n\n".join(a.paragraphs), "outlet": a.source,
                                     "published": a.date or None, "url": a.url or None}, ensure_ascii=False) + "\n")
        db = Path(tmp) / "basil.db"
        with Store(db) as store:
            result = ingest([str(jsonl)], store, Settings(db=str(db)), SourceOptions(fetch=False))
            rows = store.conn.execute(
                "SELECT a.input, a.id, a.text, a.syndication_group, m.shingles, m.signature FROM articles a JOIN minhash m ON m.article_id = a.id"
            ).fetchall()
    by_uuid = {str(r[0]).rsplit("#", 1)[-1]: r for r in rows}
    event_of = {a.uuid: a.event for a in arts}
    members: dict[str, list[str]] = defaultdict(list)
    for a in arts:
        if a.uuid in by_uuid:
            members[a.event].append(a.uuid)

    print(f"BASIL: {len(arts)} articles, {len(members)} events; stored {len(result.added)}, rejected {len(result.rejected)}")
    for rej in result.rejected[:5]:
        print(f"  rejected {rej.input}: {rej.reason}")

    false_pairs = []
    closest: list[tuple[float, float, float, float, str, str]] = []
    for event, uuids in members.items():
        for x, y in combinations(sorted(uuids), 2):
            rx, ry = by_uuid[x], by_uuid[y]
            if rx[3] is not None and rx[3] == ry[3]:
                false_pairs.append((event, x, y))
            sx, sy = Signature.from_bytes(rx[5], rx[4]), Signature.from_bytes(ry[5], ry[4])
            est_j = float(sx.minhash.jaccard(sy.minhash))
            smaller = max(1, min(sx.size, sy.size))
            est_c = min(1.0, est_j * (sx.size + sy.size) / (1 + est_j) / smaller)
            ex, ey = shingles(rx[2]), shingles(ry[2])
            inter = len(ex & ey)
            exact_j = inter / max(1, len(ex | ey))
            exact_c = inter / max(1, min(len(ex), len(ey)))
            closest.append((est_j, est_c, exact_j, exact_c, x, y))

    groups: dict[str, list[str]] = defaultdict(list)
    for uuid, r in by_uuid.items():
        if r[3] is not None:
            groups[r[3]].append(uuid)
    print()
    print(f"false groupings (pairs of one event's independent articles in one syndication group): {len(false_pairs)} "
          f"(target {TARGET_FALSE})")
    for event, x, y in false_pairs[:10]:
        print(f"  event {event}: {x} and {y}")
    print(f"syndication groups among all BASIL articles: {len(groups)}"
          + "".join(f"\n  {g}: " + ", ".join(f"{u} (event {event_of[u]})" for u in us) for g, us in list(groups.items())[:10]))

    print()
    print(f"confirm thresholds (dedup/minhash.py): Jaccard >= {index.jaccard}, or containment >= {index.containment} "
          f"with >= 40 shingles; LSH candidates from Jaccard ~{index.candidate_threshold}")
    for label, col in (("estimated Jaccard", 0), ("estimated containment", 1), ("exact Jaccard", 2), ("exact containment", 3)):
        top = max(closest, key=lambda t: t[col])
        print(f"  max {label:<21} between members of one event: {top[col]:.3f}  ({top[4]} / {top[5]})")
    closest.sort(key=lambda t: -max(t[0] / index.jaccard, t[1] / index.containment))
    print("  closest pairs (estimated J, estimated C, exact J, exact C):")
    for est_j, est_c, exact_j, exact_c, x, y in closest[:5]:
        print(f"    {est_j:.3f} {est_c:.3f} {exact_j:.3f} {exact_c:.3f}  {x} / {y}")
    print()
    print(f"summary: {len(false_pairs)} false groupings (target {TARGET_FALSE}) — {'meets' if len(false_pairs) <= TARGET_FALSE else 'FAILS'}")
    sys.exit(0 if len(false_pairs) <= TARGET_FALSE else 1)


if __name__ == "__main__":
    main()
