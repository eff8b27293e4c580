from __future__ import annotations

import json

from storyline.framing.cli_io import run_framing_stream


def test_stream_one_dict_per_line_in_order() -> None:
    lines = [
        "The radical leftist mob destroyed the city.\n",
        "\n",
        "The committee will meet on Tuesday.\r\n",
    ]
    out = list(run_framing_stream(iter(lines)))
    assert len(out) == 3
    for d, line in zip(out, lines):
        assert set(d) == {"score", "label", "subjectivity", "phrases"}
        assert 0.0 <= d["score"] <= 1.0 and 0.0 <= d["subjectivity"] <= 1.0
        assert d["label"] in ("loaded", "neutral")
        text = line.rstrip("\r\n")
        for p in d["phrases"]:
            assert {"text", "start", "end", "category"} <= set(p)
            assert text[p["start"] : p["end"]] == p["text"]
        json.dumps(d)
    assert out[0]["score"] > out[2]["score"]
    assert out[1]["phrases"] == []


def test_stream_is_lazy_and_batched() -> None:
    def endless():
        i = 0
        while True:
            i += 1
            yield f"Sentence number {i} is plain."

    stream = run_framing_stream(endless())
    first = [next(stream) for _ in range(300)]  # more than one batch, without exhausting the input
    assert len(first) == 300
