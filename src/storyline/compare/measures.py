"""Quantities made comparable: one base unit per dimension, a value interval, what is counted.

"5 km" and "3 miles" are both lengths in metres; "about 120" is the interval 108–132; "more
than 300" is [300, ∞). Two values agree when their intervals overlap. The measure class of a
count comes from the words around it ("killed" -> deaths, "rescued" -> rescued), so "12 people
were killed" and "the death toll rose to 15" are about the same thing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from storyline.nlp.types import QuantityInfo

__all__ = ["Normalised", "normalise", "agree", "measure_class", "measure_keys", "CHANGING_CLASSES", "CLASS_LABELS", "value_role"]

# unit -> (dimension, factor to the base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "km": ("length", 1000.0), "m": ("length", 1.0), "cm": ("length", 0.01), "mm": ("length", 0.001),
    "mile": ("length", 1609.344), "foot": ("length", 0.3048), "inch": ("length", 0.0254),
    "tonne": ("mass", 1000.0), "kg": ("mass", 1.0), "g": ("mass", 0.001), "lb": ("mass", 0.45359237),
    "ton": ("mass", 907.18474),  # short ton; long and metric tons are within the tolerance of conversions
    "km2": ("area", 1e6), "mile2": ("area", 2.589988e6), "hectare": ("area", 1e4), "acre": ("area", 4046.856),
    "litre": ("volume", 0.001), "gallon": ("volume", 0.003785411), "m3": ("volume", 1.0), "barrel": ("volume", 0.158987),
    "MW": ("power", 1e6), "GW": ("power", 1e9),
    "mph": ("speed", 0.44704), "km/h": ("speed", 1 / 3.6), "knot": ("speed", 0.514444),
    "year": ("duration", 365.25), "month": ("duration", 30.44), "week": ("duration", 7.0), "day": ("duration", 1.0),
    "hour": ("duration", 1 / 24), "minute": ("duration", 1 / 1440), "decade": ("duration", 3652.5),
    "percentage point": ("pp", 1.0), "basis point": ("pp", 0.01),
}
_PEOPLE = {"people", "person", "persons", "individuals"}

_APPROX = {"about", "around", "roughly", "approximately", "some", "nearly", "almost", "close to", "an estimated",
           "just over", "just under", "estimated"}
_LOWER = {"more than", "over", "at least", "upwards of", "in excess of", "just over"}
_UPPER = {"less than", "fewer than", "at most", "up to", "under", "as many as", "as much as", "just under"}

# Measure classes for counts whose figure changes as a story develops.
_CLASS_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("deaths", re.compile(r"\b(?:killed|killing|kills|dead|deaths?|died|die|death toll|toll|fatalities|fatality|"
                          r"bodies|lives|perished|drowned)\b", re.I)),
    ("injured", re.compile(r"\b(?:injured|injuring|injuries|wounded|wounding|hurt|hospitali[sz]ed)\b", re.I)),
    ("missing", re.compile(r"\b(?:missing|unaccounted)\b", re.I)),
    ("rescued", re.compile(r"\b(?:rescued|rescuers?|rescue|saved|survivors?|pulled)\b", re.I)),
    ("evacuated", re.compile(r"\b(?:evacuated|evacuees?|evacuation|fled|displaced|homeless|left their homes)\b", re.I)),
    ("arrested", re.compile(r"\b(?:arrested|arrests?|detained|detentions?)\b", re.I)),
    ("on board", re.compile(r"\b(?:on board|aboard|carrying|crammed with|passengers?)\b", re.I)),
]
CLASS_LABELS = {"deaths": "death toll", "injured": "number of injured", "missing": "number of missing",
                "rescued": "number of people rescued", "evacuated": "number of people evacuated",
                "arrested": "number of arrests", "on board": "number of people on board"}
CHANGING_CLASSES = {"deaths", "injured", "missing", "rescued", "evacuated", "arrested"}


@dataclass(frozen=True)
class Normalised:
    dim: str  # "length", "mass", "USD", "%", "count:people", "none:magnitude", ...
    value: float  # in the base unit of dim
    lo: float
    hi: float
    approximate: bool
    converted: bool  # the unit was not the base unit (conversions are rounded in text)


def _dimension(q: QuantityInfo) -> tuple[str, float, bool]:
    unit = (q.unit or "").strip()
    if unit in _UNITS:
        dim, factor = _UNITS[unit]
        return dim, factor, factor != 1.0
    low = unit.casefold()
    if low.endswith("s") and low[:-1] in _UNITS:
        dim, factor = _UNITS[low[:-1]]
        return dim, factor, factor != 1.0
    if q.kind == "money" or re.fullmatch(r"[A-Z]{3}", unit):
        return unit or "money", 1.0, False
    if unit == "%" or q.kind == "percent":
        return "%", 1.0, False
    if q.kind == "rate":
        return "%" if unit in ("", "%") else unit, 1.0, False
    if q.kind == "count":
        noun = "people" if low in _PEOPLE or not low else low.rstrip("s")
        return "count:" + noun, 1.0, False
    if q.kind == "ordinal":
        return "ordinal:" + (low or "?"), 1.0, False
    if not unit:
        return "none", 1.0, False
    return "other:" + low, 1.0, False


def _half_step(q: QuantityInfo) -> float:
    """How far a figure may be from its true value given how it is written, in q's unit.

    A decimal is as precise as its digits ("6.4" -> ±0.05, "$1.2bn" -> ±0.05bn); a whole
    number may be rounded by about 2% ("$245 billion" ~ "$245.3 billion"), and at least ±0.5.
    """
    m = re.search(r"\d[\d,]*(?:\.\d+)?", q.text or "")
    token = m.group(0).replace(",", "") if m else ""
    if "." in token:
        try:
            written = float(token)
        except ValueError:
            written = 0.0
        scale = abs(q.value / written) if written else 1.0
        return 0.5 * 10.0 ** -len(token.split(".", 1)[1]) * scale
    scale = 1.0
    if token:
        try:
            scale = abs(q.value / float(token)) if float(token) else 1.0
        except ValueError:
            scale = 1.0
    return max(0.5 * scale, 0.02 * abs(q.value))


def normalise(q: QuantityInfo) -> Normalised:
    dim, factor, converted = _dimension(q)
    v = q.value * factor
    qual = (q.qualifier or "").casefold().strip()
    half = max(_half_step(q) * factor, abs(v) * 0.005)
    if converted:
        half = max(half, abs(v) * 0.1)  # converted figures are rounded in the text ("5 km" ~ "3 miles")
    approximate = qual in _APPROX
    if approximate:
        half = max(half, abs(v) * 0.1)
    tol = half / abs(v) if v else 0.0
    lo, hi = v - half, v + half
    if qual in _LOWER:
        lo, hi = v * (1 - tol), math.inf
    elif qual in _UPPER:
        lo, hi = 0.0, v * (1 + tol)
        if qual == "up to":  # "waves of up to 4 metres": a maximum, as precise as the number
            lo = v * (1 - max(tol, 0.1))
    if lo > hi:
        lo, hi = hi, lo
    return Normalised(dim=dim, value=v, lo=lo, hi=hi, approximate=approximate or qual in _LOWER | _UPPER, converted=converted)


def agree(a: Normalised, b: Normalised) -> bool:
    """Whether two values of one dimension can state the same figure."""
    return a.lo <= b.hi and b.lo <= a.hi


def measure_class(sentence: str, q_start: int, q_end: int, window: int = 45) -> str | None:
    """The class of a count from the nearest cue word around it ("killed 12 people" -> deaths).

    `q_start`/`q_end` are offsets of the number within `sentence`.
    """
    best: tuple[int, str] | None = None
    lo = max(0, q_start - window)
    hi = min(len(sentence), q_end + window)
    for name, pattern in _CLASS_WORDS:
        for m in pattern.finditer(sentence, lo, hi):
            # Another number between the cue and this one means the cue belongs to that number.
            between = sentence[m.end():q_start] if m.end() <= q_start else sentence[q_end:m.start()]
            if re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand)\b", between, re.I):
                continue
            dist = q_start - m.end() if m.end() <= q_start else m.start() - q_end
            if best is None or dist < best[0]:
                best = (dist, name)
    return best[1] if best else None


_PREVIOUS = re.compile(r"\b(?:from|up from|down from|compared with|compared to|versus|vs\.?|than)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}$", re.I)
_DELTA = re.compile(
    r"\b(?:cut|cuts|cutting|rais\w*|lower\w*|increas\w*|reduc\w*|rose|rise[sn]?|rising|fell|fall\w*|grew|grow\w*|"
    r"drop\w*|declin\w*|climb\w*|jump\w*|slash\w*|trim\w*|boost\w*|hik\w*|widen\w*|narrow\w*|gain\w*|lost|los\w*|"
    r"shr[ai]nk\w*|shrunk|expand\w*|contract\w*|up|down|more|less|higher|lower)\b(?:\s+\S+){0,6}?\s+by\s+"
    r"(?:an?\s+|some\s+|about\s+|around\s+|nearly\s+|almost\s+|roughly\s+)?$",
    re.I,
)
_FORECAST = re.compile(r"\b(?:expects?|expected|expecting|forecasts?|forecast|predicts?|predicted|anticipates?|projects?|"
                       r"projected|sees|see)\b[^.;]{0,40}\b(?:fall|rise|drop|climb|increase|decrease|reach|hit|grow|decline|"
                       r"peak|slow|ease|go up|go down|top|exceed)\b[^.;]{0,15}$|\b(?:target|goal|aim) of\s+$", re.I)
_TARGET_AFTER = re.compile(r"^\S*\s+(?:\w+\s+)?(?:target|goal|forecast|projection|estimate for next)\b", re.I)


def value_role(sentence: str, q_start: int) -> str:
    """What the number is in its sentence: current value, previous value, change, or forecast."""
    before = sentence[max(0, q_start - 60):q_start]
    if _PREVIOUS.search(before):
        return "previous"
    if _DELTA.search(before):
        return "delta"
    if _FORECAST.search(before) or _TARGET_AFTER.match(sentence[q_start:]):
        return "forecast"
    return "value"


# Nouns (and a few verbs) that name what a figure measures, folded to one key per meaning.
_MEASURE_KEYS: dict[str, str] = {}
for _key, _words in {
    "cost": "cost costs costing priced price prices price-tag",
    "budget": "budget budgets",
    "funding": "funds funding fund subsidy subsidies grant grants",
    "revenue": "revenue revenues sales turnover",
    "profit": "profit profits earnings",
    "loss": "loss losses",
    "fine": "fine fined fines penalty penalties",
    "pay": "pay salary salaries wage wages bonus bonuses compensation",
    "charge": "charge charges severance",
    "tariff": "tariff tariffs duty duties levy levies",
    "trade": "trade exports imports",
    "debt": "debt debts deficit borrowing",
    "investment": "investment investments invest invested",
    "tax": "tax taxes",
    "inflation": "inflation",
    "unemployment": "unemployment jobless",
    "growth": "growth gdp",
    "shares": "shares stock stocks",
    "workforce": "workforce staff employees headcount employs employ employing",
    "layoffs": "layoffs layoff laying laid axing axed shedding shed redundancies",
    "jobs": "jobs positions posts roles",
    "capacity": "capacity seats seat",
    "population": "population inhabitants residents",
    "turnout": "turnout",
    "magnitude": "magnitude",
    "depth": "depth deep",
    "height": "height high tall",
    "distance": "distance away",
    "speed": "speed",
    "temperature": "temperature temperatures",
    "area": "area",
    "output": "output production",
    "valuation": "valuation valued worth",
    "stake": "stake",
}.items():
    for _w in _words.split():
        _MEASURE_KEYS[_w] = _key
_BOUNDARY = re.compile(r"[,;:()]|\d|\b(?:and|but|while|with|or)\b", re.I)


def clause_around(sentence: str, start: int, end: int, boundary: re.Pattern[str]) -> tuple[str, str]:
    """The text left and right of `sentence[start:end]`, each cut at the nearest `boundary` match."""
    before = sentence[:start]
    cuts = list(boundary.finditer(before))
    left = before[cuts[-1].end():] if cuts else before
    after = sentence[end:]
    cut = boundary.search(after)
    return left, after[:cut.start()] if cut else after


def measure_keys(sentence: str, q_start: int, q_end: int) -> frozenset[str]:
    """Measure words in the clause segment around a figure, up to the next comma or number.

    "The project is expected to cost $1.2bn, with $400 million coming from public funds":
    $1.2bn -> {cost}, $400 million -> {funding}.
    """
    seg_before, seg_after = clause_around(sentence, q_start, q_end, _BOUNDARY)
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", seg_before + " " + seg_after)
    return frozenset(_MEASURE_KEYS[w.casefold()] for w in words if w.casefold() in _MEASURE_KEYS)
