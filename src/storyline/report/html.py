"""Self-contained HTML report: inline CSS/JS/SVG, a strict CSP, every value escaped.

The page works offline and makes no request of any kind: no fonts, images, scripts or
styles from elsewhere. Links to articles are shown only for http(s) URLs.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any
from urllib.parse import urlsplit

from storyline.report.textmarks import Mark, Passage, render_text

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; connect-src 'none'"

_CSS = """
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#dadce0;--corr:#1e7d32;--single:#b26a00;--cont:#b3261e;--omit:#9aa0a6}
*{box-sizing:border-box} body{font:16px/1.55 system-ui,-apple-system,Segoe UI,sans-serif;max-width:64rem;margin:0 auto;padding:1rem;color:var(--ink)}
h1,h2,h3,h4{line-height:1.25} h2{margin-top:2.5rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0} td,th{border-bottom:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
code{font-size:.85em;background:#f1f3f4;padding:0 .2em;border-radius:3px} .muted{color:var(--muted);font-size:.9rem}
.badge{display:inline-block;border-radius:9px;padding:0 .5em;font-size:.8rem;color:#fff} .corroborated{background:var(--corr)} .single_source{background:var(--single)} .contested{background:var(--cont)} .omitted{background:var(--omit)}
.matrix td.cell{text-align:center;font-weight:bold} .matrix td.c-corroborated{color:var(--corr)} .matrix td.c-single_source{color:var(--single)} .matrix td.c-contested{color:var(--cont)} .matrix td.c-omitted{color:var(--omit)}
.briefing li{margin:.35rem 0} .cite{font-size:.8rem;vertical-align:super;text-decoration:none;margin-left:.15em}
article.doc{border-top:1px solid var(--line);margin-top:1.5rem;padding-top:.5rem}
mark{background:#ffe08a;padding:0 .1em;border-radius:2px} mark.intensifier{background:#ffd0a8} mark.labelling{background:#f8b4b4} mark.hedge{background:#d7e3fc} mark.opinion{background:#e6d4f7} mark.sensational{background:#ffb3b3} mark.unattributed{background:#d9f2d9}
.passage:target,.passage.flash{outline:3px solid #1a73e8;background:#e8f0fe}
.removed li{color:#8a4b00} details{margin:.4rem 0} summary{cursor:pointer}
.scorebar{display:inline-block;height:.6rem;background:var(--cont);border-radius:3px;vertical-align:middle}
svg.timeline{width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
@media (max-width:640px){body{font-size:15px;padding:.5rem} table{display:block;overflow-x:auto}}
@media print{details{display:block} details>summary{display:none} a{color:inherit;text-decoration:none} h2{page-break-before:always}}
"""

# Clicking a citation highlights the passage even when the browser keeps the same hash.
_JS = """
document.addEventListener('click',function(e){var a=e.target.closest('a.cite');if(!a)return;
var el=document.getElementById(a.getAttribute('href').slice(1));if(!el)return;
var d=el.closest('details');if(d)d.open=true;el.classList.remove('flash');void el.offsetWidth;el.classList.add('flash');});
"""


def safe_href(url: str | None) -> str | None:
    """Only absolute http(s) links; anything else (javascript:, data:, relative) is shown as text."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc and not any(c in url for c in "\"'<> \n\t") else None


def _link(url: str | None) -> str:
    href = safe_href(url)
    if href:
        return f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer nofollow">{escape(href)}</a>'
    return escape(url or "")


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def render_html(report: dict[str, Any]) -> str:
    articles = {a["id"]: a for a in report["articles"]}
    stories = report.get("stories") or []
    overview = _stories_overview(stories) if stories else ""
    in_story = {aid for s in stories for aid in s["article_ids"]}
    story_html = "".join(_story_html(s, articles, i) for i, s in enumerate(stories, 1))
    loose = [a for a in report["articles"] if a["id"] not in in_story]
    loose_html = ""
    if loose:
        loose_html = "<h2>Articles</h2>" + _articles_table(loose) + "".join(_article_html(a, [], []) for a in loose)
    outlets_html = _outlets_html(report.get("outlets") or [])
    rejected = "".join(f"<li><code>{_e(r['input'])}</code>: {_e(r['reason'])}</li>" for r in report["rejected"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(CSP, quote=True)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Storyline report</title><style>{_CSS}</style></head>
<body><header><h1>Storyline report</h1>
<p class="muted">Generated {_e(report["generated_at"])} · schema {_e(report["schema_version"])} ·
{len(report["articles"])} articles · {len(stories)} stories · {len(report["rejected"])} rejected inputs</p></header>
<main>{overview}{story_html}{loose_html}{outlets_html}
<h2 id="rejected">Rejected inputs</h2><ul>{rejected or "<li>none</li>"}</ul></main>
<script>{_JS}</script>
</body></html>
"""


def _stories_overview(stories: list[dict[str, Any]]) -> str:
    rows = []
    for i, s in enumerate(stories, 1):
        claims = s.get("claims") or []
        contested = sum(c.get("status") == "contested" for c in claims) + len(s.get("conflicts") or [])
        date = (s.get("event_date") or {}).get("value") or s.get("first_seen") or "undated"
        rows.append(
            f'<tr><td><a href="#story-{_e(s["id"])}">{i}. {_e(s.get("title") or "(untitled)")}</a></td>'
            f'<td>{len(s["article_ids"])}</td><td>{_e(s.get("independent_sources"))}</td>'
            f'<td>{_e(", ".join(o or "unknown" for o in s.get("outlets") or []))}</td><td>{_e(date)}</td><td>{contested}</td></tr>'
        )
    return (
        '<h2 id="stories">Stories</h2><table><thead><tr><th>story</th><th>articles</th><th>independent sources</th>'
        f'<th>outlets</th><th>date</th><th>contested</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _source_label(a: dict[str, Any], index: int) -> str:
    return a.get("outlet") or f"Article {index}"


def _story_html(s: dict[str, Any], articles: dict[str, dict[str, Any]], number: int) -> str:
    arts = [articles[i] for i in s["article_ids"] if i in articles]
    labels = {a["id"]: _source_label(a, n) for n, a in enumerate(arts, 1)}
    claims = s.get("claims") or []
    passages: dict[str, list[Passage]] = defaultdict(list)
    for c in claims:
        for sent in c.get("sentences") or []:
            passages[sent["article_id"]].append(Passage(sent["start"], sent["end"], _anchor(sent["article_id"], sent["start"])))
    claim_by_id = {c["id"]: c for c in claims}
    ev = s.get("event_date") or {}
    date_line = ""
    if ev.get("value"):
        evidence = "".join(f"<li>{_e(x)}</li>" for x in ev.get("evidence") or [])
        conflicts = "".join(f"<li>{_e(x)}</li>" for x in ev.get("conflicts") or [])
        outliers = ", ".join(labels.get(o, o) for o in ev.get("outliers") or [])
        date_line = (
            f'<p><strong>When:</strong> {_e(ev["value"])} ({_e(ev.get("precision"))}, confidence {_e(ev.get("confidence"))})'
            + (f" · outliers: {_e(outliers)}" if outliers else "")
            + f"</p><details><summary>Date evidence</summary><ul>{evidence}</ul>"
            + (f"<p>Conflicting evidence:</p><ul>{conflicts}</ul>" if conflicts else "")
            + "</details>"
        )
    related = s.get("related_story_ids") or []
    related_html = (
        "<p><strong>Related stories (arc):</strong> " + ", ".join(f'<a href="#story-{_e(r)}">{_e(r)}</a>' for r in related) + "</p>"
        if related else ""
    )
    body = [
        f'<section class="story" id="story-{_e(s["id"])}"><h2>{number}. {_e(s.get("title") or "(untitled)")}</h2>',
        f'<p class="muted">Story <code>{_e(s["id"])}</code> · {len(arts)} articles from {_e(s.get("independent_sources"))} independent sources · '
        f'{_e(s.get("first_seen") or "")} – {_e(s.get("last_seen") or "")}</p>',
        date_line,
        related_html,
        _briefing_html(s.get("briefing") or [], claim_by_id, labels),
        _matrix_html(claims, arts, labels, s.get("omissions") or []),
        _conflicts_html(s.get("conflicts") or [], labels),
        _timeline_svg(arts, labels),
        _quotes_html(s.get("quotes") or [], labels),
        _framing_html(arts, labels),
        "<h3>Articles</h3>",
        "".join(_article_html(a, passages.get(a["id"], []), _marks(a), labels.get(a["id"])) for a in arts),
        "</section>",
    ]
    return "".join(body)


def _anchor(article_id: str, start: int) -> str:
    return f"a-{article_id}-s{start}"


def _citations(item: dict[str, Any], claim_by_id: dict[str, dict[str, Any]], labels: dict[str, str]) -> str:
    """Links to the cited passages: explicit citations, else the claim's sentences, else the article."""
    targets: list[tuple[str, str]] = []
    for c in item.get("citations") or []:
        targets.append((c["article_id"], _anchor(c["article_id"], c["start"])))
    if not targets and item.get("claim_id") in claim_by_id:
        targets = [(x["article_id"], _anchor(x["article_id"], x["start"])) for x in claim_by_id[item["claim_id"]].get("sentences") or []]
    cited = {aid for aid, _ in targets}
    targets += [(aid, f"a-{aid}") for aid in item.get("article_ids") or [] if aid not in cited]
    return "".join(
        f'<a class="cite" href="#{escape(anchor, quote=True)}" title="{escape(labels.get(aid, aid), quote=True)}">[{_e(labels.get(aid, aid))}]</a>'
        for aid, anchor in targets
    )


def _briefing_html(briefing: list[dict[str, Any]], claim_by_id: dict[str, dict[str, Any]], labels: dict[str, str]) -> str:
    if not briefing:
        return ""
    items = "".join(f"<li>{_e(b['text'])}{_citations(b, claim_by_id, labels)}</li>" for b in briefing)
    return f'<h3>Briefing</h3><ol class="briefing">{items}</ol>'


def _matrix_html(claims: list[dict[str, Any]], arts: list[dict[str, Any]], labels: dict[str, str], omissions: list[dict[str, Any]]) -> str:
    if not claims:
        return ""
    omitted = {(o["article_id"], cid) for o in omissions for cid in o.get("claim_ids") or []}
    head = "".join(f"<th>{_e(labels[a['id']])}</th>" for a in arts)
    rows = []
    symbols = {"corroborated": "✔", "single_source": "●", "contested": "≠", "omitted": "–"}
    for c in claims:
        cells = []
        for a in arts:
            if a["id"] in c.get("article_ids", []):
                state = c.get("status", "single_source")
            elif (a["id"], c["id"]) in omitted:
                state = "omitted"
            else:
                cells.append('<td class="cell"></td>')
                continue
            cells.append(f'<td class="cell c-{state}" title="{escape(state.replace("_", " "), quote=True)}">{symbols.get(state, "?")}</td>')
        status = c.get("status", "")
        rows.append(
            f'<tr><td>{_e(c["text"])} <span class="badge {escape(status, quote=True)}">{_e(status.replace("_", " "))}</span> '
            f'<span class="muted">{_e(c.get("independent_sources"))} src</span></td>{"".join(cells)}</tr>'
        )
    legend = "✔ corroborated · ● single source · ≠ contested · – omitted (corroborated elsewhere, not in this article)"
    return f'<h3>Coverage: claims × outlets</h3><p class="muted">{legend}</p><table class="matrix"><thead><tr><th>claim</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _conflicts_html(conflicts: list[dict[str, Any]], labels: dict[str, str]) -> str:
    if not conflicts:
        return ""
    blocks = []
    for c in conflicts:
        values = "".join(
            f'<tr><td><strong>{_e(v.get("value"))}</strong></td><td><a class="cite" href="#a-{_e(v["article_id"])}">[{_e(labels.get(v["article_id"], v["article_id"]))}]</a></td><td>{_e(v.get("quote"))}</td></tr>'
            for v in c.get("values") or []
        )
        blocks.append(
            f'<h4>{_e(c.get("about"))} <span class="badge contested">{_e(c.get("kind"))}</span></h4>'
            f'<p class="muted">{_e(c.get("explanation"))}</p><table><tbody>{values}</tbody></table>'
        )
    return "<h3>Conflicting figures</h3>" + "".join(blocks)


def _timeline_svg(arts: list[dict[str, Any]], labels: dict[str, str]) -> str:
    """Articles placed by date (published, else event date); undated ones listed under the axis."""
    dated = []
    for a in arts:
        d = (a.get("published") or (a.get("event_date") or {}).get("value") or "")[:10]
        if len(d) >= 4:
            dated.append((d, a))
    if not dated:
        return ""
    dated.sort(key=lambda x: x[0])
    width, row = 640, 22
    first, last = dated[0][0], dated[-1][0]
    keys = sorted({d for d, _ in dated})
    xs = {d: 40 + (i * (width - 80) / max(1, len(keys) - 1)) for i, d in enumerate(keys)}
    items = []
    for n, (d, a) in enumerate(dated):
        x, y = xs[d], 30 + n * row
        # labels of points in the right half run leftwards, so they stay inside the box
        label_x, anchor = (x + 8, "start") if x <= width / 2 else (x - 8, "end")
        items.append(
            f'<circle cx="{x:.0f}" cy="{y}" r="5" fill="#1a73e8"></circle>'
            f'<text x="{label_x:.0f}" y="{y + 4}" font-size="11" text-anchor="{anchor}">{_e(d)} · {_e(labels.get(a["id"], a["id"]))}</text>'
        )
    height = 40 + len(dated) * row
    return (
        f'<h3>Timeline</h3><svg class="timeline" viewBox="0 0 {width} {height}" role="img" aria-label="Timeline from {_e(first)} to {_e(last)}">'
        f'<line x1="30" y1="15" x2="{width - 30}" y2="15" stroke="#999"></line>{"".join(items)}</svg>'
    )


def _quotes_html(quotes: list[dict[str, Any]], labels: dict[str, str]) -> str:
    if not quotes:
        return ""
    by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in quotes:
        by_speaker[q.get("speaker") or "unattributed"].append(q)
    blocks = []
    for speaker, qs in sorted(by_speaker.items(), key=lambda kv: -len(kv[1])):
        items = "".join(
            f'<li>“{_e(q["text"])}” <a class="cite" href="#a-{_e(q["article_id"])}">[{_e(labels.get(q["article_id"], q["article_id"]))}]</a></li>' for q in qs
        )
        blocks.append(f"<h4>{_e(speaker)}</h4><ul>{items}</ul>")
    return "<h3>Who says what</h3>" + "".join(blocks)


def _score(value: Any) -> str:
    """A 0..1 score with two decimals, or a dash when it was not measured (e.g. no headline)."""
    return "–" if value is None else f"{float(value):.2f}"


def _framing_html(arts: list[dict[str, Any]], labels: dict[str, str]) -> str:
    framed = [a for a in arts if a.get("framing")]
    if not framed:
        return ""
    framed.sort(key=lambda a: -a["framing"].get("score", 0))
    rows = []
    for a in framed:
        f = a["framing"]
        terms = ", ".join(sorted({p["text"] for p in f.get("phrases") or []})[:12])
        rows.append(
            f'<tr><td><a href="#a-{_e(a["id"])}">{_e(labels.get(a["id"]))}</a></td>'
            f'<td><span class="scorebar" style="width:{int(60 * float(f.get("score", 0)))}px"></span> {float(f.get("score", 0)):.2f}</td>'
            f'<td>{_score(f.get("subjectivity"))}</td><td>{_score(f.get("headline"))}</td><td>{_e(terms)}</td></tr>'
        )
    return (
        '<h3>Framing, article by article</h3><p class="muted">Scores are evidence from each article\'s own wording (0 = neutral, 1 = loaded); '
        "the marked phrases are shown in the texts below.</p>"
        f'<table><thead><tr><th>article</th><th>loaded language</th><th>subjectivity</th><th>headline</th><th>marked phrases</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _marks(a: dict[str, Any]) -> list[Mark]:
    phrases = (a.get("framing") or {}).get("phrases") or []
    return [Mark(p["start"], p["end"], _css_category(p.get("category", "")), p.get("category", "")) for p in phrases]


def _css_category(category: str) -> str:
    c = category.lower()
    for key in ("intensifier", "labelling", "hedge", "opinion", "sensational", "unattributed"):
        if key in c or (key == "labelling" and "name-calling" in c):
            return key
    return "loaded"


def _articles_table(arts: list[dict[str, Any]]) -> str:
    rows = "".join(
        f'<tr><td><a href="#a-{_e(a["id"])}"><code>{_e(a["id"])}</code></a></td><td>{_e(a["outlet"] or "unknown")}</td>'
        f'<td>{_e(a["title"] or "(untitled)")}</td><td>{_e(a["published"] or "-")}</td><td>{_e(a["language"] or "-")}</td>'
        f'<td>{_e(a["duplicate_of"] or "-")}</td></tr>'
        for a in arts
    )
    return f"<table><thead><tr><th>id</th><th>outlet</th><th>title</th><th>published</th><th>language</th><th>copy of</th></tr></thead><tbody>{rows}</tbody></table>"


def _article_html(a: dict[str, Any], passages: list[Passage], marks: list[Mark], label: str | None = None) -> str:
    removed = "".join(f"<li>{_e(r['text'])} <span class=muted>— {_e(r['reason'])}</span></li>" for r in a["removed"])
    removed_block = f'<details><summary>Removed web debris ({len(a["removed"])})</summary><ul class="removed">{removed}</ul></details>' if removed else ""
    copy = f' · copy of <a href="#a-{_e(a["duplicate_of"])}"><code>{_e(a["duplicate_of"])}</code></a>' if a.get("duplicate_of") else ""
    ev = (a.get("event_date") or {}).get("value")
    return (
        f'<article class="doc" id="a-{_e(a["id"])}"><h4>{_e(label + ": " if label else "")}{_e(a["title"] or "(untitled)")}</h4>'
        f'<p class="muted"><code>{_e(a["id"])}</code> · {_e(a["outlet"] or "unknown outlet")} · published {_e(a["published"] or "unknown")}'
        f'{" · event " + _e(ev) if ev else ""} · input {_e(a["input"])} · {_link(a.get("url"))}{copy}</p>'
        f"{render_text(a['text'], passages, marks)}{removed_block}</article>"
    )


def _outlets_html(outlets: list[dict[str, Any]]) -> str:
    if not outlets:
        return ""
    rows = "".join(
        f'<tr><td>{_e(o.get("name"))}</td><td>{_e(o.get("n_articles"))}</td><td>{_e(o.get("mean"))}</td><td>{_e(o.get("spread"))}</td>'
        f'<td>{_e(", ".join(t if isinstance(t, str) else str(t[0]) for t in (o.get("top_terms") or [])[:10]))}</td></tr>'
        for o in outlets
    )
    return (
        '<h2 id="outlets">Outlets</h2><p class="muted">Profiles aggregate the framing evidence of every stored article of the outlet; '
        "read them with the number of articles they rest on.</p>"
        f"<table><thead><tr><th>outlet</th><th>articles</th><th>mean</th><th>spread</th><th>most frequent loaded terms</th></tr></thead><tbody>{rows}</tbody></table>"
    )
