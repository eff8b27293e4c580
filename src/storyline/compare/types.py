"""What cross-source comparison produces for one story: claims, conflicts, omissions, briefing.

`StoryAnalysis.to_dict()` gives the story fields of the report contract (see
`storyline/schema/report.schema.json`, `$defs/story`). Every field that points at an article
uses the article id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from storyline.nlp.types import EventDate

Status = Literal["corroborated", "single_source", "contested"]
ConflictKind = Literal["update", "contradiction", "unclear"]


@dataclass(frozen=True)
class ClaimSentence:
    """One article's wording of a claim; offsets point into that article's text."""

    article_id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Claim:
    id: str
    text: str  # the representative (most neutral, most central) wording
    article_ids: tuple[str, ...]
    independent_sources: int
    status: Status
    sentences: tuple[ClaimSentence, ...]
    conflict_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "article_ids": list(self.article_ids),
            "independent_sources": self.independent_sources,
            "status": self.status,
            "sentences": [s.to_dict() for s in self.sentences],
            "conflict_ids": list(self.conflict_ids),
        }


@dataclass(frozen=True)
class ConflictValue:
    value: float | str  # a number (in the unit of `unit`), or an ISO date for date conflicts
    article_id: str
    quote: str  # the sentence that states the value
    text: str = ""  # the value as written ("8,000 tonnes")
    unit: str | None = None
    phrase: str = ""  # the words around the value in `quote` ("rose to 15 on Wednesday")

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "article_id": self.article_id, "quote": self.quote, "text": self.text, "unit": self.unit,
                "phrase": self.phrase}


@dataclass(frozen=True)
class Conflict:
    id: str
    about: str
    values: tuple[ConflictValue, ...]
    kind: ConflictKind
    explanation: str
    claim_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "about": self.about,
            "values": [v.to_dict() for v in self.values],
            "kind": self.kind,
            "explanation": self.explanation,
            "claim_ids": list(self.claim_ids),
        }


@dataclass(frozen=True)
class Omission:
    article_id: str
    claim_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "claim_ids": list(self.claim_ids)}


@dataclass(frozen=True)
class BriefingSentence:
    text: str
    article_ids: tuple[str, ...]  # never empty
    kind: Literal["corroborated", "conflict", "single_source"] = "corroborated"
    claim_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "article_ids": list(self.article_ids), "kind": self.kind, "claim_ids": list(self.claim_ids)}


@dataclass(frozen=True)
class StoryAnalysis:
    event_date: EventDate
    event_date_outliers: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    quotes: tuple[dict[str, Any], ...] = ()  # {speaker, text, article_id}
    entities: tuple[dict[str, Any], ...] = ()  # {name, type, article_ids}
    quantities: tuple[dict[str, Any], ...] = ()  # {value, unit, measure, text, article_id}
    omissions: tuple[Omission, ...] = ()
    briefing: tuple[BriefingSentence, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_date": {**self.event_date.to_dict(), "outliers": list(self.event_date_outliers)},
            "claims": [c.to_dict() for c in self.claims],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "quotes": [dict(q) for q in self.quotes],
            "entities": [dict(e) for e in self.entities],
            "quantities": [dict(q) for q in self.quantities],
            "omissions": [o.to_dict() for o in self.omissions],
            "briefing": [b.to_dict() for b in self.briefing],
        }
