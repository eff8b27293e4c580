"""Data loading shared by the cluster benchmarks (evaluation-only data, read from ../shared/data).

- `basil()`: 300 BASIL articles (100 events x fox/nyt/hpo) as `Article`s with gold event ids.
- `googlenews(name)`: the 11,109 stemmed GoogleNews titles in file (stream) order.
- `embeddings(articles)`: MiniLM vectors of `storyline.cluster.embedding_text(article)`, cached
  on disk (``$STORYLINE_BENCH_CACHE``, default ``~/.cache/storyline-bench``) keyed by a hash of
  the texts, so repeated runs do not pay the encoder again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyline.cluster import embedding_text  # noqa: E402
from storyline.models import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CACHE = Path(os.environ.get("STORYLINE_BENCH_CACHE", Path.home() / ".cache" / "storyline-bench"))


@dataclass(frozen=True)
class Labelled:
    article: Article
    gold: str  # gold cluster id
    year: int | None = None  # BASIL: event year (for the even/odd split)


def require(path: Path) -> Path:
    if not path.exists():
        print(f"{path} is not available (../shared/data exists only on the developers' machines and CI)", file=sys.stderr)
        raise SystemExit(2)
    return path


def basil() -> list[Labelled]:
    """BASIL articles sorted by (date, id): the order a stream would deliver them."""
    root = require(DATA / "basil" / "articles")
    out: list[Labelled] = []
    for path in sorted(root.glob("*/*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        paras = d.get("body-paragraphs") or []
        body = "\n\n".join(" ".join(p) if isinstance(p, list) else str(p) for p in paras)
        art = Article(
            id=path.stem, input=str(path.relative_to(root)), kind="json", title=(d.get("title") or "").strip() or None,
            text=body, outlet=str(d.get("source", "")).lower() or None, url=d.get("url"), published=d.get("date"),
        )
        out.append(Labelled(art, str(d["triplet-uuid"]), int(path.parent.name)))
    out.sort(key=lambda x: (x.article.published or "", x.article.id))
    return out


def googlenews(name: str = "News.jsonl") -> list[Labelled]:
    """Titles in file order (the stream order of the MStream papers); text-only, no dates."""
    path = require(DATA / "googlenews-titles" / name)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            art = Article(id=str(d["Id"]), input=f"{name}:{d['Id']}", kind="jsonl", title=d["textCleaned"], text=d["textCleaned"])
            out.append(Labelled(art, str(d["clusterNo"])))
    return out


def embeddings(articles: list[Article], quiet: bool = False) -> np.ndarray:
    """MiniLM vectors of the articles' embedding texts, from the disk cache when present.

    The cache is keyed by the set of distinct texts, so a reordered corpus (News-T) reuses it.
    """
    texts = [embedding_text(a) for a in articles]
    distinct = sorted(set(texts))
    key = hashlib.sha256("\x1e".join(distinct).encode("utf-8")).hexdigest()[:24]
    path = CACHE / f"minilm-set-{key}.npy"
    if path.exists():
        table = np.load(path)
    else:
        from storyline.models_registry import embed

        t0 = time.perf_counter()
        table = embed(distinct)
        if not quiet:
            print(f"(embedded {len(distinct)} texts in {time.perf_counter() - t0:.1f} s; cached in {path})", file=sys.stderr)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, table)
    row = {t: i for i, t in enumerate(distinct)}
    return table[[row[t] for t in texts]]
