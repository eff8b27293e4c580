"""Omissions: the corroborated claims of a story that an article does not mention.

An article mentions a claim when it is among the claim's articles, when it gives its own
value for a figure the claim is contested on, or when one of its sentences is similar enough
to one of the claim's sentences (MiniLM cosine at least `threshold`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storyline.compare.claims import StoryUnits
from storyline.compare.types import Claim, Omission
from storyline.models import Article

__all__ = ["OMISSION_THRESHOLD", "find_omissions"]

OMISSION_THRESHOLD = 0.65  # tuned on the dev events of bench/data/compare_gold


def find_omissions(
    articles: Sequence[Article],
    claims: Sequence[tuple[Claim, Sequence[int]]],
    su: StoryUnits,
    conflict_articles: Mapping[str, set[str]] | None = None,
    threshold: float = OMISSION_THRESHOLD,
) -> list[Omission]:
    """One Omission per article (possibly with no claim ids), in article order.

    `conflict_articles`: claim id -> articles that state a value of a conflict the claim is in.
    """
    conflict_articles = conflict_articles or {}
    sim = su.sim()
    out: list[Omission] = []
    for a in articles:
        own = su.by_article.get(a.id, [])
        missing: list[str] = []
        for claim, units in claims:
            if claim.independent_sources < 2 or claim.status == "single_source":
                continue
            if a.id in claim.article_ids or a.id in conflict_articles.get(claim.id, set()):
                continue
            best = float(np.max(sim[np.ix_(list(units), own)])) if own and units else 0.0
            if best < threshold:
                missing.append(claim.id)
        out.append(Omission(article_id=a.id, claim_ids=tuple(missing)))
    return out
