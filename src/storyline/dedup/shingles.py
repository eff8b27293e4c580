"""Word shingles: the units two copies of one text share and two independent texts do not."""

from __future__ import annotations

from storyline.clean.debris import words

SHINGLE_WORDS = 5


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    return shingles_of_words(words(text), size)


def shingles_of_words(ws: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct runs of `size` words, UTF-8 encoded, as `shingles` gives them.

    Words never contain a space or a newline (they are runs of letters), so the shingles
    are joined and encoded once and split again: the same bytes as encoding each one.
    """
    if len(ws) < size:
        return {" ".join(ws).encode()} if ws else set()
    runs = map(" ".join, zip(*(ws[i:] for i in range(size))))
    return set("\n".join(runs).encode().split(b"\n"))
