"""Independent sources: which articles of a story count as one source.

Articles are one source when they are copies (`duplicate_of`), share a syndication group
(a wire story run by several outlets), or come from the same outlet. An article whose outlet
is unknown and that has no copy relation is a source of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from storyline.models import Article

__all__ = ["source_keys", "count_sources", "outlet_label"]


def _norm_outlet(outlet: str) -> str:
    o = outlet.casefold().strip()
    o = re.sub(r"^https?://", "", o)
    o = re.sub(r"^www\.", "", o)
    o = re.sub(r"^the\s+", "", o)
    return re.sub(r"[^\w]+", " ", o).strip()


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Keep the lexicographically smaller root, so keys do not depend on input order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def source_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> a key naming its independent source (equal keys = one source)."""
    uf = _UnionFind()
    for a in articles:
        node = "article:" + a.id
        uf.find(node)
        if a.duplicate_of:
            uf.union(node, "article:" + a.duplicate_of)
        if a.syndication_group:
            uf.union(node, "syndication:" + a.syndication_group)
        if a.outlet and _norm_outlet(a.outlet):
            uf.union(node, "outlet:" + _norm_outlet(a.outlet))
    return {a.id: uf.find("article:" + a.id) for a in articles}


def count_sources(article_ids: Iterable[str], keys: dict[str, str]) -> int:
    """Number of distinct independent sources among `article_ids`."""
    return len({keys.get(aid, "article:" + aid) for aid in article_ids})


def outlet_label(article: Article | None) -> str | None:
    """The outlet's name as written, or None when it is unknown."""
    if article is None or not article.outlet or not article.outlet.strip():
        return None
    return article.outlet.strip()
