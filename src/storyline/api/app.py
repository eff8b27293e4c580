"""The FastAPI application: JSON API under /api/, the web UI on the same read model.

`create_app(db_path, token_file=None, ...)` builds it; `storyline.api.server.serve` runs it.
Reads are public (the server binds to loopback by default); writes need the bearer token
kept in `token_file` (default: `<db>.token`, created at first start with mode 0600).
"""

from __future__ import annotations

import logging
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

import anyio
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from storyline import __version__
from storyline.api import data
from storyline.api.errors import ApiError, error_body, not_found
from storyline.api.jobs import IngestRequest, IngestWorker, QueueFull
from storyline.api.schemas import (
    DATE_PATTERN,
    ArticleIn,
    ArticleList,
    ArticleOut,
    ErrorBody,
    Health,
    JobAccepted,
    JobOut,
    SearchResult,
    StoryDocument,
    StoryList,
)
from storyline.api.security import (
    DEFAULT_MAX_BODY,
    BodyLimitMiddleware,
    HostCheckMiddleware,
    SecurityHeadersMiddleware,
    check_bearer,
    default_token_file,
    is_loopback,
    load_or_create_token,
    loopback_hosts,
)
from storyline.config import Settings, from_env
from storyline.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
QUERY_THREADS = 4
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?$")


# -- configuration and per-thread read connections ---------------------------------------

@dataclass
class ApiConfig:
    db_path: str
    token_file: Path
    token: str = field(repr=False)
    max_body_bytes: int
    allowed_hosts: set[str] | None


class StorePool:
    """One read-only Store per thread. Read endpoints are `async` and run on the event loop, so in
    practice this is one connection; thread-local keeps it safe if a handler moves to a thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Store] = []

    def get(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path)
            store.conn.execute("PRAGMA query_only = ON")
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            stores, self._all = self._all, []
        for s in stores:
            try:
                s.close()
            except Exception:  # closing at shutdown must not raise
                log.debug("closing a read connection failed", exc_info=True)


class StoryJsonFastPath:
    """GET /api/stories/{id} for stored stories, answered without the framework's routing and
    dependency machinery: the most requested read is one indexed lookup of stored JSON. Anything
    else (unknown ids, other methods, errors) falls through to the FastAPI route, which is also
    what /openapi.json documents. Security headers, the Host check and the body limit wrap both."""

    PREFIX = "/api/stories/"

    def __init__(self, app: ASGIApp, stores: StorePool) -> None:
        self.app = app
        self.stores = stores

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(self.PREFIX):
            story_id = scope["path"][len(self.PREFIX):]
            if story_id and "/" not in story_id:
                try:
                    text = data.get_story_json(self.stores.get(), story_id)
                except Exception:  # let the regular route raise and report it
                    text = None
                if text is not None:
                    body = text.encode("utf-8")
                    await send({"type": "http.response.start", "status": 200, "headers": [
                        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


class StorylineApp(FastAPI):
    """FastAPI with our middlewares outermost, so even 500 responses get the security headers."""

    security_stack: tuple[int, set[str] | None] = (DEFAULT_MAX_BODY, None)

    def build_middleware_stack(self) -> ASGIApp:
        max_body, allowed = self.security_stack
        inner = StoryJsonFastPath(super().build_middleware_stack(), self.state.stores)
        return SecurityHeadersMiddleware(HostCheckMiddleware(BodyLimitMiddleware(inner, max_body), allowed))

    def close(self) -> None:
        """Stop the ingestion worker and close the read connections (also run at shutdown). Idempotent."""
        if getattr(self.state, "closed", False):
            return
        self.state.closed = True
        self.state.worker.stop()
        self.state.stores.close()


# -- dependencies ---------------------------------------------------------------------

async def read_store(request: Request) -> Store:
    return request.app.state.stores.get()  # type: ignore[no-any-return]


@dataclass
class Filters:
    q: str | None
    outlet: str | None
    date_from: str | None
    date_to: str | None
    limit: int
    offset: int

    def query(self, **changes: Any) -> str:
        params = {"q": self.q, "outlet": self.outlet, "from": self.date_from, "to": self.date_to,
                  "limit": self.limit, "offset": self.offset}
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


async def list_filters(
    q: Annotated[str | None, Query(max_length=500, description="Full-text query over article titles and texts.")] = None,
    outlet: Annotated[str | None, Query(max_length=300, description="Only items from this outlet.")] = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="Earliest date, YYYY[-MM[-DD]].")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="Latest date, YYYY[-MM[-DD]] (inclusive).")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Filters:
    return Filters(q or None, outlet or None, date_from, date_to, limit, offset)


async def query(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run a read that may scan many rows (search, filtered lists, outlet profiles) in a worker
    thread with its own connection: SQLite releases the GIL while it works, so one slow query
    does not hold up the requests behind it. At most QUERY_THREADS run at once."""
    state = request.app.state
    if getattr(state, "query_limiter", None) is None:
        state.query_limiter = anyio.CapacityLimiter(QUERY_THREADS)
    pool: StorePool = state.stores
    return await anyio.to_thread.run_sync(lambda: fn(pool.get(), *args), limiter=state.query_limiter)


ReadStore = Annotated[Store, Depends(read_store)]
ListFilters = Annotated[Filters, Depends(list_filters)]


async def require_token(request: Request) -> None:
    config: ApiConfig = request.app.state.config
    check_bearer(request.headers.get("authorization"), config.token, config.token_file)


# -- API routes -----------------------------------------------------------------------

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody}, 404: {"model": ErrorBody}, 413: {"model": ErrorBody},
    421: {"model": ErrorBody}, 422: {"model": ErrorBody},
}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {**_ERRORS, 401: {"model": ErrorBody}, 403: {"model": ErrorBody},
                                                  503: {"model": ErrorBody}}

api = APIRouter(prefix="/api", responses=_ERRORS)


def _page(path: str, items: list[dict[str, Any]], total: int, f: Filters) -> dict[str, Any]:
    more = f.offset + len(items) < total
    return {"items": items, "total": total, "limit": f.limit, "offset": f.offset,
            "next": f"{path}?{f.query(offset=f.offset + f.limit)}" if more else None}


@api.get("/health", response_model=Health, summary="Server status, counts and installed capabilities")
async def health(request: Request, store: ReadStore) -> JSONResponse:
    return JSONResponse({
        "status": "ok",
        "version": __version__,
        "articles": store.count_articles(),
        "stories": data.count_stories(store),
        "capabilities": data.capabilities(),
        "ingestion": request.app.state.worker.status(),
    })


@api.get("/stories", response_model=StoryList, summary="Stories, newest first, with paging and filters")
async def stories(request: Request, f: ListFilters) -> JSONResponse:
    items, total = await query(request, data.list_stories, f.q, f.outlet, f.date_from, f.date_to, f.limit, f.offset)
    return JSONResponse(_page("/api/stories", items, total, f))


@api.get("/stories/{story_id}", response_model=StoryDocument, summary="One story: claims, conflicts, quotes, briefing, articles")
async def story(story_id: str, request: Request) -> Response:
    text = data.get_story_json(request.app.state.stores.get(), story_id)  # the hot path: one indexed read
    if text is None:
        raise not_found("story", story_id, "GET /api/stories (or search with GET /api/search?q=...)")
    return Response(content=text.encode("utf-8"), media_type="application/json")


@api.get("/articles", response_model=ArticleList, summary="Articles, most recently published first, with paging and filters")
async def articles(request: Request, f: ListFilters) -> JSONResponse:
    items, total = await query(request, data.list_articles, f.q, f.outlet, f.date_from, f.date_to, f.limit, f.offset)
    return JSONResponse(_page("/api/articles", items, total, f))


@api.get("/articles/{article_id}", response_model=ArticleOut, summary="One article with removed debris, story and framing")
async def article(article_id: str, store: ReadStore) -> JSONResponse:
    item = data.get_article(store, article_id)
    if item is None:
        raise not_found("article", article_id, "GET /api/articles")
    return JSONResponse(item)


@api.get("/outlets/{name:path}", summary="What is stored from one outlet, with its framing profile when available")
async def outlet(name: str, request: Request) -> JSONResponse:
    profile = await query(request, data.outlet_profile, name)
    if profile is None:
        raise not_found("outlet", name, "GET /api/articles (each article names its outlet)")
    return JSONResponse(profile)


@api.get("/search", response_model=SearchResult, summary="Full-text search over article titles and texts")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find (all must occur).")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    if data.fts_query(q) is None:
        raise ApiError(422, "query_empty", "The query has no words to search for.", "Pass words, e.g. /api/search?q=power+of+siberia.")
    return JSONResponse(await query(request, data.search, q, limit, offset))


def _http_url(value: str, field_name: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiError(422, "bad_url", f"'{field_name}' must be an absolute http:// or https:// URL.",
                       "Give the full address, e.g. https://example.org/news/story.html.")
    return value.strip()


def ingest_request(body: ArticleIn) -> IngestRequest:
    """Which of the four body shapes this is, validated, as an IngestRequest."""
    fix = ("Send one of: {title, text, url?, outlet?, published?}; {html, url?}; {url} to fetch a page; "
           "{feed_url} to fetch a feed.")
    if body.published is not None and not _ISO_DATE.match(body.published):
        raise ApiError(422, "bad_date", "'published' must be an ISO 8601 date or date-time.", "Use e.g. 2025-05-09 or 2025-05-09T10:00:00Z.")
    url = _http_url(body.url, "url") if body.url else None
    common = {"title": body.title, "outlet": body.outlet, "published": body.published, "author": body.author}
    if body.feed_url is not None:
        if body.text or body.html or body.url:
            raise ApiError(422, "ambiguous_body", "'feed_url' cannot be combined with text, html or url.", fix)
        return IngestRequest(kind="feed", url=_http_url(body.feed_url, "feed_url"), outlet=body.outlet)
    if body.text is not None and body.html is not None:
        raise ApiError(422, "ambiguous_body", "Give either 'text' or 'html', not both.", fix)
    if body.text is not None:
        if not body.text.strip():
            raise ApiError(422, "empty_text", "'text' is empty.", "Send the article's text.")
        return IngestRequest(kind="article", text=body.text, url=url, **common)
    if body.html is not None:
        return IngestRequest(kind="html", html=body.html, url=url, **common)
    if url is not None:
        return IngestRequest(kind="url", url=url, outlet=body.outlet)
    raise ApiError(422, "empty_body", "The body names nothing to ingest.", fix)


@api.post("/articles", status_code=202, response_model=JobAccepted, responses=_WRITE_ERRORS,
          dependencies=[Depends(require_token)],
          summary="Queue an article, page, URL or feed for ingestion (needs the bearer token)")
async def post_article(body: ArticleIn, request: Request) -> JSONResponse:
    ingest = ingest_request(body)
    try:
        job = request.app.state.worker.submit(ingest)
    except QueueFull as exc:
        raise ApiError(503, "queue_full", f"The ingestion queue is full ({exc}).", "Retry after the running jobs finish "
                       "(see GET /api/health), or ingest large batches with `storyline ingest`.", {"Retry-After": "5"}) from exc
    location = f"/api/jobs/{job.id}"
    return JSONResponse({"job": job.to_dict(), "links": {"job": location}}, status_code=202, headers={"Location": location})


@api.get("/jobs/{job_id}", response_model=JobOut, responses=_WRITE_ERRORS, dependencies=[Depends(require_token)],
         summary="Status of an ingestion job (needs the bearer token)")
async def job_status(job_id: str, request: Request) -> JSONResponse:
    job = request.app.state.worker.get(job_id)
    if job is None:
        raise ApiError(404, "job_not_found", f"No ingestion job with id {job_id[:40]!r}.",
                       "Use the id returned by POST /api/articles; the server keeps the last 1,000 jobs until it restarts.")
    return JSONResponse(job.to_dict())


# -- errors ---------------------------------------------------------------------------

def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, code: str, message: str, fix: str, headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(code, message, fix), status_code=status, headers=headers)
    from storyline.web.routes import error_page

    return error_page(request, status, message, fix)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) + "."


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.code, exc.message, exc.fix, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, "invalid_request", _validation_message(exc),
                      "Check the parameters against /openapi.json (dates are YYYY-MM-DD, limit is 1-200).")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error(request, 404, "not_found", f"There is nothing at {request.url.path[:200]!r}.",
                          "The API lives under /api/ (see /openapi.json); the web pages are /, /articles and /search.")
        if exc.status_code == 405:
            return _error(request, 405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path[:200]!r}.",
                          "See /openapi.json for the methods of each path.", dict(exc.headers or {}))
        return _error(request, exc.status_code, "http_error", str(exc.detail), "Check the request against /openapi.json.")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "The server hit an unexpected error.",
                                       "Retry; if it persists, report it with the server log."), status_code=500)


# -- factory --------------------------------------------------------------------------

def create_app(
    db_path: str | Path,
    token_file: str | Path | None = None,
    *,
    allow_private: bool = False,
    host: str = "127.0.0.1",
    port: int = 8000,
    allowed_hosts: set[str] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    settings: Settings | None = None,
    refresh_stories: bool = True,
    ingest_isolation: str = "process",
) -> StorylineApp:
    """Build the app on database `db_path`.

    `host`/`port` are where the server listens: while that is a loopback address, only
    loopback Host headers with that port are answered (unless `allowed_hosts` is given).
    `allow_private` lets URL and feed ingestion fetch from private networks.
    `ingest_isolation="process"` runs ingestion jobs in a child process (see `api.jobs`).
    """
    db = str(db_path)
    Store(db).close()  # create or migrate the database before serving
    tfile = Path(token_file) if token_file else default_token_file(db)
    config = ApiConfig(db_path=db, token_file=tfile, token=load_or_create_token(tfile),
                       max_body_bytes=max_body_bytes,
                       allowed_hosts=allowed_hosts if allowed_hosts is not None else (loopback_hosts(port) if is_loopback(host) else None))
    if config.allowed_hosts is None:
        log.warning("bound to %s: Host headers are not checked; reads are open to anyone who can reach the port", host)
    base = settings or from_env(Settings(db=db))
    if allow_private:
        from dataclasses import replace

        base = replace(base, allow_private=True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.close()  # type: ignore[attr-defined]

    app = StorylineApp(
        title="Storyline",
        version=__version__,
        description="Multi-source news analysis: stories, claims and their sources, conflicts, quotes, framing. "
        "Reads are open; POST /api/articles and GET /api/jobs/{id} need `Authorization: Bearer <token>` "
        "with the token from the server's token file.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan,
        # Local, private operation: no OpenTelemetry traces, metrics or logs, whatever the environment says.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False, "auto_configure": False},
    )
    app.security_stack = (max_body_bytes, config.allowed_hosts)
    app.state.config = config
    app.state.stores = StorePool(db)
    app.state.worker = IngestWorker(db, base, refresh_stories=refresh_stories, isolation=ingest_isolation)
    _install_error_handlers(app)
    app.include_router(api)
    from storyline.web.routes import mount_web

    mount_web(app)
    return app
