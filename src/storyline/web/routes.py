"""Server-rendered pages on the API's read model: feed, story, article, outlet, search.

Jinja2 with autoescape on for every template; article text is turned into HTML only by
`views.render_article_text` (each segment escaped). CSS and JS are same-origin files, so
the page CSP needs no 'unsafe-inline'. No page requests anything from another origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline import __version__
from storyline.api import data
from storyline.api.app import ListFilters, ReadStore, query
from storyline.api.errors import not_found
from storyline.report.html import safe_href
from storyline.web import views

HERE = Path(__file__).resolve().parent
env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates ship with the package; no stat() per request
)
env.filters["urlseg"] = lambda v: quote(str(v or ""), safe="")
env.filters["href"] = safe_href
env.filters["pct"] = lambda v: "–" if v is None else f"{float(v):.2f}"
env.filters["day"] = lambda v: (v or "")[:10] if isinstance(v, str) else ""
env.globals["version"] = __version__
env.globals["status_labels"] = views.STATUS_LABELS

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str, fix: str) -> HTMLResponse:
    return render(request, "error.html", status=status, title=f"Error {status}", message=message, fix=fix)


def _paging(path: str, f: Any, shown: int, total: int) -> dict[str, Any]:
    return {
        "total": total, "first": f.offset + 1 if shown else 0, "last": f.offset + shown,
        "prev": f"{path}?{f.query(offset=max(0, f.offset - f.limit))}" if f.offset > 0 else None,
        "next": f"{path}?{f.query(offset=f.offset + f.limit)}" if f.offset + shown < total else None,
    }


@router.get("/", response_class=HTMLResponse)
async def feed(request: Request, store: ReadStore, f: ListFilters) -> HTMLResponse:
    items, total = await query(request, data.list_stories, f.q, f.outlet, f.date_from, f.date_to, f.limit, f.offset)
    caps = data.capabilities() if not total else {"notes": []}
    return render(request, "feed.html", title="Stories", stories=items, f=f, paging=_paging("/", f, len(items), total),
                  notes=caps["notes"], n_articles=store.count_articles() if not total else None)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(story_id: str, request: Request, store: ReadStore) -> HTMLResponse:
    story = data.get_story(store, story_id)
    if story is None:
        raise not_found("story", story_id, "the story list at / (or search at /search)")
    view = views.story_view(story)
    return render(request, "story.html", title=story.get("title") or "Story", **view)


@router.get("/articles", response_class=HTMLResponse)
async def articles_page(request: Request, f: ListFilters) -> HTMLResponse:
    items, total = await query(request, data.list_articles, f.q, f.outlet, f.date_from, f.date_to, f.limit, f.offset)
    return render(request, "articles.html", title="Articles", articles=items, f=f, paging=_paging("/articles", f, len(items), total))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(article_id: str, request: Request, store: ReadStore) -> HTMLResponse:
    article = data.get_article(store, article_id)
    if article is None:
        raise not_found("article", article_id, "the article list at /articles")
    view = views.article_view(article, article.get("outlet") or "Article", [])
    return render(request, "article.html", title=article.get("title") or "Article", a=view, article=article)


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
async def outlet_page(name: str, request: Request) -> HTMLResponse:
    profile = await query(request, data.outlet_profile, name)
    if profile is None:
        raise not_found("outlet", name, "the article list at /articles (each article names its outlet)")
    return render(request, "outlet.html", title=profile["name"], o=profile)


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    result = await query(request, data.search, q, limit, offset) if q.strip() else None
    hits = []
    for hit in (result or {}).get("articles", []):
        hits.append({**hit, "segments": views.snippet_segments(hit["snippet"], hit["snippet_marks"])})
    more = result is not None and offset + len(hits) < result["total"]
    return render(request, "search.html", title=f"Search: {q}" if q else "Search", q=q, result=result, hits=hits,
                  next=f"/search?q={quote(q)}&limit={limit}&offset={offset + limit}" if more else None)


def mount_web(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
