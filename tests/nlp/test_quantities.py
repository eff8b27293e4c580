"""Each quantity kind: value, unit, measure."""

from __future__ import annotations

import pytest


def _q(analysis, value):
    found = [q for q in analysis.quantities if abs(q.value - value) < 1e-6 * max(1, abs(value))]
    assert found, f"no quantity {value} in {[(q.text, q.value) for q in analysis.quantities]}"
    return found[0]


@pytest.mark.parametrize("text, value, unit, measure, kind", [
    ("Bilateral trade reached a record $245 billion in 2024.", 245e9, "USD", "trade", "money"),
    ("The company will invest C$2.5 billion in a new plant.", 2.5e9, "CAD", "plant", "money"),
    ("Losses could reach \u20ac3 million a day.", 3e6, "EUR", "Losses", "money"),
    ("It will invest 12 billion Swedish crowns in a battery plant.", 12e9, "SEK", "battery plant", "money"),
    ("China faces 145% tariffs on most exports.", 145, "%", "tariffs", "percent"),
    ("Fully electric cars made up 41% of sales.", 41, "%", "sales", "percent"),
    ("The bank cut its key interest rate by a quarter point to 4.50%.", 0.25, "percentage point", "interest rate", "rate"),
    ("The bank cut its key interest rate by a quarter point to 4.50%.", 4.5, "%", "interest rate", "rate"),
    ("The central bank lowered borrowing costs by 25 basis points.", 0.25, "percentage point", "borrowing costs", "rate"),
    ("About 120 dock workers walked off the job.", 120, "people", "dock workers", "count"),
    ("Eight migrants were deported on Friday.", 8, "people", "migrants", "count"),
    ("The quake killed at least 41 people.", 41, "people", "people killed", "count"),
    ("It was his 11th visit to Russia.", 11, "visit", "visit to Russia", "ordinal"),
    ("Xi began a four-day state visit.", 4, "day", "state visit", "other"),
    ("The quake struck at a depth of 10 km.", 10, "km", "depth", "other"),
    ("The port handled 271 million tonnes of cargo.", 271e6, "tonne", "cargo", "other"),
    ("A magnitude 6.1 earthquake struck eastern Turkey.", 6.1, "magnitude", "earthquake", "other"),
    ("Police estimated the crowd at 60,000.", 60000, "people", "crowd", "count"),
])
def test_quantity_kinds(analyze, text, value, unit, measure, kind):
    q = _q(analyze(text), value)
    assert q.unit == unit
    assert q.kind == kind
    assert q.measure is not None and measure.lower() in q.measure.lower()


def test_qualifier_is_kept(analyze):
    q = _q(analyze("More than 900 people were injured."), 900)
    assert q.qualifier == "more than"


def test_numbers_in_dates_names_and_clock_times_are_not_quantities(analyze):
    a = analyze("On May 9, 2025, the Power of Siberia 2 pipeline and Apollo 11 were discussed at 4:12 a.m. "
                "at the G7 summit, marking the 80th anniversary of the end of the war.")
    assert a.quantities == ()


def test_references_and_ages_are_not_figures(analyze):
    a = analyze("The two leaders met Priya Nair, 34, who was aged 64 at the time. One of the key events followed.")
    assert a.quantities == ()


def test_elided_people_count_inherits_the_unit(analyze):
    q = _q(analyze("The quake killed at least 41 people and injured more than 900."), 900)
    assert q.unit == "people" and q.measure == "injured"
