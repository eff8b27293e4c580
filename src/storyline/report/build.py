"""Assemble report.json and write all three report files atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from storyline import __version__
from storyline.models import Article, Rejection

SCHEMA_VERSION = "1.1"


def load_schema() -> dict[str, Any]:
    return json.loads(resources.files("storyline").joinpath("schema/report.schema.json").read_text(encoding="utf-8"))


def build_report(articles: list[Article], rejected: list[Rejection]) -> dict[str, Any]:
    groups: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        if a.syndication_group:
            groups[a.syndication_group].append(a.id)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "storyline_version": __version__,
        "articles": [_article(a) for a in articles],
        "rejected": [{"input": r.input, "reason": r.reason} for r in rejected],
        "stories": [],
        "outlets": [],
        "syndication_groups": [{"id": g, "article_ids": ids} for g, ids in groups.items() if len(ids) > 1],
    }


def _article(a: Article) -> dict[str, Any]:
    data = a.to_dict()
    data.pop("content_hash", None)
    data["story_id"] = None
    data["event_date"] = {"value": None, "precision": None, "confidence": 0.0, "evidence": [], "conflicts": []}
    return data


def atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file and rename, so a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reports(report: dict[str, Any], out_dir: str | Path) -> dict[str, Path]:
    from storyline.report.html import render_html
    from storyline.report.markdown import render_markdown

    out = Path(out_dir)
    paths = {"json": out / "report.json", "md": out / "report.md", "html": out / "report.html"}
    atomic_write(paths["json"], json.dumps(report, ensure_ascii=False, indent=2))
    atomic_write(paths["md"], render_markdown(report))
    atomic_write(paths["html"], render_html(report))
    return paths
