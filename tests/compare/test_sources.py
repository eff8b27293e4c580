from __future__ import annotations

from storyline.compare.sources import count_sources, source_keys
from tests.compare.conftest import make_article


def test_syndicated_copies_count_once() -> None:
    arts = [
        make_article("a", "x", outlet="Northern Wire", syndication_group="wire-1"),
        make_article("b", "x", outlet="Calder Gazette", syndication_group="wire-1"),
        make_article("c", "x", outlet="Coastline News"),
    ]
    keys = source_keys(arts)
    assert keys["a"] == keys["b"] != keys["c"]
    assert count_sources(["a", "b"], keys) == 1
    assert count_sources(["a", "b", "c"], keys) == 2


def test_duplicates_same_outlet_and_unknown_outlets() -> None:
    arts = [
        make_article("a", "x", outlet="The Daily Beacon"),
        make_article("b", "x", outlet="daily beacon"),  # same outlet, spelled differently
        make_article("c", "x", outlet=None),
        make_article("d", "x", outlet=None, duplicate_of="c"),  # a copy of c
        make_article("e", "x", outlet=None),  # unknown outlet: its own source
    ]
    keys = source_keys(arts)
    assert count_sources(["a", "b"], keys) == 1
    assert count_sources(["c", "d"], keys) == 1
    assert count_sources(["c", "e"], keys) == 2
    assert count_sources(["a", "b", "c", "d", "e"], keys) == 3


def test_chains_join_transitively() -> None:
    # b is syndicated with a, and c is a duplicate of b: all one source.
    arts = [
        make_article("a", "x", outlet="Wire", syndication_group="g"),
        make_article("b", "x", outlet="Paper", syndication_group="g"),
        make_article("c", "x", outlet="Other", duplicate_of="b"),
    ]
    assert count_sources(["a", "c"], source_keys(arts)) == 1
