"""Article text as escaped HTML with passage anchors and highlighted phrases.

Offsets point into the plain article text. Passages (sentences that a citation can
point at) become `<span id=...>`; phrases become `<mark>` inside them. Every piece of
text is escaped on its own, so no article content can become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    anchor: str  # element id


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    css_class: str
    title: str  # tooltip, e.g. the phrase category


def _clip_marks(marks: list[Mark], length: int) -> list[Mark]:
    """Sorted, in range and non-overlapping (the earlier, longer mark wins)."""
    out: list[Mark] = []
    last_end = 0
    for m in sorted(marks, key=lambda m: (m.start, -(m.end - m.start))):
        start, end = max(m.start, last_end, 0), min(m.end, length)
        if start < end:
            out.append(Mark(start, end, m.css_class, m.title))
            last_end = end
    return out


def _render_segment(text: str, start: int, end: int, marks: list[Mark]) -> str:
    """Escaped text[start:end] with the marks that fall inside it."""
    parts: list[str] = []
    pos = start
    for m in marks:
        if m.end <= start or m.start >= end:
            continue
        ms, me = max(m.start, start), min(m.end, end)
        parts.append(escape(text[pos:ms]))
        parts.append(f'<mark class="{escape(m.css_class, quote=True)}" title="{escape(m.title, quote=True)}">{escape(text[ms:me])}</mark>')
        pos = me
    parts.append(escape(text[pos:end]))
    return "".join(parts)


def render_text(text: str, passages: list[Passage] = (), marks: list[Mark] = ()) -> str:  # type: ignore[assignment]
    """Paragraphs (split on blank lines) of escaped text with anchors and marks."""
    clipped = _clip_marks(list(marks), len(text))
    bounds = sorted((p for p in passages if 0 <= p.start < p.end <= len(text)), key=lambda p: p.start)
    html_paras: list[str] = []
    offset = 0
    for para in text.split("\n\n"):
        p_start, p_end = offset, offset + len(para)
        offset = p_end + 2
        pieces: list[str] = []
        pos = p_start
        for p in bounds:
            if p.end <= p_start or p.start >= p_end or p.start < pos:
                continue
            pieces.append(_render_segment(text, pos, p.start, clipped))
            pe = min(p.end, p_end)
            pieces.append(f'<span class="passage" id="{escape(p.anchor, quote=True)}">{_render_segment(text, p.start, pe, clipped)}</span>')
            pos = pe
        pieces.append(_render_segment(text, pos, p_end, clipped))
        html_paras.append(f"<p>{''.join(pieces)}</p>")
    return "".join(html_paras)
