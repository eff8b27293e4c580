"""Self-contained HTML report: inline CSS, no scripts from elsewhere, every value escaped."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlsplit

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222}
h1,h2,h3{line-height:1.2} table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
code{font-size:.85em;background:#f3f3f3;padding:0 .2em} .muted{color:#666;font-size:.9rem}
article{border-top:2px solid #333;margin-top:2rem} .removed li{color:#8a4b00}
details{margin:.5rem 0} @media print{details{display:block}}
@media (max-width:600px){body{font-size:15px;padding:.5rem} table{display:block;overflow-x:auto}}
"""


def safe_href(url: str | None) -> str | None:
    """Only http(s) links; anything else (javascript:, data:) is shown as text."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _link(url: str | None) -> str:
    href = safe_href(url)
    if href:
        return f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer nofollow">{escape(href)}</a>'
    return escape(url or "")


def render_html(report: dict[str, Any]) -> str:
    arts = report["articles"]
    rows = "".join(
        f'<tr><td><a href="#a-{escape(a["id"])}"><code>{escape(a["id"])}</code></a></td>'
        f'<td>{escape(a["outlet"] or "unknown")}</td><td>{escape(a["title"] or "(untitled)")}</td>'
        f'<td>{escape(a["published"] or "-")}</td><td>{escape(a["language"] or "-")}</td>'
        f'<td>{escape(a["duplicate_of"] or "-")}</td></tr>'
        for a in arts
    )
    bodies = "".join(_article_html(a) for a in arts)
    rejected = "".join(f"<li><code>{escape(r['input'])}</code>: {escape(r['reason'])}</li>" for r in report["rejected"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(CSP, quote=True)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Storyline report</title><style>{_CSS}</style></head>
<body><h1>Storyline report</h1>
<p class="muted">Generated {escape(report["generated_at"])} · schema {escape(report["schema_version"])} ·
{len(arts)} articles · {len(report["rejected"])} rejected inputs</p>
<h2>Articles</h2>
<table><thead><tr><th>id</th><th>outlet</th><th>title</th><th>published</th><th>language</th><th>copy of</th></tr></thead>
<tbody>{rows}</tbody></table>
{bodies}
<h2>Rejected inputs</h2><ul>{rejected or "<li>none</li>"}</ul>
</body></html>
"""


def _article_html(a: dict[str, Any]) -> str:
    paras = "".join(f"<p>{escape(p)}</p>" for p in a["text"].split("\n\n"))
    removed = "".join(f"<li>{escape(r['text'])} <span class=muted>— {escape(r['reason'])}</span></li>" for r in a["removed"])
    removed_block = f'<details><summary>Removed web debris ({len(a["removed"])})</summary><ul class="removed">{removed}</ul></details>' if removed else ""
    return (
        f'<article id="a-{escape(a["id"])}"><h3>{escape(a["title"] or "(untitled)")}</h3>'
        f'<p class="muted"><code>{escape(a["id"])}</code> · {escape(a["outlet"] or "unknown outlet")} · '
        f'{escape(a["published"] or "no date")} · input {escape(a["input"])} · {_link(a["url"])}</p>'
        f"{paras}{removed_block}</article>"
    )
