"""Markdown report: the same content as the HTML page, in plain form."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def _md(text: Any) -> str:
    """Neutralise Markdown/HTML syntax in article content so it renders as text."""
    out = ("" if text is None else str(text)).replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    arts = {a["id"]: a for a in report["articles"]}
    stories = report.get("stories") or []
    lines = [
        "# Storyline report",
        "",
        f"Generated {report['generated_at']} · schema {report['schema_version']} · "
        f"{len(arts)} articles · {len(stories)} stories · {len(report['rejected'])} rejected inputs",
    ]
    if stories:
        lines += ["", "## Stories", "", "| # | story | articles | independent sources | outlets | date | conflicts |", "|---|---|---|---|---|---|---|"]
        for i, s in enumerate(stories, 1):
            date = (s.get("event_date") or {}).get("value") or s.get("first_seen") or "undated"
            outlets = ", ".join(o or "unknown" for o in s.get("outlets") or [])
            lines.append(f"| {i} | {_md(s.get('title'))} | {len(s['article_ids'])} | {s.get('independent_sources')} | {_md(outlets)} | {date} | {len(s.get('conflicts') or [])} |")
        for i, s in enumerate(stories, 1):
            lines += _story_md(i, s, arts)
    in_story = {aid for s in stories for aid in s["article_ids"]}
    loose = [a for a in report["articles"] if a["id"] not in in_story]
    if loose:
        lines += ["", "## Articles", ""]
        for a in loose:
            lines += _article_md(a, a.get("outlet") or a["id"])
    if report.get("outlets"):
        lines += ["", "## Outlets", "", "| outlet | articles | mean | spread | most frequent loaded terms |", "|---|---|---|---|---|"]
        for o in report["outlets"]:
            terms = ", ".join(t if isinstance(t, str) else str(t[0]) for t in (o.get("top_terms") or [])[:8])
            lines.append(f"| {_md(o['name'])} | {o.get('n_articles')} | {o.get('mean')} | {o.get('spread')} | {_md(terms)} |")
    if report["rejected"]:
        lines += ["", "## Rejected inputs", ""]
        lines += [f"- {_md(r['input'])}: {_md(r['reason'])}" for r in report["rejected"]]
    return "\n".join(lines) + "\n"


def _labels(s: dict[str, Any], arts: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {aid: (arts[aid].get("outlet") if aid in arts else None) or f"Article {n}" for n, aid in enumerate(s["article_ids"], 1)}


def _story_md(number: int, s: dict[str, Any], arts: dict[str, dict[str, Any]]) -> list[str]:
    labels = _labels(s, arts)

    def cite(ids: list[str]) -> str:
        return " " + " ".join(f"[{_md(labels.get(i, i))}](#{i})" for i in ids)

    ev = s.get("event_date") or {}
    out = ["", f"## {number}. {_md(s.get('title'))}", "",
           f"Story `{s['id']}` · {len(s['article_ids'])} articles · {s.get('independent_sources')} independent sources · "
           f"first seen {s.get('first_seen') or '-'} · last seen {s.get('last_seen') or '-'}"]
    if ev.get("value"):
        out += ["", f"**When:** {ev['value']} ({ev.get('precision')}, confidence {ev.get('confidence')})"]
        out += [f"- evidence: {_md(e)}" for e in ev.get("evidence") or []]
        out += [f"- conflicting: {_md(e)}" for e in ev.get("conflicts") or []]
        if ev.get("outliers"):
            out.append("- outliers: " + ", ".join(_md(labels.get(o, o)) for o in ev["outliers"]))
    if s.get("related_story_ids"):
        out += ["", "**Related stories:** " + ", ".join(f"`{r}`" for r in s["related_story_ids"])]
    if s.get("briefing"):
        out += ["", "### Briefing", ""]
        out += [f"{n}. {_md(b['text'])}{cite(b['article_ids'])}" for n, b in enumerate(s["briefing"], 1)]
    claims = s.get("claims") or []
    if claims:
        omitted = {(o["article_id"], c) for o in s.get("omissions") or [] for c in o.get("claim_ids") or []}
        ids = s["article_ids"]
        out += ["", "### Claims × outlets", "", "✔ corroborated · ● single source · ≠ contested · – omitted", "",
                "| claim | status | sources | " + " | ".join(_md(labels[i]) for i in ids) + " |",
                "|---|---|---|" + "---|" * len(ids)]
        symbol = {"corroborated": "✔", "single_source": "●", "contested": "≠"}
        for c in claims:
            cells = [symbol.get(c["status"], "?") if i in c["article_ids"] else ("–" if (i, c["id"]) in omitted else " ") for i in ids]
            out.append(f"| {_md(c['text'])} | {c['status'].replace('_', ' ')} | {c['independent_sources']} | " + " | ".join(cells) + " |")
    if s.get("conflicts"):
        out += ["", "### Conflicting figures", ""]
        for c in s["conflicts"]:
            out.append(f"- **{_md(c['about'])}** ({c['kind']}): {_md(c.get('explanation'))}")
            out += [f"  - {_md(v.get('value'))} — {_md(labels.get(v['article_id'], v['article_id']))}: “{_md(v.get('quote'))}”" for v in c["values"]]
    if s.get("quotes"):
        out += ["", "### Who says what", ""]
        by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for q in s["quotes"]:
            by_speaker[q.get("speaker") or "unattributed"].append(q)
        for speaker, qs in sorted(by_speaker.items(), key=lambda kv: -len(kv[1])):
            out.append(f"- **{_md(speaker)}**")
            out += [f"  - “{_md(q['text'])}”{cite([q['article_id']])}" for q in qs]
    ranking = s.get("framing_ranking") or []
    if ranking:
        out += ["", "### Framing, most loaded first", ""]
        for r in ranking:
            a = arts.get(r["article_id"]) or {}
            phrases = ", ".join(sorted({p["text"] for p in (a.get("framing") or {}).get("phrases") or []})[:10])
            out.append(f"- {_md(labels.get(r['article_id']))}: {r['score']:.2f}" + (f" — {_md(phrases)}" if phrases else ""))
    out += ["", "### Articles"]
    for aid in s["article_ids"]:
        if aid in arts:
            out += _article_md(arts[aid], labels.get(aid, aid))
    return out


def _article_md(a: dict[str, Any], label: str) -> list[str]:
    lines = ["", f'<a id="{a["id"]}"></a>', f"#### {_md(label)}: {_md(a.get('title') or '(untitled)')}", "",
             f"`{a['id']}` · {_md(a.get('outlet') or 'unknown outlet')} · published {a.get('published') or 'unknown'} · input {_md(a['input'])}", ""]
    lines += [_md(p) + "\n" for p in a["text"].split("\n\n")]
    if a["removed"]:
        lines.append("<details><summary>Removed web debris</summary>\n")
        lines += [f"- {_md(r['text'])} — *{_md(r['reason'])}*" for r in a["removed"]]
        lines.append("\n</details>")
    return lines
