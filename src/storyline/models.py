"""Frozen records that flow through the pipeline.

Every per-article stage takes and returns these plain values, so the same code
runs in-process, in a process pool or as a map step on a distributed engine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Removed:
    """A block of web debris taken out of an article, kept with why."""

    text: str
    reason: str
    line: int  # 0-based line index in the pre-cleaning text


@dataclass(frozen=True)
class RawDocument:
    """One input as read, before cleaning: what ingest hands to clean."""

    input: str  # path, URL or record id the document was read from
    kind: str  # text | markdown | html | feed-item | warc | jsonl | url
    text: str = ""  # plain text, when the input is text
    html: str = ""  # markup, when the input is a page
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    author: str | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article, ready to store."""

    id: str
    input: str
    kind: str
    title: str | None
    text: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    removed: tuple[Removed, ...] = ()
    content_hash: str = ""
    duplicate_of: str | None = None
    syndication_group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["removed"] = [asdict(r) for r in self.removed]
        return data


@dataclass(frozen=True)
class Rejection:
    """An input that could not be ingested, with a reason a user can act on."""

    input: str
    reason: str


@dataclass
class IngestResult:
    """What one ingest run did: counts a CLI can print and tests can check."""

    added: list[str] = field(default_factory=list)  # article ids
    skipped: list[str] = field(default_factory=list)  # already stored
    rejected: list[Rejection] = field(default_factory=list)
