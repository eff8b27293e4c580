"""Word shingles: the units two copies of one text share and two independent texts do not."""

from __future__ import annotations

from storyline.clean.debris import words

SHINGLE_WORDS = 5


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    ws = words(text)
    if len(ws) < size:
        return {" ".join(ws).encode()} if ws else set()
    return {" ".join(ws[i:i + size]).encode() for i in range(len(ws) - size + 1)}
