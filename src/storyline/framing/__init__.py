"""Framing as evidence: loaded language with marked phrases, subjectivity, sensational headlines.

    from storyline.framing import score_sentences, frame_article, outlet_profile

Models ship in `storyline/framing/data/` (provenance and metrics in `PROVENANCE.md` there) and
load once per process on first use.
"""

from storyline.framing.api import ArticleFraming, SentenceFraming, frame_article, headline_scores, outlet_profile, score_sentences
from storyline.framing.categories import CATEGORIES
from storyline.framing.model import FramingModelError
from storyline.framing.phrases import Phrase

__all__ = [
    "CATEGORIES",
    "ArticleFraming",
    "FramingModelError",
    "Phrase",
    "SentenceFraming",
    "frame_article",
    "headline_scores",
    "outlet_profile",
    "score_sentences",
]
