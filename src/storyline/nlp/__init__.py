"""Per-article language analysis (sentences, entities, quotes, quantities, times, event date)
and the two cross-article helpers the compare stage needs (entity names, story date)."""

from storyline.nlp.analyze import analyze_article, analyze_articles, analyze_doc
from storyline.nlp.dating import date_event, date_in_story, story_event_date
from storyline.nlp.entities import canonicalize_across
from storyline.nlp.types import (
    ArticleAnalysis,
    EntityMention,
    EventDate,
    QuantityInfo,
    QuoteInfo,
    SentenceInfo,
    TimeExpression,
)

__all__ = [
    "analyze_article",
    "analyze_articles",
    "analyze_doc",
    "date_event",
    "date_in_story",
    "story_event_date",
    "canonicalize_across",
    "ArticleAnalysis",
    "EntityMention",
    "EventDate",
    "QuantityInfo",
    "QuoteInfo",
    "SentenceInfo",
    "TimeExpression",
]
