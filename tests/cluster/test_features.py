"""Cluster features of one article: the figures that identify an occurrence."""

import datetime as dt

from storyline.cluster.features import article_features, embedding_text
from storyline.models import Article


def _figures(title: str, text: str) -> frozenset[int]:
    return article_features(Article(id="a", input="a", kind="text", title=title, text=text)).figures


def test_figures_keep_amounts_rates_and_ordinals() -> None:
    with_figures = _figures("Rate held at 4.25%", "The bank kept $2.4 million aside on the 80th anniversary.")
    assert len(with_figures) == 3


def test_days_of_the_month_and_clock_times_are_not_figures() -> None:
    # two datelines of the same day must not count as a shared specific
    assert _figures("Vote today", "YSTREL, June 18 (Wire) - At 11:40 on 18 June the count began.") == frozenset()
    assert _figures("Vote today", "Polls closed at 9.30 pm on Mar. 3rd.") == frozenset()


def test_a_date_does_not_hide_the_figure_next_to_it() -> None:
    assert _figures("Cut", "May 9, 2025: the rate fell to 4.25%.") == _figures("Cut", "The rate fell to 4.25%.")


def test_a_wire_dateline_counts_only_as_its_place() -> None:
    # Two stories one wire files from one city on one day share their datelines, not their event.
    wired = Article(id="a", input="a", kind="text", title="Jobless rate rises",
                    text="YSTREL, June 18 (Meridian Wire) - Unemployment rose to 7.9 percent in May.")
    plain = Article(id="b", input="b", kind="text", title="Jobless rate rises",
                    text="Ystrel Unemployment rose to 7.9 percent in May.")
    assert article_features(wired).lex == article_features(plain).lex
    assert article_features(wired).ents == article_features(plain).ents
    assert "Meridian" not in embedding_text(wired) and embedding_text(wired).startswith("Jobless rate rises\nYstrel ")


def test_lead_days_count_back_from_the_published_day_not_the_event_date() -> None:
    # Published Friday 14 March 2025 about a resignation "on Thursday"; the event date given by the
    # language analysis is Tuesday 11 March (the first report). "Thursday" is the 13th, the
    # Thursday before the day of writing, not the 6th, the Thursday before the event date.
    art = Article(id="a", input="a", kind="text", title="Minister quits", published="2025-03-14",
                  text="Documents published on Tuesday evening showed the contract. The minister resigned on Thursday.")
    plain = article_features(art)
    given = article_features(art, ("2025-03-11", "day"))
    assert given.day == dt.date(2025, 3, 11).toordinal()
    assert given.lead_days == plain.lead_days == {dt.date(2025, 3, 11).toordinal(), dt.date(2025, 3, 13).toordinal()}
    # without a published day the given date is the only reference
    undated = article_features(Article(id="b", input="b", kind="text", title="Minister quits", text=art.text),
                               ("2025-03-14", "day"))
    assert dt.date(2025, 3, 13).toordinal() in undated.lead_days
