"""View models for the web pages: everything a template shows, computed from story documents.

Article text becomes HTML only here, through `report.textmarks.render_text`, which escapes
every segment on its own; templates autoescape everything else. Offsets that do not fit
the text are dropped, never trusted.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

from storyline.report.html import safe_href
from storyline.report.textmarks import Mark, Passage, render_text

STATUS_LABELS = {"corroborated": "corroborated", "single_source": "single source", "contested": "contested", "omitted": "omitted"}
STATUS_SYMBOLS = {"corroborated": "✔", "single_source": "●", "contested": "≠", "omitted": "–"}
_CATEGORIES = ("intensifier", "labelling", "hedge", "opinion", "sensational", "unattributed")


def anchor(article_id: str, start: int | None = None) -> str:
    return f"a-{article_id}" if start is None else f"a-{article_id}-s{start}"


def css_category(category: str) -> str:
    c = (category or "").lower()
    for key in _CATEGORIES:
        if key in c or (key == "labelling" and "name-calling" in c):
            return key
    return "loaded"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else max(0.0, min(1.0, float(value)))
    except (TypeError, ValueError):
        return None


def parse_day(value: Any) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD (a longer ISO string is cut to its date)."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    v = value[:10]
    try:
        if len(v) == 4:
            return date(int(v), 1, 1)
        if len(v) == 7:
            return date(int(v[:4]), int(v[5:7]), 1)
        return date.fromisoformat(v)
    except ValueError:
        return None


def article_labels(articles: list[dict[str, Any]]) -> dict[str, str]:
    """A short, unique column label per article: the outlet, numbered when an outlet has several."""
    counts = Counter(a.get("outlet") or "" for a in articles)
    seen: Counter[str] = Counter()
    labels = {}
    for n, a in enumerate(articles, 1):
        outlet = a.get("outlet") or ""
        if not outlet:
            labels[a["id"]] = f"Article {n}"
            continue
        seen[outlet] += 1
        labels[a["id"]] = f"{outlet} ({seen[outlet]})" if counts[outlet] > 1 else outlet
    return labels


def article_marks(article: dict[str, Any]) -> list[Mark]:
    marks = []
    for p in (article.get("framing") or {}).get("phrases") or []:
        start, end = _int(p.get("start")), _int(p.get("end"))
        if start is None or end is None:
            continue
        category = str(p.get("category") or "loaded")
        marks.append(Mark(start, end, css_category(category), category))
    return marks


def render_article_text(text: str, passages: list[Passage], marks: list[Mark]) -> tuple[Markup, set[str]]:
    """Escaped article HTML and the passage anchors it really contains."""
    rendered = render_text(text, passages, marks)
    present = {p.anchor for p in passages if f'id="{html.escape(p.anchor, quote=True)}"' in rendered}
    return Markup(rendered), present  # noqa: S704 - render_text escapes every segment itself


@dataclass
class Citation:
    label: str
    href: str


@dataclass
class ArticleView:
    id: str
    label: str
    title: str
    outlet: str | None
    published: str | None
    url: str | None
    href: str | None
    input: str | None
    duplicate_of: str | None
    html: Markup
    removed: list[dict[str, Any]]
    framing: dict[str, Any] | None
    score: float | None
    subjectivity: float | None
    headline: float | None
    phrases: list[tuple[str, str, str]]  # (text, css class, category)
    anchors: set[str] = field(default_factory=set)


def article_view(a: dict[str, Any], label: str, passages: list[Passage]) -> ArticleView:
    text = a.get("text") or ""
    marks = article_marks(a)
    rendered, present = render_article_text(text, passages, marks)
    framing = a.get("framing") if isinstance(a.get("framing"), dict) else None
    phrases: dict[tuple[str, str], str] = {}
    for m in sorted(marks, key=lambda m: m.start):
        if 0 <= m.start < m.end <= len(text):
            phrases.setdefault((text[m.start:m.end], m.title), m.css_class)
    removed = [r for r in a.get("removed") or [] if isinstance(r, dict)]
    return ArticleView(
        id=a["id"], label=label, title=a.get("title") or "(untitled)", outlet=a.get("outlet"), published=a.get("published"),
        url=a.get("url"), href=safe_href(a.get("url")), input=a.get("input"), duplicate_of=a.get("duplicate_of"),
        html=rendered, removed=removed, framing=framing,
        score=_float((framing or {}).get("score")), subjectivity=_float((framing or {}).get("subjectivity")),
        headline=_float((framing or {}).get("headline")),
        phrases=[(t, css, cat) for (t, cat), css in phrases.items()][:30], anchors=present,
    )


def _claim_passages(claims: list[dict[str, Any]]) -> dict[str, list[Passage]]:
    passages: dict[str, list[Passage]] = defaultdict(list)
    for c in claims:
        for s in c.get("sentences") or []:
            aid, start, end = s.get("article_id"), _int(s.get("start")), _int(s.get("end"))
            if isinstance(aid, str) and start is not None and end is not None:
                passages[aid].append(Passage(start, end, anchor(aid, start)))
    for aid, items in passages.items():
        unique = {p.anchor: p for p in items}
        passages[aid] = sorted(unique.values(), key=lambda p: (p.start, p.end))
    return passages


def _cite(aid: str, start: int | None, labels: dict[str, str], anchors: set[str]) -> Citation:
    target = anchor(aid, start) if start is not None and anchor(aid, start) in anchors else anchor(aid)
    return Citation(labels.get(aid, aid), f"#{target}")


def story_view(story: dict[str, Any]) -> dict[str, Any]:
    """Everything the story page shows, in display order."""
    arts = [a for a in story.get("articles") or [] if isinstance(a, dict) and isinstance(a.get("id"), str)]
    by_id = {a["id"]: a for a in arts}
    ordered = [by_id[i] for i in story.get("article_ids") or [] if i in by_id] or arts
    labels = article_labels(ordered)
    claims = [c for c in story.get("claims") or [] if isinstance(c, dict)]
    passages = _claim_passages(claims)
    views = [article_view(a, labels[a["id"]], passages.get(a["id"], [])) for a in ordered]
    anchors = set().union(*(v.anchors for v in views)) if views else set()
    claim_by_id = {c.get("id"): c for c in claims}

    def sentence_start(claim_ids: list[Any], aid: str) -> int | None:
        for cid in claim_ids:
            for s in (claim_by_id.get(cid) or {}).get("sentences") or []:
                if s.get("article_id") == aid and _int(s.get("start")) is not None:
                    return int(s["start"])
        return None

    briefing = []
    for b in story.get("briefing") or []:
        if not isinstance(b, dict):
            continue
        cids = list(b.get("claim_ids") or ([b["claim_id"]] if b.get("claim_id") else []))
        cites = [_cite(c["article_id"], _int(c.get("start")), labels, anchors) for c in b.get("citations") or []
                 if isinstance(c, dict) and isinstance(c.get("article_id"), str)]
        cited = {c.href for c in cites}
        for aid in b.get("article_ids") or []:
            if isinstance(aid, str):
                c = _cite(aid, sentence_start(cids, aid), labels, anchors)
                if c.href not in cited:
                    cites.append(c)
                    cited.add(c.href)
        briefing.append({"text": b.get("text") or "", "kind": b.get("kind"), "citations": cites})

    return {
        "story": story,
        "labels": labels,
        "articles": views,
        "briefing": briefing,
        "matrix": coverage_matrix(claims, ordered, story.get("omissions") or [], labels, anchors),
        "conflicts": conflicts_view(story.get("conflicts") or [], labels),
        "quotes": quotes_by_speaker(story.get("quotes") or [], labels),
        "timeline": timeline(story, ordered, labels),
        "framed": sorted((v for v in views if v.score is not None), key=lambda v: -(v.score or 0)),
        "event": story.get("event_date") if isinstance(story.get("event_date"), dict) else {},
    }


def coverage_matrix(claims: list[dict[str, Any]], arts: list[dict[str, Any]], omissions: list[Any],
                    labels: dict[str, str], anchors: set[str]) -> dict[str, Any]:
    omitted = {(o.get("article_id"), cid) for o in omissions if isinstance(o, dict) for cid in o.get("claim_ids") or []}
    rows = []
    for c in claims:
        members = set(c.get("article_ids") or [])
        starts = {s.get("article_id"): _int(s.get("start")) for s in c.get("sentences") or [] if isinstance(s, dict)}
        status = c.get("status") if c.get("status") in STATUS_LABELS else "single_source"
        cells = []
        for a in arts:
            if a["id"] in members:
                state = status
                href = _cite(a["id"], starts.get(a["id"]), labels, anchors).href
            elif (a["id"], c.get("id")) in omitted:
                state, href = "omitted", None
            else:
                state, href = "", None
            cells.append({"state": state, "symbol": STATUS_SYMBOLS.get(state, ""), "label": STATUS_LABELS.get(state, "not mentioned"),
                          "href": href})
        rows.append({"text": c.get("text") or "", "status": status, "status_label": STATUS_LABELS[status],
                     "sources": c.get("independent_sources"), "cells": cells})
    return {"columns": [labels[a["id"]] for a in arts], "rows": rows}


def conflicts_view(conflicts: list[Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for c in conflicts:
        if not isinstance(c, dict):
            continue
        values = [{"value": v.get("text") or v.get("value"), "unit": v.get("unit"), "quote": v.get("quote"),
                   "label": labels.get(v.get("article_id"), v.get("article_id")), "href": f"#{anchor(str(v.get('article_id')))}"}
                  for v in c.get("values") or [] if isinstance(v, dict)]
        out.append({"about": c.get("about"), "kind": c.get("kind"), "explanation": c.get("explanation"), "values": values})
    return out


def quotes_by_speaker(quotes: list[Any], labels: dict[str, str]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in quotes:
        if isinstance(q, dict) and q.get("text"):
            groups[str(q.get("speaker") or "unattributed")].append(
                {"text": q["text"], "label": labels.get(q.get("article_id"), q.get("article_id")),
                 "href": f"#{anchor(str(q.get('article_id')))}"})
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def timeline(story: dict[str, Any], arts: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any] | None:
    """Positions for an SVG timeline: articles by date, the event date, related stories joined by arcs."""
    points: list[tuple[date, str, str, str]] = []  # (day, kind, label, href)
    undated = []
    for a in arts:
        day = parse_day(a.get("published")) or parse_day((a.get("event_date") or {}).get("value"))
        if day:
            points.append((day, "article", labels[a["id"]], f"#{anchor(a['id'])}"))
        else:
            undated.append(labels[a["id"]])
    event_day = parse_day((story.get("event_date") or {}).get("value"))
    this_day = event_day or parse_day(story.get("first_seen"))
    related = []
    for r in story.get("related") or []:
        day = parse_day(r.get("date")) or parse_day(r.get("first_seen"))
        if day:
            related.append((day, r))
    days = [p[0] for p in points] + [d for d, _ in related] + ([event_day] if event_day else []) + ([this_day] if this_day else [])
    if not days:
        return {"undated": undated} if undated else None
    lo, hi = min(days), max(days)
    span = max(1, (hi - lo).days)
    width, left, right = 720, 60, 60

    def x(day: date) -> float:
        return left + (day - lo).days / span * (width - left - right) if hi != lo else width / 2

    lane = 40
    top = lane + (70 if related else 50)
    rows = [{"x": round(x(d), 1), "y": top + 22 * i, "day": d.isoformat(), "label": label, "href": href,
             "anchor": "end" if x(d) > width - 200 else "start"}
            for i, (d, _kind, label, href) in enumerate(sorted(points, key=lambda p: p[0]))]
    here = {"x": round(x(this_day), 1), "y": lane} if this_day else None
    arcs = []
    for day, r in sorted(related, key=lambda t: t[0]):
        rx = round(x(day), 1)
        arc = None
        if here:
            mid = (here["x"] + rx) / 2
            arc = f"M {here['x']} {lane} Q {mid:.1f} {lane - 30} {rx} {lane}"
        title = r.get("title") or "(untitled)"
        arcs.append({"x": rx, "y": lane, "day": day.isoformat(), "title": title,
                     "short": title if len(title) <= 40 else title[:39] + "…",
                     "anchor": "end" if rx > width - 200 else ("start" if rx < 200 else "middle"),
                     "href": f"/stories/{r['id']}", "path": arc})
    height = top + 22 * len(rows) + 10
    ticks = sorted({lo, hi})
    return {
        "width": width, "height": height, "lane": lane, "rows": rows, "here": here, "arcs": arcs,
        "event": {"x": round(x(event_day), 1), "day": event_day.isoformat(),
                  "anchor": "end" if x(event_day) > width - 150 else "start"} if event_day else None,
        "ticks": [{"x": round(x(t), 1), "day": t.isoformat()} for t in ticks], "undated": undated,
        "first": lo.isoformat(), "last": hi.isoformat(),
    }


def snippet_segments(snippet: str, marks: list[list[int]]) -> list[tuple[str, bool]]:
    """A search snippet as (text, matched) pieces, for the template to escape and mark."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted((m for m in marks if len(m) == 2), key=lambda m: m[0]):
        if start < pos or end > len(snippet):
            continue
        out.append((snippet[pos:start], False))
        out.append((snippet[start:end], True))
        pos = end
    out.append((snippet[pos:], False))
    return [(t, m) for t, m in out if t]
