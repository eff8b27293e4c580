"""What per-article language analysis produces. Character offsets point into `Article.text`.

These records are the contract between `nlp/` (per-article, pure) and `compare/`
(per-story, across articles); both sides import them from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True)
class SentenceInfo:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class EntityMention:
    text: str  # as written: "President Xi Jinping"
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, EVENT, FAC, ...
    start: int
    end: int
    sentence: int
    canonical: str  # longest consistent name within the article: "Xi Jinping"
    metonym_of: str | None = None  # "Beijing" standing for "government of China"


@dataclass(frozen=True)
class QuoteInfo:
    text: str  # the quoted or reported words
    speaker: str | None  # as written ("Kremlin aide Yuri Ushakov", "the ministry")
    speaker_canonical: str | None  # resolved to a named entity's canonical name where the text allows
    start: int
    end: int
    sentence: int
    kind: Literal["direct", "reported"]
    cue: str  # said, told, according to, described ... as, colon, ...


@dataclass(frozen=True)
class QuantityInfo:
    value: float
    unit: str | None  # USD, %, people, visit, tonnes, percentage point, ...
    measure: str | None  # what it measures: "bilateral trade", "tariffs", "death toll", "visit to Russia"
    kind: Literal["money", "percent", "count", "ordinal", "rate", "other"]
    text: str
    start: int
    end: int
    sentence: int
    qualifier: str | None = None  # "about", "more than", "at least", ... (the value is then approximate or a bound)


@dataclass(frozen=True)
class TimeExpression:
    text: str
    start: int
    end: int
    sentence: int
    kind: Literal["date", "month", "year", "weekday", "relative", "anniversary", "dateline"]
    value: str | None  # ISO date, YYYY-MM or YYYY, resolved against the reference date when possible
    precision: Precision | None
    # The parts as written, so a date can be resolved later (e.g. against an inferred event year).
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    offset: int | None = None  # relative expressions: -1 for "last year", +1 for "next month"
    offset_unit: Literal["day", "week", "month", "year"] | None = None
    base_year: int | None = None  # anniversaries: the year of the event commemorated
    tense: Literal["past", "present", "future"] | None = None  # of the clause the expression sits in
    prep: str | None = None  # governing preposition: "in", "since", "from", ...
    note: str | None = None  # "holiday", "quoted", "approximate", "comparison", ...


@dataclass(frozen=True)
class EventDate:
    value: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: Precision | None
    confidence: float  # 0..1
    evidence: tuple[str, ...] = ()  # human-readable, each quoting the text it rests on
    conflicts: tuple[str, ...] = ()  # evidence that disagrees with `value`, reported not hidden

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "precision": self.precision,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
            "conflicts": list(self.conflicts),
        }


@dataclass(frozen=True)
class ArticleAnalysis:
    article_id: str
    sentences: tuple[SentenceInfo, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    quotes: tuple[QuoteInfo, ...] = ()
    quantities: tuple[QuantityInfo, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    event_date: EventDate = field(default_factory=lambda: EventDate(None, None, 0.0))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
