"""Plain text and Markdown files: the first non-empty line is the title when it reads like one."""

from __future__ import annotations

import re

from storyline.models import RawDocument

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MAX_TITLE_WORDS = 30


def markdown_to_text(text: str) -> str:
    """Drop Markdown syntax that is not content: heading marks, link targets, emphasis, images."""
    lines = []
    for line in text.splitlines():
        if re.match(r"^\s*!\[", line):
            continue
        line = _MD_HEADING.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(line)
    return "\n".join(lines)


def looks_like_title(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= _MAX_TITLE_WORDS and not line.rstrip().endswith((".", ",", ";"))


def text_document(text: str, source: str, *, markdown: bool = False, meta: dict[str, str] | None = None) -> RawDocument:
    """A RawDocument for one text file; `meta` comes from a sidecar or the CLI."""
    meta = meta or {}
    if markdown:
        text = markdown_to_text(text)
    return RawDocument(
        input=source,
        kind="markdown" if markdown else "text",
        text=text,
        title=meta.get("title"),
        url=meta.get("url"),
        outlet=meta.get("outlet"),
        published=meta.get("published"),
        author=meta.get("author"),
    )
