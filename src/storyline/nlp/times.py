"""Time expressions: find them, keep their parts, resolve them against a reference date.

Forms: explicit dates ("May 9", "9 May 2025", "May 9th", "2025-05-09"), months with or
without a year, years, weekdays ("on Thursday"), relative expressions ("last year",
"next month", "two days ago", "days after"), anniversaries ("the 80th anniversary of the
defeat of Nazi Germany" -> 1945 + 80 = 2025) and datelines ("MOSCOW, May 8 (Reuters) -").

Without a reference date an expression keeps its parts (month, day, weekday, offset) and
`value` is set only when the text alone fixes it; `nlp.dating` works from the parts.
The anniversary and holiday tables are general knowledge, not tied to any input.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from storyline.nlp.sentences import SentenceLocator, inside_any, non_overlapping, quotation_spans
from storyline.nlp.types import SentenceInfo, TimeExpression

__all__ = ["extract_times", "resolve_time", "parse_reference_date", "ANNIVERSARY_BASES", "HOLIDAYS"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[7-9]\d\d|20\d\d|21\d\d)"
_UNITS_W = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "a": 1, "an": 1, "several": None, "few": None, "a few": None,
}
_TENS_W = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORD_W = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
_ORDW_RE = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
            + "|".join(sorted(_ORD_W, key=len, reverse=True)) + ")")
_NUMW_RE = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
            r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
            r"eighteen|nineteen|a hundred|one hundred|a|an|several|a few|few)")

# Well-known events and the dates they are commemorated from (general knowledge).
# Checked in order; the first pattern found in "the Nth anniversary of X" / "N years since X" wins.
ANNIVERSARY_BASES: tuple[tuple[str, int, int | None, int | None], ...] = (
    (r"(?:outbreak|start|beginning) of (?:the )?(?:world war (?:ii|two|2)\b|second world war)", 1939, 9, 1),
    (r"(?:outbreak|start|beginning) of (?:the )?(?:world war (?:i|one|1)\b|first world war|great war)", 1914, 7, 28),
    (r"armistice|(?:end|close) of (?:the )?(?:world war (?:i|one|1)\b|first world war|great war)", 1918, 11, 11),
    (r"d-day|normandy landings?", 1944, 6, 6),
    (r"liberation of auschwitz", 1945, 1, 27),
    (r"hiroshima", 1945, 8, 6),
    (r"nagasaki", 1945, 8, 9),
    (r"victory in europe|\bv-?e day|nazi germany|great patriotic war|victory over fascism|defeat of fascism|victory day", 1945, 5, None),
    (r"world war (?:ii|two|2)\b|second world war|\bwwii\b|\bww2\b", 1945, None, None),
    (r"(?:found|creat|establish|birth)\w* of the united nations|united nations charter|\bu\.?n\.? charter", 1945, 10, 24),
    (r"universal declaration of human rights", 1948, 12, 10),
    (r"(?:found|creat|establish|birth)\w* of (?:the )?nato|north atlantic treaty", 1949, 4, 4),
    (r"(?:found|creat|establish|birth|proclamation)\w* of the people'?s republic of china", 1949, 10, 1),
    (r"treaty of rome", 1957, 3, 25),
    (r"assassination of (?:president )?(?:john f\.? )?kennedy|\bjfk\b", 1963, 11, 22),
    (r"launch of apollo 11|apollo 11 launch", 1969, 7, 16),
    (r"apollo 11|(?:first )?moon landing|first (?:man|men|humans?) on the moon", 1969, 7, 20),
    (r"chernobyl", 1986, 4, 26),
    (r"tiananmen", 1989, 6, 4),
    (r"berlin wall", 1989, 11, 9),
    (r"(?:german )?reunification(?: of germany)?", 1990, 10, 3),
    (r"(?:collapse|dissolution|fall|break-?up) of the soviet union", 1991, 12, 26),
    (r"maastricht treaty|treaty of maastricht", 1992, 2, 7),
    (r"rwandan genocide|genocide (?:in rwanda|against the tutsi)", 1994, 4, 7),
    (r"srebrenica", 1995, 7, 11),
    (r"death of (?:princess )?diana", 1997, 8, 31),
    (r"hong kong'?s? (?:handover|return)|handover of hong kong", 1997, 7, 1),
    (r"good friday agreement", 1998, 4, 10),
    (r"september 11|9/11", 2001, 9, 11),
    (r"indian ocean tsunami|boxing day tsunami", 2004, 12, 26),
    (r"hurricane katrina", 2005, 8, 29),
    (r"fukushima", 2011, 3, 11),
    (r"annex\w* (?:of )?(?:the )?crimea", 2014, 3, 18),
    (r"brexit referendum|eu referendum", 2016, 6, 23),
    (r"(?:full-scale )?invasion of ukraine|russia'?s (?:full-scale )?invasion", 2022, 2, 24),
    (r"(?:american|u\.?s\.?) independence|declaration of independence", 1776, 7, 4),
    (r"storming of the bastille", 1789, 7, 14),
    (r"october revolution|bolshevik revolution|russian revolution", 1917, 11, 7),
    (r"india'?s independence|independence of india|indian independence", 1947, 8, 15),
)
_ANNIV_COMPILED = tuple((re.compile(p), y, m, d) for p, y, m, d in ANNIVERSARY_BASES)

# Days named in news copy that fall on a fixed date (general knowledge).
HOLIDAYS: dict[str, tuple[int, int]] = {
    "victory day": (5, 9), "ve day": (5, 8), "v-e day": (5, 8), "victory in europe day": (5, 8),
    "christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26), "new year's day": (1, 1),
    "new year's eve": (12, 31), "bastille day": (7, 14), "armistice day": (11, 11), "remembrance day": (11, 11),
    "veterans day": (11, 11), "valentine's day": (2, 14), "halloween": (10, 31), "may day": (5, 1),
    "international women's day": (3, 8), "canada day": (7, 1), "australia day": (1, 26), "anzac day": (4, 25),
    "juneteenth": (6, 19), "st patrick's day": (3, 17), "st. patrick's day": (3, 17), "saint patrick's day": (3, 17),
    "guy fawkes night": (11, 5),
}
_HOLIDAY_RE = re.compile(
    r"\b(Victory Day|V-?E Day|Victory in Europe Day|Christmas Day|Christmas Eve|Boxing Day|New Year['\u2019]s Day|"
    r"New Year['\u2019]s Eve|Bastille Day|Armistice Day|Remembrance Day|Veterans Day|Valentine['\u2019]s Day|Halloween|"
    r"May Day|International Women['\u2019]s Day|Canada Day|Australia Day|Anzac Day|Juneteenth|St\.? Patrick['\u2019]s Day|"
    r"Saint Patrick['\u2019]s Day|Guy Fawkes Night)\b"
)

_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z'\u2019.\-]+(?:[ \-][A-Z][A-Z'\u2019.\-]+)*)(?:,\s*[A-Z][A-Za-z.]+)*,?\s+"
    rf"(?:(?P<mon>{_MON})\s+(?P<day>{_DAY})|(?P<day2>{_DAY})\s+(?P<mon2>{_MON}))(?:,?\s+(?P<year>{_YEAR}))?"
    rf"\s*(?:\([^)\n]{{1,40}}\))?\s*[-\u2013\u2014]+",
    re.M,
)
_ISO = re.compile(rf"\b(?P<year>{_YEAR})-(?P<mon>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b")
_MDY = re.compile(rf"(?:\b(?P<wd>{_WD}),?\s+)?(?:the\s+)?\b(?P<mon>{_MON})\s+(?P<day>{_DAY})\b(?:,?\s+(?P<year>{_YEAR})\b)?")
_DMY = re.compile(rf"(?:\b(?P<wd>{_WD}),?\s+)?(?:the\s+)?\b(?P<day>{_DAY})(?:\s+of)?\s+(?P<mon>{_MON})(?![a-z])(?:,?\s+(?P<year>{_YEAR})\b)?")
_MONTH_YEAR = re.compile(rf"\b(?:(?P<mod>early|mid|late)[\s-]+)?(?P<mon>{_MON}),?\s+(?P<year>{_YEAR})\b")
_MONTH = re.compile(
    rf"\b(?:(?P<pre>in|since|until|till|by|from|during|through|throughout|of|before|after|early|mid|late|last|next|this|"
    rf"[Ii]n early|[Ii]n late|[Ii]n mid)[\s-]+)(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)\b(?![\s,]+\d)"
)
_WEEKDAY = re.compile(rf"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Oo]n|[Cc]oming)\s+)?(?P<wd>{_WD})(?P<poss>['\u2019]s)?\b")
_YEAR_RE = re.compile(rf"(?<![\$\u20ac\u00a3\u00a5\d.,\-/])\b(?P<year>{_YEAR})\b(?![\d%/]|\.\d|\s*(?:%|percent|per cent))")
_RELATIVE = re.compile(
    r"\b(?P<word>[Yy]esterday|[Tt]oday|[Tt]omorrow|[Tt]onight|[Ll]ast night|[Tt]his (?:morning|afternoon|evening))\b"
    r"|\b(?P<dir>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Cc]oming|(?:[Ee]arlier|[Ll]ater) this)\s+(?P<unit>week|month|year|weekend)\b"
    rf"|\b(?P<qual>(?:more than|over|just over|nearly|almost|about|around|some|less than|just under)\s+)?(?P<n>\d+|{_NUMW_RE})\s+(?P<unit2>day|week|month|year|decade)s?\s+(?P<dir2>ago|earlier|later)\b"
    rf"|\b(?P<n5>\d+|{_NUMW_RE})\s+(?P<unit5>day|week|month|year)s?\s+(?P<dir5>after|before)\b"
    r"|\b(?P<vague>days|weeks|months|hours)\s+(?P<dir3>after|before|earlier|later)\b"
    r"|\b[Tt]he\s+(?P<dir4>previous|following|next)\s+(?P<unit4>day|week|month|year)\b",
)
_ANNIV = re.compile(
    rf"\b(?:the\s+)?(?:(?P<n>\d{{1,3}})(?:st|nd|rd|th)|(?P<nw>{_ORDW_RE}))\s+anniversary\s+of\s+"
    r"(?P<x>[^.;:!?\n]{3,160}?)(?=[.;:!?\n]|,\s|\s[-\u2013\u2014]\s|$)",
    re.I,
)
_YEARS_SINCE = re.compile(
    rf"\b(?P<qual>(?:more than|over|nearly|almost|about|some)\s+)?(?P<n>\d{{1,3}}|{_NUMW_RE})\s+years\s+(?:since|after)\s+"
    r"(?P<x>[^.;:!?\n]{3,160}?)(?=[.;:!?\n]|,\s|\s[-\u2013\u2014]\s|$)",
    re.I,
)
_FUTURE_LEMMAS = {"schedule", "expect", "due", "set", "plan", "intend", "prepare", "go", "aim"}
_STOP = {"the", "a", "an", "of", "in", "on", "and", "to", "its", "their", "his", "her", "from", "for", "by", "with", "at", "that", "this"}


def parse_reference_date(value: str | dt.date | None) -> dt.date | None:
    """A date from an ISO date/datetime string (or a date); None when absent or unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        from dateutil import parser as _dateutil_parser

        return _dateutil_parser.parse(text).date()
    except (ValueError, OverflowError, ImportError):
        return None


def _number_word(word: str) -> int | None:
    w = word.lower().replace("-", " ").strip()
    if w.isdigit():
        return int(w)
    if w in _UNITS_W:
        return _UNITS_W[w]
    if w in ("a hundred", "one hundred"):
        return 100
    parts = w.split()
    if parts and parts[0] in _TENS_W:
        return _TENS_W[parts[0]] + (_UNITS_W.get(parts[1]) or 0 if len(parts) > 1 else 0)
    return None


def _ordinal_word(word: str) -> int | None:
    w = word.lower().replace(" ", "-")
    if w in _ORD_W:
        return _ORD_W[w]
    if "-" in w:
        tens, unit = w.split("-", 1)
        if tens in _TENS_W and unit in _ORD_W:
            return _TENS_W[tens] + _ORD_W[unit]
    return None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(token: str) -> int:
    return int(re.match(r"\d+", token).group())  # type: ignore[union-attr]


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    priority: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int | None = None
    offset_unit: str | None = None
    base_year: int | None = None
    note: str | None = None


# A sentence without any of these cannot hold a time expression; the full patterns skip it.
_GATE = re.compile(
    r"\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"[Yy]esterday|[Tt]oday|[Tt]omorrow|[Tt]onight|[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Cc]oming|[Pp]revious|[Ff]ollowing|"
    r"ago|days|weeks|months|hours|anniversary|years|Day|Eve|Halloween|Juneteenth|Night)"
)


def _gated_spans(text: str, spans: Sequence[tuple[int, int]] | None) -> list[tuple[int, int]]:
    if not spans:
        return [(0, len(text))]
    return [(s, e) for s, e in spans if _GATE.search(text, s, e)]


def _iter(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> Any:
    for s, e in spans:
        yield from pattern.finditer(text, s, e)


def _find_raw(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[_Raw]:
    found: list[_Raw] = []
    gated = _gated_spans(text, spans)
    for m in _iter(_DATELINE, text, gated):
        mon, day = ("mon", "day") if m["mon"] else ("mon2", "day2")
        start = min(m.start(mon), m.start(day))
        end = m.end("year") if m["year"] else max(m.end(mon), m.end(day))
        found.append(_Raw(start, end, "dateline", 0, int(m["year"]) if m["year"] else None, _month(m[mon]), _day(m[day])))
    for m in _iter(_ANNIV, text, gated):
        n = int(m["n"]) if m["n"] else _ordinal_word(m["nw"])
        found.append(_Raw(m.start(), m.end(), "anniversary", 1, offset=n, note=m["x"]))
    for m in _iter(_YEARS_SINCE, text, gated):
        n = _number_word(m["n"])
        if n and n > 1:
            found.append(_Raw(m.start(), m.end(), "anniversary", 1, offset=n, note=("~" if m["qual"] else "") + m["x"]))
    for m in _iter(_ISO, text, gated):
        found.append(_Raw(m.start(), m.end(), "date", 2, int(m["year"]), int(m["mon"]), int(m["day"])))
    for pattern in (_MDY, _DMY):
        for m in _iter(pattern, text, gated):
            day = _day(m["day"])
            if not 1 <= day <= 31:
                continue
            wd = WEEKDAYS.index(m["wd"].lower()) if m["wd"] else None
            start = m.start("wd") if m["wd"] else min(m.start("mon"), m.start("day"))
            found.append(_Raw(start, m.end(), "date", 3, int(m["year"]) if m["year"] else None, _month(m["mon"]), day, wd))
    for m in _iter(_MONTH_YEAR, text, gated):
        found.append(_Raw(m.start(), m.end(), "month", 4, int(m["year"]), _month(m["mon"])))
    for m in _iter(_HOLIDAY_RE, text, gated):
        key = re.sub(r"['\u2019]", "'", m.group(1)).lower()
        month, day = HOLIDAYS.get(key, HOLIDAYS.get(key.replace("-", ""), (0, 0)))
        if month:
            found.append(_Raw(m.start(), m.end(), "date", 5, None, month, day, note="holiday"))
    for m in _iter(_MONTH, text, gated):
        note = m["pre"].lower().split()[-1] if m["pre"] else None
        off = {"last": -1, "next": 1, "this": 0}.get(note or "")
        found.append(_Raw(m.start("mon"), m.end(), "month", 6, None, _month(m["mon"]), offset=off,
                          offset_unit="year" if off is not None else None, note=note))
    for m in _iter(_WEEKDAY, text, gated):
        mod = (m["mod"] or "").lower()
        off = {"last": -1, "next": 1}.get(mod)
        found.append(_Raw(m.start("wd") if mod in ("on", "") else m.start(), m.end("wd"), "weekday", 7,
                          weekday=WEEKDAYS.index(m["wd"].lower()), offset=off, offset_unit="week" if off else None,
                          note="possessive" if m["poss"] else (mod or None)))
    for m in _iter(_RELATIVE, text, gated):
        found.append(_relative(m))
    for m in _iter(_YEAR_RE, text, gated):
        found.append(_Raw(m.start(), m.end(), "year", 8, int(m["year"])))
    return found


def _relative(m: re.Match[str]) -> _Raw:
    start, end = m.start(), m.end()
    if m["word"]:
        w = m["word"].lower()
        off = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0, "last night": -1}.get(w, 0)
        return _Raw(start, end, "relative", 9, offset=off, offset_unit="day", note=w)
    if m["dir"]:
        d = m["dir"].lower()
        unit = m["unit"].lower()
        off = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(d, 0)
        if unit == "weekend":
            unit = "week"
        return _Raw(start, end, "relative", 9, offset=off, offset_unit=unit, note=d)
    if m["n"]:
        n = _number_word(m["n"])
        unit = m["unit2"].lower()
        mult = 10 if unit == "decade" else 1
        unit = "year" if unit == "decade" else unit
        sign = -1 if m["dir2"].lower() in ("ago", "earlier") else 1
        note = "approximate" if m["qual"] else None
        return _Raw(start, end, "relative", 9, offset=None if n is None else sign * n * mult, offset_unit=unit, note=note)
    if m["n5"]:
        n = _number_word(m["n5"])
        unit = m["unit5"].lower()
        return _Raw(start, end, "relative", 9, offset_unit=unit, note=f"{n} {unit}s {m['dir5'].lower()} another event")
    if m["vague"]:
        return _Raw(start, end, "relative", 9, note=f"{m['vague'].lower()} {m['dir3'].lower()}")
    d = m["dir4"].lower()
    return _Raw(start, end, "relative", 9, offset=-1 if d == "previous" else 1, offset_unit=m["unit4"].lower(), note=f"the {d}")


def _anniversary_base(raw: _Raw, text: str, sentences: Sequence[SentenceInfo], sent_idx: int) -> tuple[int | None, int | None, int | None, str]:
    """Base (year, month, day) of the event an anniversary commemorates, with how it was found."""
    x = (raw.note or "").lstrip("~")
    years = re.findall(rf"\b{_YEAR}\b", x)
    if years:
        year = int(years[-1])
        month, day = _date_in_text_for_year(text, year)
        return year, month, day, f"year {year} in the text"
    low = x.lower()
    for pattern, year, month, day in _ANNIV_COMPILED:
        if pattern.search(low):
            return year, month, day, "well-known date"
    # "X in YEAR" elsewhere in the article: a sentence naming a distinctive word of X together with a year.
    # Needs two shared content words, or one proper name ("the forum's founding" / "founded the forum in 1994").
    keys = {w for w in re.findall(r"[a-z][a-z'\-]{4,}", low) if w not in _STOP}
    names = {w.lower() for w in re.findall(r"\b[A-Z][a-z]{3,}", x)}
    for i, s in enumerate(sentences):
        if i == sent_idx:
            continue
        ys = re.findall(rf"\b{_YEAR}\b", s.text)
        words = set(re.findall(r"[a-z][a-z'\-]{4,}", s.text.lower()))
        if ys and (len(keys & words) >= 2 or names & words):
            year = int(ys[0])
            month, day = _date_in_text_for_year(text, year)
            return year, month, day, f"year {year} stated elsewhere in the text"
    return None, None, None, ""


def _date_in_text_for_year(text: str, year: int) -> tuple[int | None, int | None]:
    for pattern in (_MDY, _DMY):
        for m in pattern.finditer(text):
            if m["year"] and int(m["year"]) == year:
                return _month(m["mon"]), _day(m["day"])
    for m in _MONTH_YEAR.finditer(text):
        if int(m["year"]) == year:
            return _month(m["mon"]), None
    return None, None


def _clause_info(doc: Any, start: int, end: int) -> tuple[str | None, str | None, bool]:
    """(tense, governing preposition, names-another-event) of the clause around a character span.

    The last is True when the expression modifies a noun rather than the clause: "the Sept. 11,
    2012, attack", "the twin earthquakes of February 2023", "the 2016 election".
    """
    if doc is None:
        return None, None, False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, None, False
    root = span.root
    modifier = (root.dep_ in ("compound", "nmod", "amod", "nummod", "poss") and root.head.pos_ in ("NOUN", "PROPN")
                and root.head.i >= span.end) or \
        (root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN")
    prep = None
    if root.dep_ == "pobj" and root.head.pos_ == "ADP":
        prep = root.head.lower_
    else:
        before = doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.pos_ == "ADP":
            prep = before.lower_
    verb = root
    hops = 0
    while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb and hops < 8:
        verb = verb.head
        hops += 1
    return _tense(verb), prep, modifier


def _tense(verb: Any) -> str | None:
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    chain = [verb]
    head = verb
    while head.dep_ in ("xcomp", "conj") and head.head is not head and len(chain) < 4:
        head = head.head
        chain.append(head)
    for v in chain:
        for child in v.children:
            if child.dep_ == "aux" and child.lower_ in ("will", "'ll", "shall", "wo"):
                return "future"
        if v.lemma_ in _FUTURE_LEMMAS and (v.tag_ in ("VBN", "JJ") or v is not verb):
            if any(c.lower_ in ("is", "are", "be", "'s", "'re", "am") for c in v.children):
                return "future"
    tag = verb.tag_
    if tag == "VBD":
        return "past"
    if tag == "VBN":
        aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if any(a in ("has", "have", "had", "was", "were") for a in aux):
            return "past"
        if any(a in ("will", "'ll") for a in aux):
            return "future"
        return "past"
    if tag in ("VBZ", "VBP", "VBG", "VB"):
        return "present"
    return None


def resolve_time(t: TimeExpression, ref: dt.date | None) -> TimeExpression:
    """`t` with value/precision resolved against `ref` (unchanged parts are kept)."""
    value, precision = _resolve(t, ref)
    return replace(t, value=value, precision=precision)


def _resolve(t: TimeExpression, ref: dt.date | None) -> tuple[str | None, Any]:
    kind = t.kind
    if kind in ("date", "dateline"):
        if t.year and t.month and t.day and _valid(t.year, t.month, t.day):
            return dt.date(t.year, t.month, t.day).isoformat(), "day"
        if ref and t.month and t.day:
            best = None
            for y in (ref.year - 1, ref.year, ref.year + 1):
                if _valid(y, t.month, t.day):
                    d = dt.date(y, t.month, t.day)
                    if best is None or abs((d - ref).days) < abs((best - ref).days):
                        best = d
            return (best.isoformat(), "day") if best else (None, None)
        return None, None
    if kind == "month":
        if t.year and t.month:
            return f"{t.year:04d}-{t.month:02d}", "month"
        if ref and t.month:
            if t.offset is not None:  # "last March", "next May"
                y = ref.year + t.offset if t.offset else ref.year
                if t.offset == -1 and t.month < ref.month:
                    y = ref.year
                if t.offset == 1 and t.month > ref.month:
                    y = ref.year
                return f"{y:04d}-{t.month:02d}", "month"
            y = ref.year
            diff = t.month - ref.month
            if t.tense == "past" and diff > 0:
                y -= 1
            elif t.tense == "future" and diff < 0:
                y += 1
            elif diff > 6:
                y -= 1
            elif diff < -6:
                y += 1
            return f"{y:04d}-{t.month:02d}", "month"
        return None, None
    if kind == "year":
        return (f"{t.year:04d}", "year") if t.year else (None, None)
    if kind == "anniversary":
        if t.year and t.month and t.day and _valid(t.year, t.month, t.day):
            return dt.date(t.year, t.month, t.day).isoformat(), "day"
        if t.year and t.month:
            return f"{t.year:04d}-{t.month:02d}", "month"
        return (f"{t.year:04d}", "year") if t.year else (None, None)
    if ref is None:
        return None, None
    if kind == "weekday" and t.weekday is not None:
        delta = (t.weekday - ref.weekday()) % 7  # days ahead to the next such weekday (0 = today)
        if t.offset == 1 or (t.tense == "future" and t.offset is None):
            days = delta if t.offset is None else (delta or 7)
        elif t.offset == -1:
            days = -((ref.weekday() - t.weekday) % 7 or 7)
        else:  # past or unknown: news copy means the most recent such day
            days = -((ref.weekday() - t.weekday) % 7)
        return (ref + dt.timedelta(days=days)).isoformat(), "day"
    if kind == "relative" and t.offset is not None and t.offset_unit:
        if t.offset_unit == "day":
            return (ref + dt.timedelta(days=t.offset)).isoformat(), "day"
        if t.offset_unit == "month":
            total = ref.year * 12 + (ref.month - 1) + t.offset
            return f"{total // 12:04d}-{total % 12 + 1:02d}", "month"
        if t.offset_unit == "year":
            return f"{ref.year + t.offset:04d}", "year"
        if t.offset_unit == "week" and t.offset == 0:
            return None, None
    return None, None


def extract_times(
    doc: Any,
    sentences: Sequence[SentenceInfo],
    reference_date: dt.date | None = None,
    text: str | None = None,
) -> tuple[TimeExpression, ...]:
    """All time expressions in the text, in order, resolved against `reference_date` when given.

    `doc` is the spaCy Doc of the text (used for tense and prepositions); it may be None, in
    which case `text` must be given and those two attributes stay empty.
    """
    if text is None:
        text = doc.text if doc is not None else ""
    locate = SentenceLocator(sentences)
    quotes = quotation_spans(text)
    out: list[TimeExpression] = []
    spans = [(s.start, s.end) for s in sentences]
    for raw in non_overlapping(_find_raw(text, spans)):
        if raw.kind == "year" and doc is not None and _year_is_count(doc, raw.start, raw.end):
            continue
        sent = locate.index(raw.start)
        note = raw.note
        year, month, day, base_year = raw.year, raw.month, raw.day, None
        if raw.kind == "anniversary":
            base_year, b_month, b_day, how = _anniversary_base(raw, text, sentences, sent)
            if base_year is None or raw.offset is None:
                note = "anniversary of an event with no known date"
                year = month = day = None
            else:
                year, month, day = base_year + raw.offset, b_month, b_day
                if month and day and not _valid(year, month, day):
                    day = None
                note = ("approximate; " if (raw.note or "").startswith("~") else "") + how
        tense, prep, modifier = _clause_info(doc, raw.start, raw.end)
        if modifier and raw.kind in ("date", "month", "year") and raw.note != "holiday":  # "Victory Day parade" is fine
            note = f"{note}; modifier" if note else "modifier"
        if inside_any(raw.start, raw.end, quotes):
            note = f"{note}; quoted" if note else "quoted"
        expr = TimeExpression(
            text=text[raw.start:raw.end], start=raw.start, end=raw.end, sentence=sent, kind=raw.kind,  # type: ignore[arg-type]
            value=None, precision=None, year=year, month=month, day=day, weekday=raw.weekday,
            offset=raw.offset if raw.kind != "anniversary" else None, offset_unit=raw.offset_unit,  # type: ignore[arg-type]
            base_year=base_year, tense=tense, prep=prep, note=note,  # type: ignore[arg-type]
        )
        out.append(resolve_time(expr, reference_date))
    return tuple(out)


def _year_is_count(doc: Any, start: int, end: int) -> bool:
    """'2000 people' is a count, not a year: the number modifies a plural noun."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span[-1]
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return bool(nxt is not None and nxt.tag_ == "NNS" and tok.dep_ == "nummod")
