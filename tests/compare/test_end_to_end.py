"""Language analysis (storyline.nlp) then comparison, on three short articles."""

from __future__ import annotations

import pytest

from storyline.compare import analyze_story
from tests.compare.conftest import make_article

nlp_analyze = pytest.importorskip("storyline.nlp.analyze")

WIRE = (
    "CALDER, March 12 (Northern Wire) - A fire at a fertiliser warehouse in the Port of Calder killed 12 people late on Monday, "
    "the regional emergency service said.\n\n"
    "The warehouse held 8,000 tonnes of ammonium nitrate, according to the port authority.\n\n"
    "Around 2,000 people were evacuated from nearby homes.\n\n"
    "Port operations were suspended, and ships were diverted to the neighbouring port of Brenmouth."
)
COPY = WIRE.split(" - ", 1)[1].replace("Port operations were suspended, and ships", "Ships")
LATER = (
    "The death toll from the warehouse fire at the Port of Calder rose to 15 on Wednesday, health officials said.\n\n"
    "The port authority said the warehouse had held 8,000 tonnes of ammonium nitrate.\n\n"
    "Some 2,000 people left their homes.\n\n"
    "Mayor Tomas Brandt declared three days of mourning."
)
BEACON = (
    "A horrifying inferno tore through a fertiliser warehouse at the Port of Calder, killing 12 people.\n\n"
    "The warehouse held 6,000 tonnes of ammonium nitrate, the Beacon has learned.\n\n"
    "Around 2,000 people were evacuated from their homes."
)


def test_pipeline_from_text_to_briefing() -> None:
    arts = [
        make_article("wire", WIRE, outlet="Northern Wire", published="2024-03-12", syndication_group="nw"),
        make_article("copy", COPY, outlet="Calder Gazette", published="2024-03-12", syndication_group="nw"),
        make_article("later", LATER, outlet="Coastline News", published="2024-03-13"),
        make_article("beacon", BEACON, outlet="The Daily Beacon"),
    ]
    analyses = {a.id: nlp_analyze.analyze_article(a) for a in arts}
    result = analyze_story(arts, analyses, briefing_sentences=4)

    evacuated = next(c for c in result.claims if any("2,000" in s.text and s.article_id == "beacon" for s in c.sentences))
    assert set(evacuated.article_ids) == {"wire", "copy", "later", "beacon"}
    assert evacuated.independent_sources == 3 and evacuated.status == "corroborated"
    ships = next(c for c in result.claims if any("Brenmouth" in s.text for s in c.sentences))
    assert ships.independent_sources == 1 and ships.status == "single_source"

    kinds = {frozenset(v.value for v in c.values): c.kind for c in result.conflicts}
    assert kinds.get(frozenset({12.0, 15.0})) == "update"
    assert kinds.get(frozenset({8000.0, 6000.0})) == "contradiction"
    assert len(result.conflicts) == 2

    assert result.briefing and all(b.article_ids for b in result.briefing)
    assert not any("horrifying" in b.text.casefold() for b in result.briefing)
    assert result.event_date.value and result.event_date.value.startswith("2024-03")
    data = result.to_dict()
    assert {e["name"] for e in data["entities"]} >= {"Port of Calder"}
