"""Request and response shapes, for validation of input and for the OpenAPI document.

Responses are built as plain dicts (or served as stored JSON) for speed; these models
describe them in /openapi.json.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code, e.g. story_not_found, token_required, body_too_large.")
    message: str = Field(description="What went wrong.")
    fix: str = Field(description="What to do about it.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class ArticleIn(BaseModel):
    """One of: an article {title, text, url?, outlet?, published?}; a page {html, url?};
    a page to fetch {url}; a feed to fetch {feed_url}."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"title": "Rates held", "text": "The central bank kept rates at 4%...", "url": "https://example.org/a",
                 "outlet": "Example News", "published": "2025-05-09"},
                {"url": "https://example.org/news/article.html"},
                {"feed_url": "https://example.org/rss.xml"},
            ]
        },
    )
    title: str | None = Field(None, max_length=2000)
    text: str | None = Field(None, description="Plain article text.")
    html: str | None = Field(None, description="The article page's HTML; the text is extracted from it.")
    url: str | None = Field(None, max_length=4096, description="http(s) URL of the article (fetched when given alone).")
    feed_url: str | None = Field(None, max_length=4096, description="http(s) URL of an RSS/Atom/JSON feed to ingest.")
    outlet: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=64, description="ISO 8601 date or date-time.")
    author: str | None = Field(None, max_length=500)


class JobOut(BaseModel):
    id: str
    kind: str
    input: str
    state: str = Field(description="queued | running | done | failed")
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    result: dict[str, Any] | None = Field(None, description="{added, skipped, rejected: [{input, reason}]}")
    stories: dict[str, Any] | None = Field(None, description="Story documents rebuilt after ingestion.")
    error: dict[str, str] | None = None


class JobAccepted(BaseModel):
    job: JobOut
    links: dict[str, str]


class StorySummary(BaseModel):
    id: str
    title: str | None
    date: str | None = Field(description="Event date, else first seen (ISO).")
    first_seen: str | None
    last_seen: str | None
    n_articles: int
    independent_sources: int | None
    n_claims: int
    n_corroborated: int
    n_contested: int = Field(description="Contested claims plus conflicting figures: how contested the story is.")
    outlets: list[str | None]


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    next: str | None = Field(description="Path of the next page, or null.")


class StoryList(Page):
    items: list[StorySummary]


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    duplicate_of: str | None
    syndication_group: str | None
    story_id: str | None


class ArticleList(Page):
    items: list[ArticleSummary]


class StoryDocument(BaseModel):
    """A story in the report.json shape (see the report schema, $defs/story) plus `articles`."""

    model_config = ConfigDict(extra="allow")
    id: str
    title: str | None
    article_ids: list[str]


class ArticleOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    title: str | None
    text: str
    removed: list[dict[str, Any]]
    story_id: str | None
    framing: dict[str, Any] | None


class SearchHit(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    story_id: str | None
    snippet: str = Field(description="Plain text around the match.")
    snippet_marks: list[list[int]] = Field(description="[start, end) offsets of the matched words in `snippet`.")


class SearchResult(BaseModel):
    query: str
    total: int
    articles: list[SearchHit]
    stories: list[dict[str, Any]]


class Health(BaseModel):
    status: str
    version: str
    articles: int
    stories: int
    capabilities: dict[str, Any]
    ingestion: dict[str, int]
