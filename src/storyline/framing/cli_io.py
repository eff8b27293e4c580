"""Line-oriented framing for `storyline framing` (stdin lines in, one JSON object per line out)."""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator

from storyline.framing.api import score_sentences
from storyline.framing.model import FramingModels

BATCH = 256


def run_framing_stream(lines: Iterable[str], *, accurate: bool = False, models: FramingModels | None = None) -> Iterator[dict[str, Any]]:
    """One dict per input line, in order: {"score", "label", "subjectivity", "phrases"}.

    Each line is scored as one sentence (its trailing newline removed); phrase offsets point
    into the line. Lines are scored in batches of 256, so the input may be an endless stream.
    """
    it = iter(lines)
    while True:
        batch = [line.rstrip("\r\n") for line in islice(it, BATCH)]
        if not batch:
            return
        for framing in score_sentences(batch, accurate=accurate, models=models):
            yield {
                "score": round(framing.score, 4),
                "label": framing.label,
                "subjectivity": round(framing.subjectivity, 4),
                "phrases": [p.to_dict() for p in framing.phrases],
            }
