"""Story clustering: dates from text, grouping, id stability, batch/stream agreement, store round trip.

A hashed bag-of-words embedder stands in for MiniLM, so these tests are fast and need no model.
"""

from __future__ import annotations

from dataclasses import replace

import datetime as dt
import re
import zlib

import numpy as np
import pytest

from storyline.cluster import StoryClusterer, cluster_store, independent_sources, stories_for, text_event_date
from storyline.cluster.features import embedding_text
from storyline.models import Article


def fake_embed(texts: list[str]) -> np.ndarray:
    """Hashed bag of words: a stand-in for MiniLM. 256 buckets, so that unrelated texts score about
    as low as they do with MiniLM (with 64, hash collisions put a fire report at 0.48 from a rate decision)."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in re.findall(r"[a-z]{3,}", t.lower()):
            out[i, zlib.crc32(w.encode()) % 256] += 1.0
    out += 1e-6
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def art(i: str, title: str, text: str, published: str | None, outlet: str | None = "o", **kw: object) -> Article:
    return Article(id=i, input=i, kind="text", title=title, text=text, outlet=outlet, published=published, **kw)  # type: ignore[arg-type]


RATE = "The Bank of Avalon {verb} its benchmark interest rate {how} on Thursday, Governor Elena Marsh said after the committee vote."
CORPUS = [
    art("m1", "Avalon holds rates", RATE.format(verb="kept", how="at 4.5%"), "2024-03-21", "A"),
    art("m2", "Bank of Avalon holds interest rate", RATE.format(verb="held", how="at 4.5 percent"), "2024-03-21", "B"),
    art("a1", "Avalon cuts rates", RATE.format(verb="cut", how="to 4.25%"), "2024-04-25", "A"),
    art("a2", "Bank of Avalon cuts interest rate", RATE.format(verb="lowered", how="to 4.25 percent"), "2024-04-25", "B"),
    art("f1", "Fire at Port of Halden", "A fire destroyed warehouses at the Port of Halden harbour; firefighters fought the blaze all night.", "2024-03-22", "A"),
    art("f2", "Halden harbour blaze", "Firefighters fought a blaze that destroyed harbour warehouses at the Port of Halden overnight.", "2024-03-22", "C"),
]


def partition(labels: list[str]) -> set[frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, set()).add(i)
    return {frozenset(g) for g in groups.values()}


# -- when.py ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("Celebrations on May 9 mark the 80th anniversary of the defeat of Nazi Germany.", dt.date(2025, 5, 9), "day"),
        ("He will attend the Victory Day parade on Friday, 80 years since the defeat of Nazi Germany.", dt.date(2025, 5, 9), "day"),
        ("Trade hit a record last year, reaching $245 billion in 2024.", dt.date(2025, 1, 1), "year"),
        ("MOSCOW, March 21, 2023 - Leaders met in the Kremlin.", dt.date(2023, 3, 21), "day"),
    ],
)
def test_text_event_date(text: str, expected: dt.date, precision: str) -> None:
    ev = text_event_date(text)
    assert ev is not None and ev.date == expected and ev.precision == precision
    assert ev.evidence


def test_text_event_date_none_and_published() -> None:
    assert text_event_date("Leaders met to discuss trade and security.") is None
    # background dates later in the text are not the event date
    assert text_event_date("Officials met. " + "Filler sentence here. " * 30 + "The law was passed on June 3, 2001.") is None
    ev = text_event_date("The summit opens on May 9.", published="2024-05-07")
    assert ev is not None and ev.date == dt.date(2024, 5, 9)


# -- clustering -----------------------------------------------------------------------
def test_same_event_together_different_occurrence_apart() -> None:
    cl = StoryClusterer(embedder=fake_embed).fit(CORPUS)
    assert partition(cl.labels_) == {frozenset({0, 1}), frozenset({2, 3}), frozenset({4, 5})}
    stories = {s.id: s for s in cl.stories(CORPUS)}
    march, april = cl.labels_[0], cl.labels_[2]
    assert april in stories[march].related_story_ids  # the two decisions form an arc
    assert stories[march].first_seen == "2024-03-21" and stories[march].outlets == ("A", "B")
    assert stories[march].to_dict()["independent_sources"] == 2


def test_ids_stable_when_articles_arrive() -> None:
    cl = StoryClusterer(embedder=fake_embed)
    first = cl.partial_fit(CORPUS[:2] + CORPUS[4:5])
    before = {sid: cl.members(sid) for sid in set(first)}
    cl.partial_fit(CORPUS[2:4] + CORPUS[5:])
    for sid, members in before.items():
        assert cl.members(sid)[: len(members)] == members
    assert cl.story_of("f2") == cl.story_of("f1") == first[2]


def test_batch_equals_stream() -> None:
    batch = StoryClusterer(embedder=fake_embed).fit(CORPUS).labels_
    cl = StoryClusterer(embedder=fake_embed)
    for a in sorted(CORPUS, key=lambda a: a.published or ""):
        cl.partial_fit([a])
    cl.consolidate()
    stream = [cl.story_of(a.id) for a in CORPUS]
    assert partition(batch) == partition(stream)  # type: ignore[arg-type]
    assert batch == stream  # same founders -> same ids


def test_split_check_cuts_a_chained_story_in_two() -> None:
    """Two events drawn into one story (as streaming drift can do) come apart; one event stays whole."""
    undated = [art(a.id, a.title or "", a.text or "", None, a.outlet) for a in CORPUS]
    rate, fire = undated[:2], undated[4:]
    cl = StoryClusterer(embedder=fake_embed).fit(rate + fire, consolidate=False)
    assert cl.story_of("m1") == cl.story_of("m2") != cl.story_of("f1") == cl.story_of("f2")
    kept, _ = cl._merge(cl.story_of("m1"), cl.story_of("f1"))  # force the chained story
    changes = cl.consolidate()
    assert cl.story_of("m1") == cl.story_of("m2") == kept
    assert cl.story_of("f1") == cl.story_of("f2") != kept
    assert [c.kind for c in changes] == ["split"] and "bisect" in changes[0].detail

    same = [art(f"r{i}", a.title or "", a.text or "", None, a.outlet) for i, a in enumerate(rate * 2)]
    cl = StoryClusterer(embedder=fake_embed).fit(same)
    assert len(set(cl.labels_)) == 1


def test_split_check_reaches_a_chained_story_of_hundreds_of_articles() -> None:
    """Big stories drift too: two events of 250 reports each, chained into one story, come apart."""
    rate, fire = CORPUS[0], CORPUS[4]
    copies = [art(f"{a.id}-{i}", a.title or "", a.text or "", None, a.outlet) for a in (rate, fire) for i in range(250)]
    cl = StoryClusterer(embedder=fake_embed).fit(copies, consolidate=False)
    first, second = cl.story_of(copies[0].id), cl.story_of(copies[-1].id)
    assert first != second and len(set(cl.labels_)) == 2
    cl._merge(first, second)  # force the chained story
    cl.consolidate()
    assert cl.story_of(copies[0].id) != cl.story_of(copies[-1].id)
    assert len({cl.story_of(a.id) for a in copies[:250]}) == len({cl.story_of(a.id) for a in copies[250:]}) == 1


def test_independent_sources() -> None:
    members = [
        ("a", "Reuters", None, None),
        ("b", "Daily", "a", "g1"),  # syndicated copy of a
        ("c", "Herald", None, "g1"),
        ("d", None, None, None),  # unknown outlet: its own source
        ("e", "Daily", None, None),  # same outlet as b
    ]
    assert independent_sources(members) == 2  # {a,b,c,e} via copy/group/outlet, {d}


def test_invalid_params_explain() -> None:
    with pytest.raises(ValueError, match="threshold"):
        StoryClusterer(threshold=0)
    with pytest.raises(ValueError, match="weights"):
        StoryClusterer(weights=(0, 0, 0))
    with pytest.raises(ValueError, match="bisect_min"):
        StoryClusterer(bisect_min=0)


# -- store --------------------------------------------------------------------------------
def test_cluster_store_round_trip(store) -> None:  # type: ignore[no-untyped-def]
    for a in CORPUS[:3]:
        store.add_article(a)
    first = cluster_store(store, embedder=fake_embed)
    ids_before = {s.id: s.article_ids for s in first}
    for a in CORPUS[3:]:
        store.add_article(a)
    done: list[str] = []
    second = cluster_store(store, on_progress=lambda n, aid: done.append(aid), embedder=fake_embed)
    assert sorted(done) == sorted(a.id for a in CORPUS[3:])  # only new articles attached
    by_id = {s.id: s for s in second}
    for sid, members in ids_before.items():
        assert sid in by_id and by_id[sid].article_ids[: len(members)] == members
    found = stories_for(store, ["a2"])
    assert len(found) == 1 and set(found[0].article_ids) == {"a1", "a2"}
    again = cluster_store(store, embedder=fake_embed)
    assert [s.to_dict() for s in again] == [s.to_dict() for s in second]
    assert 3 in [v for v, _ in store.migrations()]


VISIT = ("President Arlen Voss arrived in Tarsk on Wednesday for a {days} state visit, meeting Premier Ida Kolm "
         "to discuss the {plan} and energy cooperation, officials in Tarsk and Veda said.")
VISITS = [
    art("v1", "Voss arrives in Tarsk for state visit", VISIT.format(days="four-day", plan="pipeline deal"), "2025-05-07", "A"),
    art("v2", "Voss in Tarsk for talks with Kolm", VISIT.format(days="four-day", plan="pipeline deal"), "2025-05-07", "B"),
    # undated: same topic, but none of the story's agreed figures; it cites others (an earlier visit)
    art("v3", "Voss lands in Tarsk", "Arlen Voss flew to Tarsk to back a 12-point peace plan, days after the tribunal "
        "ruling against him, in a snub to rivals.", None, "C"),
    # undated: shares the agreed "four-day"
    art("v4", "Voss visits Tarsk", VISIT.format(days="four-day", plan="pipeline deal"), None, "D"),
]


def test_undated_article_needs_the_storys_agreed_figures() -> None:
    labels = StoryClusterer(embedder=fake_embed).fit(VISITS).labels_
    assert labels[0] == labels[1] == labels[3]
    assert labels[2] != labels[0]
    # without the anchor check the undated earlier visit is absorbed by topic alone
    loose = StoryClusterer(embedder=fake_embed, anchor_penalty=0.0).fit(VISITS).labels_
    assert loose[2] == loose[0]


def test_untitled_article_gets_a_headline_length_title() -> None:
    from storyline.cluster.features import fallback_title

    long = "In a move that will send shockwaves through the capitals of the region, the president is set to arrive for talks. More."
    title = fallback_title(long)
    assert title.endswith("\u2026") and len(title) <= 101 and long.startswith(title[:-1])
    assert fallback_title("Port reopens after fire. Ships wait.") == "Port reopens after fire."


QUAKE = [
    art("q1", "Magnitude 6.1 earthquake strikes off Corvina coast",
        "An earthquake of magnitude 6.1 struck off the coast of Corvina early on Friday, the seismological institute said. "
        "The epicentre was 30 km west of the port of Salera at a depth of 10 km.", "2021-11-05", "A"),
    art("q2", "Residents flee homes in Salera",
        "Residents of Salera ran into the streets before dawn when a strong tremor shook the town. "
        "Shop windows shattered. Seismologists measured the shock at 6.1.", "2021-11-05", "B"),
]


def test_shared_figure_on_the_same_dates_is_evidence_of_one_event() -> None:
    together = StoryClusterer(embedder=fake_embed).fit(QUAKE).labels_
    assert together[0] == together[1]
    # the same pair without the bonus stays apart: wording alone is too different
    loose = StoryClusterer(embedder=fake_embed, figure_bonus=0.0).fit(QUAKE).labels_
    assert loose[0] != loose[1]
    # and without dates a shared figure is no evidence (earlier occurrences' figures get cited)
    undated = [art(a.id, a.title or "", a.text, None, a.outlet) for a in QUAKE]
    labels = StoryClusterer(embedder=fake_embed).fit(undated).labels_
    assert labels[0] != labels[1]


def test_lead_event_days_resolve_weekdays_against_the_published_day() -> None:
    from storyline.cluster.when import lead_event_days

    wednesday = dt.date(2025, 11, 19)
    days = lead_event_days("Seven rescued", "Rescuers reached them late on Wednesday, a day after the roof fall on Tuesday.", wednesday)
    assert days == {dt.date(2025, 11, 19), dt.date(2025, 11, 18)}
    assert lead_event_days(None, "Yesterday the board voted. Last Wednesday it met.", wednesday) == {
        dt.date(2025, 11, 18), dt.date(2025, 11, 12)}
    # plans are not events yet
    assert lead_event_days(None, "The minister will visit on Friday. Talks resume next Monday.", wednesday) == frozenset()



def test_the_first_day_a_lead_names_comes_first() -> None:
    from storyline.cluster.when import lead_days_in_order

    saturday = dt.date(2021, 11, 6)
    lead = "A tram derailed on Saturday, the second derailment since Tuesday; on Tuesday six were hurt."
    assert lead_days_in_order("Second derailment", lead, saturday) == [dt.date(2021, 11, 6), dt.date(2021, 11, 2)]


def test_lead_weekdays_are_the_past_weekdays_a_lead_names_in_order() -> None:
    from storyline.cluster.when import lead_day_mentions, lead_weekdays

    lead = "Seven men were brought up late on Wednesday after the roof fall on Tuesday. Talks resume next Monday."
    assert lead_weekdays(lead_day_mentions("Rescue at Karrow Deep", lead)) == [2, 1]
    assert lead_weekdays(lead_day_mentions("Minister to visit", "The minister will arrive on Friday.")) == []
    # weekdays in names are no days of the news
    black_friday = lead_day_mentions("Black Friday queues", "Shoppers queued from Thursday night, he told the Mail on Sunday.")
    assert lead_weekdays(black_friday) == [3]


MINE = [
    art("c1", "Rescue crews reach trapped men", "Seven men were brought up late on Wednesday after the roof fall at Karrow Deep on Tuesday.",
        "2025-11-19", "A"),
    art("c2", "Operator fined three times in four years", "Stannick Minerals, owner of the pit where a roof fell on Tuesday, paid penalties before.",
        "2025-11-19", "B"),
]


def test_a_shared_lead_day_joins_differently_told_reports() -> None:
    assert len(set(StoryClusterer(embedder=fake_embed, day_bonus=0.0).fit(MINE).labels_)) == 2
    joined = StoryClusterer(embedder=fake_embed, day_bonus=6.0).fit(MINE).labels_
    assert joined[0] == joined[1]
    # the bonus needs dates: without them the same texts stay apart (their weekdays count instead)
    undated = [art(a.id, a.title or "", a.text, None, a.outlet) for a in MINE]
    assert len(set(StoryClusterer(embedder=fake_embed, day_bonus=6.0, weekday_bonus=0.0).fit(undated).labels_)) == 2


TRAMS = [
    art("t1", "Tram derails at Fennick Square",
        "A line 4 tram left the rails at Fennick Square in Dellmoor on Tuesday; six passengers were hurt.", "2021-11-02", "A"),
    art("t2", "Second Dellmoor derailment",
        "An empty line 4 tram left the rails near Harrow Gate in Dellmoor on Saturday, the second derailment since "
        "Tuesday; no passengers were hurt.",
        "2021-11-06", "B"),
]


def test_the_day_a_lead_reports_first_tells_two_occurrences_apart() -> None:
    # the second derailment's lead recalls the first one's day, but reports its own first
    assert len(set(StoryClusterer(embedder=fake_embed, day_bonus=0.0, day_conflict_penalty=0.0).fit(TRAMS).labels_)) == 1
    apart = StoryClusterer(embedder=fake_embed, day_bonus=0.0, day_conflict_penalty=2.5)
    assert len(set(apart.fit(TRAMS).labels_)) == 2
    assert not apart.changes_  # the merge pass weighs the days as attaching does: no merge-then-split churn


STRIKES = [
    art("s1", "Dock workers walk out", "Dock workers at the port of Varn walked out on Monday over pay, halting container traffic.", None, "A"),
    art("s2", "Port of Varn strike", "Container traffic stopped at the port of Varn on Monday as dock workers struck over pay.", None, "B"),
    art("s3", "Varn dock workers strike again",
        "Dock workers at the port of Varn staged a second walkout on Thursday in their pay dispute, halting container traffic.", None, "C"),
]


def test_undated_reports_that_name_other_weekdays_are_other_occurrences() -> None:
    # no dates at all: the weekday each lead reports is the only sign of two strikes, not one
    alike = StoryClusterer(embedder=fake_embed, weekday_bonus=0.0, weekday_conflict_penalty=0.0).fit(STRIKES).labels_
    assert len(set(alike)) == 1
    labels = StoryClusterer(embedder=fake_embed, weekday_bonus=0.0, weekday_conflict_penalty=12.0).fit(STRIKES).labels_
    assert labels[0] == labels[1] != labels[2]


def test_a_shared_weekday_joins_an_undated_report_to_a_dated_story() -> None:
    mixed = [MINE[0], art(MINE[1].id, MINE[1].title or "", MINE[1].text, None, MINE[1].outlet)]
    assert len(set(StoryClusterer(embedder=fake_embed, weekday_bonus=0.0).fit(mixed).labels_)) == 2
    joined = StoryClusterer(embedder=fake_embed, weekday_bonus=6.0).fit(mixed).labels_
    assert joined[0] == joined[1]
    # between two undated reports a shared weekday is no evidence: coverage of a topic spans weeks
    undated = [art(a.id, a.title or "", a.text, None, a.outlet) for a in MINE]
    assert len(set(StoryClusterer(embedder=fake_embed, weekday_bonus=6.0).fit(undated).labels_)) == 2


def test_a_split_merged_straight_back_leaves_no_trace_in_the_change_log() -> None:
    from storyline.cluster.core import StoryChange, _net_changes

    cut = StoryChange("split", "st-new", "st-a", None, "bisect margin -0.4")
    undo = StoryChange("merge", "st-a", "st-new", None, "margin=0.3")
    other = StoryChange("merge", "st-a", "st-b", None, "margin=1.0")
    assert _net_changes([cut, other, undo]) == [other]
    # the cut-off story changed before it was merged back: both steps are real changes
    moved = StoryChange("move", "st-new", "st-c", "a9", "z=4.1")
    assert _net_changes([cut, moved, undo]) == [cut, moved, undo]
    # merged back the other way round (the cut-off half kept its id): the origin's id is gone
    flipped = StoryChange("merge", "st-new", "st-a", None, "margin=0.3")
    assert _net_changes([cut, flipped]) == [cut, flipped]


def _two_tight_groups(cross: float) -> tuple[list[Article], np.ndarray]:
    """Six articles worded alike whose vectors form two tight groups of three, `cross` apart."""
    u = np.zeros(64, dtype=np.float32)
    u[0] = 1.0
    v = np.zeros(64, dtype=np.float32)
    v[0], v[1] = cross, float(np.sqrt(1 - cross * cross))
    rows = []
    for g, base in enumerate((u, v)):
        for j in range(3):
            x = base.copy()
            x[10 + 3 * g + j] = 0.1
            rows.append(x / np.linalg.norm(x))
    arts = [art(f"g{i}", "Derby report", "United beat City in the derby at the Park.", None) for i in range(6)]
    return arts, np.stack(rows)


def test_consolidation_keeps_two_cohesive_stories_of_one_topic_apart() -> None:
    arts, emb = _two_tight_groups(cross=0.45)
    together = StoryClusterer(merge_cohesion=0.0, embedder=fake_embed).fit(arts, emb).labels_
    assert len(set(together)) == 1  # the calibrated threshold alone joins them
    c = StoryClusterer(embedder=fake_embed).fit(arts, emb)
    assert partition(c.labels_) == {frozenset({0, 1, 2}), frozenset({3, 4, 5})}
    a, b = sorted(set(c.labels_))
    assert c.similarity(a, b) > c.tau(a, b)  # still related, so an arc can link them


def _dated_on_a_plane(texts: list[tuple[str, str]], angles: list[float], published: str) -> tuple[list[Article], np.ndarray]:
    """Articles x0, x1, ... of (title, text) on one day, with unit vectors at these angles in one
    plane, so that how close each pair is can be set exactly."""
    arts = [art(f"x{i}", title, text, published) for i, (title, text) in enumerate(texts)]
    emb = np.zeros((len(texts), 64), dtype=np.float32)
    emb[:, 0], emb[:, 1] = np.cos(angles), np.sin(angles)
    return arts, emb


def test_consolidation_moves_a_lone_article_its_story_now_takes() -> None:
    # the insurers' piece came when only the first report was there, and was too far from it alone;
    # with the scene piece in the story, it now clears the threshold as a new arrival would
    reports = [("Quake strikes Corvina", "A magnitude 6.1 earthquake struck off the coast of Corvina."),
               ("Insurers count cost", "Insurers tallied claims after the 6.1 tremor."),
               ("Night of glass", "Residents of Salera described windows shattering as the 6.1 quake hit.")]
    arts, emb = _dated_on_a_plane(reports, [0.0, 1.6, 0.7], "2024-05-08")
    c = StoryClusterer(embedder=fake_embed)
    c.partial_fit(arts, emb)
    assert c.story_of("x1") not in {c.story_of("x0"), c.story_of("x2")}
    changes = c.consolidate()
    assert len({c.story_of(a.id) for a in arts}) == 1
    assert [(ch.kind, ch.article_id) for ch in changes] == [("move", "x1")]


_MATCH_REPORT = ("United beat City in the derby at the Park on a wet evening. Striker Moreno scored twice before half "
                 "time, keeper Adebayo saved a penalty, and the visiting fans left early as rain swept the stands. "
                 "Manager Holt praised the defence, criticised the referee, and said the title race remained open.")


def test_full_articles_need_closer_cohesion_than_headlines_to_merge() -> None:
    # Means over a few short texts scatter, so fragments of a headline story may sit well below
    # its cohesion; full articles give tight means, so the same gap marks two stories.
    arts, emb = _two_tight_groups(cross=0.7)
    assert len(set(StoryClusterer(embedder=fake_embed).fit(arts, emb).labels_)) == 1
    full = [replace(a, text=_MATCH_REPORT) for a in arts]
    c = StoryClusterer(embedder=fake_embed).fit(full, emb)
    assert partition(c.labels_) == {frozenset({0, 1, 2}), frozenset({3, 4, 5})}


def test_consolidation_joins_fragments_as_close_as_their_members() -> None:
    arts, emb = _two_tight_groups(cross=0.9)
    assert len(set(StoryClusterer(embedder=fake_embed).fit(arts, emb).labels_)) == 1


def test_consolidation_moves_a_weak_dated_member_to_the_story_it_fits_better() -> None:
    # The fare vote joined the derailment on the same day (same city, same trams) before the other
    # fare story existed; it clears its own story's bar, but the fare story would take it by more.
    from storyline.cluster.core import restore
    from storyline.cluster.features import article_features

    texts = [("Tram derails in Kestrel Square", "A tram derailed at Kestrel Square during the morning rush."),
             ("Council backs fare rise", "The council approved a tram fare rise after a long debate."),
             ("Fares to go up in spring", "Tram and bus fares will rise in spring after the council vote.")]
    arts, emb = _dated_on_a_plane(texts, [0.0, 0.9, 1.7], "2023-09-12")
    c = StoryClusterer(embedder=fake_embed)
    for a, vector, story in zip(arts, emb, ["derailment", "derailment", "fares"]):
        restore(c, article_features(a), vector, story)
    own, _ = c._margin_item(c._by_id["x1"], c.story_state("derailment"), exclude_self=True)
    assert 0 <= own < 1.0  # a member that fits: the move is not a repair of a misfit
    changes = c.consolidate()
    assert [(ch.kind, ch.article_id, ch.story_id) for ch in changes] == [("move", "x1", "fares")]
    assert c.stories_ == {"derailment": ["x0"], "fares": ["x1", "x2"]}


def test_an_angle_piece_joins_its_event_within_the_date_window_only() -> None:
    # The market reaction shares few names and words with the ruling: within the date window it joins
    # (window weights lean on MiniLM, and the bar is `window_relief` lower); the same two texts undated,
    # or with the window settings off, stay apart.
    texts = [("Tribunal blocks Nordwick port merger", "The competition tribunal blocked the merger of Halden Lines and "
              "Graymoor Shipping on Tuesday, ruling the group would control most berths at Ostry."),
             ("Shipping shares slide", "Shares of container operators fell sharply as traders unwound bets on a takeover, "
              "with arbitrage funds nursing heavy losses.")]
    arts, emb = _dated_on_a_plane(texts, [0.0, 0.9], "2022-06-14")
    assert len(set(StoryClusterer(embedder=fake_embed).fit(arts, emb).labels_)) == 1
    off = StoryClusterer(embedder=fake_embed, window_relief=0.0, window_weights=(0.5, 0.3, 0.2))
    assert len(set(off.fit(arts, emb).labels_)) == 2
    undated = [replace(a, published=None) for a in arts]
    assert len(set(StoryClusterer(embedder=fake_embed).fit(undated, emb).labels_)) == 2


def test_window_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="window_relief"):
        StoryClusterer(window_relief=4.0)
    with pytest.raises(ValueError, match="window_weights"):
        StoryClusterer(window_weights=(0.0, 0.0, 0.0))


def test_split_check_cuts_a_story_chained_from_three_events_in_one_pass() -> None:
    events = (CORPUS[0], CORPUS[4], QUAKE[0])  # a rate decision, a harbour fire, an earthquake
    undated = [art(f"{a.id}-{i}", a.title or "", a.text or "", None, a.outlet) for a in events for i in range(3)]
    c = StoryClusterer(embedder=fake_embed).fit(undated, consolidate=False)
    ids = [c.story_of(a.id) for a in undated[::3]]
    assert len(set(ids)) == 3
    chained, _ = c._merge(ids[0], ids[1])
    chained, _ = c._merge(chained, ids[2])
    changes = c._bisect_pass()
    assert [ch.kind for ch in changes] == ["split", "split"]
    assert partition([c.story_of(a.id) for a in undated]) == {frozenset({0, 1, 2}), frozenset({3, 4, 5}), frozenset({6, 7, 8})}
