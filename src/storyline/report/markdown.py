"""Markdown report: the same content as the HTML page, in plain form."""

from __future__ import annotations

from typing import Any


def _md_escape(text: str) -> str:
    """Neutralise Markdown/HTML syntax in article content so it renders as text."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(report: dict[str, Any]) -> str:
    arts = report["articles"]
    lines = [
        "# Storyline report",
        "",
        f"Generated {report['generated_at']} · schema {report['schema_version']} · "
        f"{len(arts)} articles · {len(report['rejected'])} rejected inputs",
        "",
        "## Articles",
        "",
        "| id | outlet | title | published | language | copy of |",
        "|---|---|---|---|---|---|",
    ]
    for a in arts:
        lines.append(
            f"| `{a['id']}` | {_md_escape(a['outlet'] or 'unknown')} | {_md_escape(a['title'] or '(untitled)')} | "
            f"{a['published'] or '-'} | {a['language'] or '-'} | {('`' + a['duplicate_of'] + '`') if a['duplicate_of'] else '-'} |"
        )
    if report.get("syndication_groups"):
        lines += ["", "## Syndicated copies", ""]
        for g in report["syndication_groups"]:
            lines.append(f"- group `{g['id']}`: " + ", ".join(f"`{i}`" for i in g["article_ids"]))
    for a in arts:
        lines += ["", f"### {_md_escape(a['title'] or '(untitled)')}", "", f"`{a['id']}` · input: {_md_escape(a['input'])}", ""]
        lines += [_md_escape(p) + "\n" for p in a["text"].split("\n\n")]
        if a["removed"]:
            lines.append("<details><summary>Removed web debris</summary>\n")
            lines += [f"- {_md_escape(r['text'])} — *{_md_escape(r['reason'])}*" for r in a["removed"]]
            lines.append("\n</details>")
    if report["rejected"]:
        lines += ["", "## Rejected inputs", ""]
        lines += [f"- {_md_escape(r['input'])}: {_md_escape(r['reason'])}" for r in report["rejected"]]
    return "\n".join(lines) + "\n"
