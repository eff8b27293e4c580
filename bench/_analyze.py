"""Run the product's own path on a corpus, as an outside scorer would: write the articles as
JSONL (title, text, url, outlet, published), run `storyline analyze FILE --out DIR` with a fresh
store in a temporary directory, and read the story of each article back from report.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def analyze_jsonl(rows: list[dict[str, Any]], workers: int = 1) -> dict[str, str | None]:
    """url -> story_id of every article in the report; raises SystemExit if analyze fails."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({k: row.get(k) for k in ("title", "text", "url", "outlet", "published")}) + "\n")
        cmd = [str(Path(sys.executable).parent / "storyline"), "--db", str(Path(tmp) / "store.db"), "analyze", str(src),
               "--out", str(Path(tmp) / "report"), "--workers", str(workers)]
        done = subprocess.run(cmd, env=dict(os.environ, HF_HUB_OFFLINE="1"), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"storyline analyze failed ({done.returncode}):\n{done.stderr[-2000:]}")
        report = json.loads((Path(tmp) / "report" / "report.json").read_text(encoding="utf-8"))
    return {a["url"]: a.get("story_id") for a in report["articles"] if a.get("url")}
