"""Event dating from text evidence, with the published date, and across a story."""

from __future__ import annotations

from storyline.nlp import date_in_story, story_event_date
from storyline.nlp.types import EventDate


def test_anniversary_and_month_day(analyze):
    ed = analyze("Xi arrived for the celebrations on May 9, marking the 80th anniversary of the defeat of Nazi Germany."
                 ).event_date
    assert (ed.value, ed.precision) == ("2025-05-09", "day")
    assert any("80th anniversary" in e for e in ed.evidence)
    assert ed.confidence >= 0.6


def test_last_year_with_an_explicit_year_in_one_sentence(analyze):
    ed = analyze("Trade hit a record last year, rising to $245 billion in 2024, officials said on Monday, March 3."
                 ).event_date
    assert ed.value == "2025-03-03"


def test_last_year_compared_with_an_earlier_year(analyze):
    ed = analyze("Container volumes reached a record 13.5 million boxes last year, up 2.1% on 2023. "
                 "Dockers struck on Monday, March 3.").event_date
    assert ed.value == "2025-03-03"
    assert any("2.1%" not in e and "last year" in e for e in ed.evidence)


def test_weekday_picks_the_year_among_candidates(analyze):
    # June 5 was a Wednesday in 2024 (not 2025); the 2025 renewals are still to come.
    ed = analyze("The bank cut its rate on Wednesday, June 5. About 2.2 million mortgages will renew in 2025.").event_date
    assert ed.value == "2024-06-05"


def test_weekday_with_a_named_day_places_related_days(analyze):
    ed = analyze("Xi will meet Putin for talks on Thursday and join leaders on Friday for the Victory Day parade, "
                 "commemorating 80 years since the defeat of Nazi Germany.").event_date
    assert ed.value == "2025-05-09"
    assert any("Thursday" in e and "2025-05-08" in e for e in ed.evidence)


def test_inconsistent_weekday_is_reported_as_a_conflict(analyze):
    # May 9, 2025 is a Friday, not a Tuesday.
    ed = analyze("The parade took place on Tuesday, May 9, 2025.").event_date
    assert ed.value == "2025-05-09"
    assert any("Friday" in c for c in ed.conflicts)


def test_published_date_wins_but_conflicting_text_is_reported(analyze):
    ed = analyze("Crowds gathered on Tuesday, July 16th, to mark the 50th anniversary of the launch of Apollo 11.",
                 published="2021-07-17").event_date
    assert ed.value.startswith("2021-07")
    assert any("published date" in e for e in ed.evidence)
    assert any("2019" in c for c in ed.conflicts)


def test_lead_weekday_refines_the_published_date(analyze):
    ed = analyze("ANTWERP, March 3 - Dock workers walked off the job on Monday.", published="2025-03-04").event_date
    assert ed.value == "2025-03-03"


def test_background_dates_do_not_date_the_article(analyze):
    ed = analyze("The death toll from Tuesday's earthquake rose to 57 on Wednesday. The region was devastated by "
                 "the twin earthquakes of February 2023, which killed more than 50,000 people.").event_date
    assert ed.value is None or ed.confidence < 0.4


def test_no_evidence_no_date(analyze):
    ed = analyze("The governor defended the decision on Thursday.").event_date
    assert ed.value is None and ed.confidence == 0.0


def test_story_consensus_names_outliers():
    dates = {
        "a": EventDate("2025-05-09", "day", 0.8),
        "b": EventDate("2025-05-08", "day", 0.7),
        "c": EventDate("2025-05", "month", 0.5),
        "d": EventDate("2023-03-20", "day", 0.6),
        "e": EventDate(None, None, 0.0),
    }
    consensus, outliers = story_event_date(dates)
    assert consensus.value == "2025-05-09" and consensus.precision == "day"
    assert outliers == ["d"]
    assert any("d: 2023-03-20" in c for c in consensus.conflicts)


def test_story_links_relative_years_across_articles_and_dates_the_rest(analyze):
    a = analyze("The two countries enjoyed record bilateral trade last year, analysts said.", id="a")
    b = analyze("Bilateral trade reached a record $245 billion in 2024. Xi will attend the Victory Day parade.", id="b")
    c = analyze("The parade on May 9 marks the 80th anniversary of the defeat of Nazi Germany.", id="c")
    dates = {x.article_id: x.event_date for x in (a, b, c)}
    consensus, outliers = story_event_date(dates, {x.article_id: x for x in (a, b, c)})
    assert consensus.value == "2025-05-09" and outliers == []
    assert any("across articles" in e and "2025" in e for e in consensus.evidence)
    assert date_in_story(b, consensus).value == "2025-05-09"
