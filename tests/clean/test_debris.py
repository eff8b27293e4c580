import json
from pathlib import Path

import pytest

from storyline.clean.debris import is_body_paragraph, is_furniture, remove_debris
from storyline.clean.normalize import normalize_text
from tests.conftest import EXAMPLES

GOLD = json.loads((Path(__file__).parent / "golden_seeds.json").read_text())
SEEDS = sorted(k for k in GOLD if not k.startswith("_"))


def _clean(name: str):
    return remove_debris(normalize_text((EXAMPLES / "seeds" / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", SEEDS)
def test_seed_debris_removed_and_body_kept(name: str) -> None:
    gold = GOLD[name]
    cleaned = _clean(name)
    body = "\n".join(cleaned.lines)
    for snippet in gold["with"]:
        assert snippet in body, f"body snippet lost: {snippet!r}"
    removed = [r.text for r in cleaned.removed]
    for debris in gold["without"]:
        assert not any(debris == line or debris in line for line in cleaned.lines), f"debris kept: {debris!r}"
        assert any(debris in r for r in removed), f"debris not recorded in removed: {debris!r}"
    assert cleaned.title == gold["title"]
    assert all(r.reason for r in cleaned.removed)


@pytest.mark.parametrize("name", SEEDS)
def test_no_body_sentence_is_lost(name: str) -> None:
    """Every line of the input that reads like a sentence of reporting survives, except teasers after a related label."""
    source = normalize_text((EXAMPLES / "seeds" / name).read_text(encoding="utf-8"))
    cleaned = _clean(name)
    teasers = {r.text for r in cleaned.removed if "teaser" in r.reason}
    for line in source.split("\n"):
        if is_body_paragraph(line) and line not in teasers:
            assert line in cleaned.lines


def test_removed_lines_point_into_the_input() -> None:
    text = "Weather\n\nA storm hit the coast on Monday and cut power to thousands of homes, officials said.\n\nShare this article"
    cleaned = remove_debris(text)
    by_line = {r.line: r.text for r in cleaned.removed}
    lines = text.split("\n")
    for n, t in by_line.items():
        assert lines[n] == t


def test_inner_subheadings_are_kept() -> None:
    text = (
        "Storm cuts power along the coast\n"
        "A storm hit the coast on Monday and cut power to thousands of homes, officials said on Tuesday.\n"
        "Repairs under way\n"
        "Crews worked through the night to restore lines, and most homes had power again by noon, the utility said.\n"
    )
    cleaned = remove_debris(text)
    assert "Repairs under way" in cleaned.lines
    assert cleaned.title == "Storm cuts power along the coast"


def test_repeated_outlet_line_removed_only_when_known() -> None:
    text = (
        "Storm cuts power\n"
        "A storm hit the coast on Monday and cut power to thousands of homes, officials said on Tuesday.\n"
        "Coastal desk\n"
        "Crews worked through the night to restore lines, and most homes had power again by noon, the utility said.\n"
    )
    assert "Coastal desk" in remove_debris(text).lines
    cleaned = remove_debris(text, known_boilerplate={"Coastal desk"})
    assert "Coastal desk" not in cleaned.lines
    assert any("repeated" in r.reason for r in cleaned.removed)


@pytest.mark.parametrize("line,expected", [
    ("Share this article", True),
    ("Subscribe to our newsletter", True),
    ("Advertisement", True),
    ("Related stories", True),
    ("The share price fell", False),
    ("Energy, Trade, and Defense on the Agenda", False),
])
def test_furniture(line: str, expected: bool) -> None:
    assert is_furniture(line) is expected
