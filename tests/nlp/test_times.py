"""Time expressions: forms, parts, resolution against a reference date."""

from __future__ import annotations

import datetime as dt

from storyline.nlp.times import parse_reference_date

REF = "2025-05-08"  # a Thursday


def _t(analysis, text):
    found = [t for t in analysis.times if t.text == text]
    assert found, f"no time {text!r} in {[t.text for t in analysis.times]}"
    return found[0]


def test_explicit_dates_in_several_forms(analyze):
    a = analyze("It happened on May 9, 2025, then on 9 May 2025, on May 9th, 2025 and on 2025-05-09.")
    values = [t.value for t in a.times if t.kind == "date"]
    assert values == ["2025-05-09"] * 4


def test_month_day_resolves_only_with_a_reference(analyze):
    undated = _t(analyze("The parade is on May 9."), "May 9")
    assert undated.value is None and (undated.month, undated.day) == (5, 9)
    dated = _t(analyze("The parade is on May 9.", published=REF), "May 9")
    assert dated.value == "2025-05-09" and dated.precision == "day"


def test_months_years_and_relative_years(analyze):
    a = analyze("Trade grew in March 2023 and again last year, more than in 2019. Talks resume next month.", published=REF)
    assert _t(a, "March 2023").value == "2023-03"
    assert _t(a, "2019").value == "2019" and _t(a, "2019").prep == "in"
    assert _t(a, "last year").value == "2024"
    assert _t(a, "next month").value == "2025-06"


def test_weekdays_follow_tense(analyze):
    a = analyze("Xi arrived on Wednesday and will meet Putin on Friday.", published=REF)
    assert _t(a, "Wednesday").value == "2025-05-07"
    assert _t(a, "Friday").value == "2025-05-09" and _t(a, "Friday").tense == "future"


def test_relative_days(analyze):
    a = analyze("Yesterday the minister resigned; two days ago he denied it.", published=REF)
    assert _t(a, "Yesterday").value == "2025-05-07"
    assert _t(a, "two days ago").value == "2025-05-06"


def test_anniversary_from_the_table_and_from_the_text(analyze):
    a = analyze("Crowds marked the 80th anniversary of the defeat of Nazi Germany. "
                "Leaders marked the 30th anniversary of the forum's founding in 1994.")
    nazi = [t for t in a.times if t.kind == "anniversary" and "Nazi" in t.text][0]
    assert (nazi.base_year, nazi.year, nazi.value) == (1945, 2025, "2025-05")
    forum = [t for t in a.times if t.kind == "anniversary" and "forum" in t.text][0]
    assert (forum.base_year, forum.year, forum.value) == (1994, 2024, "2024")


def test_years_since_pattern_and_full_base_date(analyze):
    a = analyze("Thousands marched to mark 35 years since the council declared independence in 1990. "
                "Deputies had voted on March 11, 1990.")
    anniv = [t for t in a.times if t.kind == "anniversary"][0]
    assert anniv.value == "2025-03-11"


def test_datelines_and_holidays(analyze):
    a = analyze("MOSCOW, May 8 (Reuters) - Xi will attend the Victory Day parade.\n\n"
                "LONDON, 12 Feb (PA) - Fares will rise.")
    dl = [t for t in a.times if t.kind == "dateline"]
    assert [(t.month, t.day) for t in dl] == [(5, 8), (2, 12)]
    vd = _t(a, "Victory Day")
    assert (vd.month, vd.day, vd.note) == (5, 9, "holiday")


def test_dates_naming_another_event_are_marked(analyze):
    a = analyze("The region was hit by the earthquakes of February 2023, which killed thousands.")
    assert "modifier" in (_t(a, "February 2023").note or "")


def test_parse_reference_date():
    assert parse_reference_date("2025-03-04T18:30:00+01:00") == dt.date(2025, 3, 4)
    assert parse_reference_date("4 March 2025") == dt.date(2025, 3, 4)
    assert parse_reference_date("not a date") is None
    assert parse_reference_date(None) is None
