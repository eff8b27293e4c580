"""When did it happen? A small, self-contained reader of date evidence in article text.

`text_event_date(text, title=None, published=None)` returns a `DateEvidence` (an approximate
event date, its precision and the phrases it rests on) or None when the text says nothing
usable. It is what the story clusterer uses for undated articles; the fuller event dating of
`storyline.nlp.dating` can replace it through the clusterer's `event_dates` override.

Evidence read, strongest first:

- explicit dates in the dateline or lead: "May 9, 2025", "9 May 2025", "2025-05-09", "May 2025"
  (news states the year of background events, not of today's, so later ones are ignored);
- anniversaries: "the 80th anniversary of the defeat of Nazi Germany", "80 years since the end
  of World War II", "the 10th anniversary of ... in 2015" (a small table of widely
  commemorated events gives the base year when the text does not);
- a relative year tied to an explicit one in the same sentence: "record trade last year ... in
  2024" -> 2025;
- a month and day without a year ("May 9th", or a fixed named day such as "Victory Day"),
  dated by the year found above and checked against weekdays named in the text ("on Friday").

With a `published` date the text is resolved against it ("May 9" -> the nearest May 9) and
the published date is returned when the text has nothing more precise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["DateEvidence", "text_event_date", "parse_date", "lead_event_days"]

Precision = Literal["day", "month", "year"]

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])}
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>19\d\d|20\d\d)"
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "twentieth": 20, "twenty-fifth": 25, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "seventy-fifth": 75, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
_CARDINALS = {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}

# Widely commemorated events: (pattern, year). General knowledge, not tied to any input.
_BASES: tuple[tuple[str, int], ...] = (
    (r"nazi germany|victory day|victory in europe|v-?e day|great patriotic war|(?:end|close) of (?:the )?(?:world war (?:ii|two|2)|second world war)"
     r"|world war (?:ii|two|2) victory|victory (?:in|of) (?:the )?(?:world war (?:ii|two|2)|second world war)", 1945),
    (r"d-day|normandy landings?", 1944),
    (r"(?:start|outbreak|beginning) of (?:the )?(?:world war (?:ii|two|2)|second world war)", 1939),
    (r"(?:start|outbreak|beginning) of (?:the )?(?:world war (?:i|one|1)|first world war)", 1914),
    (r"armistice|(?:end|close) of (?:the )?(?:world war (?:i|one|1)|first world war)", 1918),
    (r"hiroshima|nagasaki|liberation of auschwitz", 1945),
    (r"moon landing|apollo 11", 1969),
    (r"fall of the berlin wall|berlin wall", 1989),
    (r"chernobyl", 1986),
    (r"tiananmen", 1989),
    (r"september 11|9/11", 2001),
)
# Fixed-date named days (month, day). Movable feasts are left out.
_NAMED_DAYS = {
    "victory day": (5, 9), "christmas day": (12, 25), "christmas eve": (12, 24), "new year's day": (1, 1),
    "new year's eve": (12, 31), "bastille day": (7, 14), "valentine's day": (2, 14), "halloween": (10, 31),
    "independence day": (7, 4), "armistice day": (11, 11), "remembrance day": (11, 11), "veterans day": (11, 11),
}

_LEAD_CHARS = 300  # explicit dates with a year count only in the dateline/lead; later they are mostly background
_RE_ISO = re.compile(r"\b(?P<year>19\d\d|20\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")
_RE_MDY = re.compile(rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}\b")
_RE_DMY = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR}\b")
_RE_MY = re.compile(rf"\b(?:in|since|of|during|until|by)\s+{_MON},?\s+{_YEAR}\b")
_RE_MD = re.compile(rf"\b{_MON}\s+{_DAY}\b(?!,?\s+(?:19|20)\d\d)(?!\s*(?:percent|%|million|billion|people))")
_RE_DM = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON}\b(?!,?\s+(?:19|20)\d\d)")
_RE_ANNIV = re.compile(
    r"\b(?:(?P<n>\d{1,3})(?:st|nd|rd|th)|(?P<nw>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r"))\s+anniversary\s+of\s+"
    r"(?P<x>[^.;:!?]{3,120})", re.I)
_RE_YEARS_SINCE = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(_CARDINALS) + r")\s+years\s+(?:since|after|on from)\s+(?P<x>[^.;:!?]{3,120})", re.I)
_RE_REL_YEAR = re.compile(r"\b(last|next)\s+year\b", re.I)
_RE_IN_YEAR = re.compile(r"\b(?:in|of|for|during)\s+(?P<year>19\d\d|20\d\d)\b(?![-\u2013/]\d)")
_RE_WEEKDAY = re.compile(r"\b(?:on\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_RE_NAMED = re.compile(r"\b(" + "|".join(re.escape(k) for k in _NAMED_DAYS).replace("'", "['\u2019]") + r")\b", re.I)


@dataclass(frozen=True)
class DateEvidence:
    """An approximate event date: `date` is the first day of the span `precision` names."""

    date: dt.date
    precision: Precision
    evidence: tuple[str, ...] = field(default_factory=tuple)
    confidence: float = 0.5

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """First and last day the evidence allows."""
        if self.precision == "day":
            return self.date, self.date
        if self.precision == "month":
            nxt = dt.date(self.date.year + (self.date.month == 12), self.date.month % 12 + 1, 1)
            return self.date, nxt - dt.timedelta(days=1)
        return dt.date(self.date.year, 1, 1), dt.date(self.date.year, 12, 31)


def parse_date(value: str | dt.date | None) -> tuple[dt.date, Precision] | None:
    """An ISO date, datetime, 'YYYY-MM' or 'YYYY' as (first day, precision); None if unparseable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    s = str(value).strip()
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", s)
    if not m:
        return None
    try:
        if m.group(3):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day"
        if m.group(2):
            return dt.date(int(m.group(1)), int(m.group(2)), 1), "month"
        return dt.date(int(m.group(1)), 1, 1), "year"
    except ValueError:
        return None


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _quote(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def _base_year(phrase: str) -> int | None:
    explicit = re.search(r"\b(?:in\s+)?(1[5-9]\d\d|20\d\d)\b", phrase)
    if explicit:
        return int(explicit.group(1))
    low = phrase.lower()
    for pattern, year in _BASES:
        if re.search(pattern, low):
            return year
    return None


def text_event_date(text: str, title: str | None = None, published: str | dt.date | None = None) -> DateEvidence | None:
    """The event date the text supports, with the phrases it rests on; None without evidence.

    >>> text_event_date("Celebrations on May 9 mark the 80th anniversary of the defeat of Nazi Germany.").date
    datetime.date(2025, 5, 9)
    """
    full = f"{title}\n{text}" if title else text
    head = full[:6000]  # the lead carries the event; later paragraphs are mostly background
    pub = parse_date(published)
    years: Counter[int] = Counter()
    evidence: list[str] = []
    exact: list[tuple[dt.date, str]] = []
    months: list[tuple[dt.date, str]] = []

    lead_end = _LEAD_CHARS + (len(title) + 1 if title else 0)
    for m in _RE_ISO.finditer(head[:lead_end]):
        d = _safe_date(int(m["year"]), int(m["m"]), int(m["d"]))
        if d:
            exact.append((d, _quote(head, m.start(), m.end())))
    for rx in (_RE_MDY, _RE_DMY):
        for m in rx.finditer(head[:lead_end]):
            d = _safe_date(int(m["year"]), _month(m["mon"]), int(m["day"]))
            if d:
                exact.append((d, _quote(head, m.start(), m.end())))
    for m in _RE_MY.finditer(head[:lead_end]):
        months.append((dt.date(int(m["year"]), _month(m["mon"]), 1), _quote(head, m.start(), m.end())))

    for rx in (_RE_ANNIV, _RE_YEARS_SINCE):
        for m in rx.finditer(head):
            n_raw = m.groupdict().get("n") or ""
            n = int(n_raw) if n_raw.isdigit() else _ORDINALS.get((m.groupdict().get("nw") or "").lower()) or _CARDINALS.get(n_raw.lower())
            base = _base_year(m["x"])
            if n and base:
                years[base + n] += 3
                evidence.append(f"{base + n}: \"{_quote(head, m.start(), min(m.end(), m.start() + 90))}\"")

    # "last year" / "next year" count only next to an explicit year: "last year ... in 2024".
    for m in _RE_REL_YEAR.finditer(head):
        near = head[max(0, m.start() - 60):m.end() + 60]
        in_years = [int(y["year"]) for y in _RE_IN_YEAR.finditer(near)]
        if not in_years:
            continue
        if m.group(1).lower() == "last":
            y = max(in_years)
            years[y + 1] += 2
            evidence.append(f"{y + 1}: \"last year\" with \"in {y}\"")
        else:
            y = min(in_years)
            years[y - 1] += 2
            evidence.append(f"{y - 1}: \"next year\" with \"in {y}\"")

    month_days: list[tuple[int, int, str]] = []
    for rx in (_RE_MD, _RE_DM):
        for m in rx.finditer(head):
            month_days.append((_month(m["mon"]), int(m["day"]), _quote(head, m.start(), m.end())))
    for m in _RE_NAMED.finditer(head):
        key = m.group(1).lower().replace("\u2019", "'")
        if key in _NAMED_DAYS:
            md = _NAMED_DAYS[key]
            month_days.append((md[0], md[1], m.group(1)))
    weekdays = {_WEEKDAYS.index(m["wd"].lower()) for m in _RE_WEEKDAY.finditer(head[:3000])}

    for d, q in exact:
        years[d.year] += 2
    for d, q in months:
        years[d.year] += 1

    # A published date anchors everything: nearest matching day, else the published day itself.
    if pub is not None:
        pdate, pprec = pub
        if pprec == "day":
            for mo, da, q in month_days:
                cands = [c for y in (pdate.year - 1, pdate.year, pdate.year + 1) if (c := _safe_date(y, mo, da))]
                if cands:
                    best = min(cands, key=lambda c: abs((c - pdate).days))
                    if abs((best - pdate).days) <= 10:
                        return DateEvidence(best, "day", (f"\"{q}\" near the published date {pdate.isoformat()}",), 0.9)
        return DateEvidence(pdate, pprec, (f"published {pdate.isoformat()}",), 0.9)

    if exact:
        by_day = Counter(d for d, _ in exact)
        d, _ = by_day.most_common(1)[0]
        if not years or years.most_common(1)[0][0] == d.year or len(by_day) == 1:
            quotes = [q for x, q in exact if x == d]
            return DateEvidence(d, "day", tuple(f"\"{q}\"" for q in quotes[:3]) + tuple(evidence[:2]), 0.6)

    if years:
        (year, votes), = years.most_common(1)
        runner = years.most_common(2)[1][1] if len(years) > 1 else 0
        conf = min(0.9, 0.4 + 0.15 * (votes - runner))
        if votes <= runner:
            return None
        for mo, da, q in month_days:
            d = _safe_date(year, mo, da)
            if d is None:
                continue
            ev = [f"\"{q}\" in {year}", *evidence[:3]]
            if weekdays and d.weekday() in weekdays:
                ev.append(f"{_WEEKDAYS[d.weekday()].title()} agrees")
            return DateEvidence(d, "day", tuple(ev), conf)
        for d, q in months:
            if d.year == year:
                return DateEvidence(d, "month", (f"\"{q}\"", *evidence[:3]), conf)
        return DateEvidence(dt.date(year, 1, 1), "year", tuple(evidence[:4]), conf)
    return None


# --- the days a dated article's lead says things happened ---------------------------------

_WEEKDAY_NAMES = "(?:" + "|".join(_WEEKDAYS) + ")"
_LEAD_DAY = re.compile(rf"\b(?:(next|last|this|coming)\s+)?({_WEEKDAY_NAMES})\b|\b(yesterday)\b", re.I)
_FUTURE = re.compile(r"\b(?:will|would|plans? to|(?:is|are) due|expected to|scheduled|set to)\b", re.I)
# Weekdays in names: a "Black Friday" sale, "Super Tuesday" primaries, the "Mail on Sunday" and
# "Monday Night Football" say nothing about the day the news happened.
_NAMED_WEEKDAY = re.compile(
    r"\b(?:black|cyber|super|good|ash|holy|maundy|easter|palm|bloody|giving|shrove|fat|blue|whit|"
    rf"super\s+bowl|small\s+business|mail\s+on)\s+{_WEEKDAY_NAMES}\b|"
    rf"\b{_WEEKDAY_NAMES}\s+(?:times|telegraph|express|mirror|post|herald|people|sport|night\s+(?:football|live))\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
LEAD_DAY_WORDS = 80  # words of body text read for weekday references (the lead)


def lead_event_days(title: str | None, text: str, published: dt.date) -> frozenset[dt.date]:
    """Days the headline and lead place events on: "on Tuesday", "Monday's attack", "yesterday".

    Each weekday resolves to the latest such day on or before `published` (news reports the
    past; sentences about plans, "will ... on Friday", are skipped). Two reports of one event
    name the same day whatever their wording: "a roof fall on Tuesday" and "Tuesday's collapse".
    """
    return frozenset(lead_days_in_order(title, text, published))


def lead_days_in_order(title: str | None, text: str, published: dt.date) -> list[dt.date]:
    """`lead_event_days` in the order the text names them (the first is usually the news itself)."""
    return resolve_lead_days(lead_day_mentions(title, text), published)


def resolve_lead_days(mentions: list[tuple[str, int | None]], published: dt.date) -> list[dt.date]:
    """The dates of `lead_day_mentions`: each weekday is the latest such day on or before `published`."""
    days: list[dt.date] = []
    for qualifier, weekday in mentions:
        if weekday is None:  # "yesterday"
            days.append(published - dt.timedelta(days=1))
            continue
        back = (published.weekday() - weekday) % 7
        if qualifier == "last" and back == 0:
            back = 7
        days.append(published - dt.timedelta(days=back))
    return list(dict.fromkeys(days))


def lead_weekdays(mentions: list[tuple[str, int | None]]) -> list[int]:
    """The weekdays (0 = Monday) of `lead_day_mentions`, in the order named, without repeats.

    An undated article cannot resolve "on Tuesday" to a date, but two reports of one event
    still name the same weekday, while two occurrences of one kind of event weeks apart
    mostly do not (BASIL even years: pairs of one event share one 84% of the time, the
    hardest pairs of different events 20%)."""
    return list(dict.fromkeys(w for _, w in mentions if w is not None))


def lead_day_mentions(title: str | None, text: str) -> list[tuple[str, int | None]]:
    """(qualifier, weekday) of each past day the headline and lead name ("last Tuesday" ->
    ("last", 1)); weekday None for "yesterday". Sentences about plans ("will ... on Friday"),
    "next/this/coming Monday" and weekdays in names ("Black Friday") are skipped: news reports
    what happened."""
    # split only a prefix: 80 words fit in 2,400 characters, and splitting a whole article is slow
    lead = " ".join(text[: 30 * LEAD_DAY_WORDS].split()[:LEAD_DAY_WORDS])
    out: list[tuple[str, int | None]] = []
    for sentence in _SENTENCE_END.split(_NAMED_WEEKDAY.sub(" ", f"{title or ''}. {lead}")):
        if _FUTURE.search(sentence):
            continue
        for m in _LEAD_DAY.finditer(sentence):
            if m[3]:
                out.append(("", None))
                continue
            qualifier = (m[1] or "").lower()
            if qualifier in ("next", "this", "coming"):
                continue
            out.append((qualifier, _WEEKDAYS.index(m[2].lower())))
    return out
