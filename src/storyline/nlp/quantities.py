"""Quantities: value, unit, what it measures, kind.

Kinds: money ("$245 billion" -> 245e9 USD), percent ("145%"), rate (a percentage of a rate,
"a quarter point" -> 0.25 percentage point, "25 basis points"), count ("about 120 dock
workers" -> 120 people), ordinal ("his 11th visit" -> 11 visit) and other (durations,
distances, weights, magnitudes: "four-day" -> 4 day, "10 km").

Candidates come from regular expressions over the text; spaCy's parse then gives the
measure: the noun the number modifies ("145% tariffs"), the noun it is "of"/"in"
("41% of sales"), or the subject of the clause ("trade rose to $245 billion" -> "trade").
Numbers that are part of dates, years, anniversaries, clock times or names ("Apollo 11",
"G7", "Power of Siberia 2") are not quantities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storyline.nlp.sentences import SentenceLocator, non_overlapping
from storyline.nlp.types import EntityMention, QuantityInfo, SentenceInfo, TimeExpression

__all__ = ["extract_quantities", "parse_number"]

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMW = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
         rf"{'|'.join(sorted(_SMALL, key=len, reverse=True))}|a dozen|dozen|a hundred|one hundred)")
_MULT = r"(?:trillion|billion|million|thousand|tn|bn|mn|m|k)"
_MULT_WORD = r"(?:trillion|billion|million|thousand)"
_MULTIPLIERS = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6,
                "thousand": 1e3, "k": 1e3}
_QUAL = (r"(?P<qual>about|around|roughly|approximately|some|nearly|almost|over|more than|less than|fewer than|at least|"
         r"at most|up to|as many as|as much as|close to|just over|just under|under|an estimated|upwards of|in excess of)\s+")
_CUR_SYM = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD",
    "HK$": "HKD", "S$": "SGD", "R$": "BRL", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW",
}
_CUR_WORDS = {
    "dollar": "USD", "euro": "EUR", "pounds sterling": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "ruble": "RUB", "rouble": "RUB", "rupee": "INR", "franc": "CHF", "won": "KRW", "lira": "TRY",
    "peso": "MXN", "real": "BRL", "reais": "BRL", "rand": "ZAR", "dirham": "AED", "riyal": "SAR", "shekel": "ILS",
    "zloty": "PLN", "forint": "HUF", "hryvnia": "UAH", "naira": "NGN", "rupiah": "IDR", "ringgit": "MYR", "baht": "THB",
    "crown": None, "krona": "SEK", "kronor": "SEK", "krone": None, "kroner": None,
}
_CUR_ADJ = {
    ("canadian", "dollar"): "CAD", ("australian", "dollar"): "AUD", ("hong kong", "dollar"): "HKD",
    ("singapore", "dollar"): "SGD", ("new zealand", "dollar"): "NZD", ("taiwan", "dollar"): "TWD",
    ("taiwanese", "dollar"): "TWD", ("swedish", "crown"): "SEK", ("norwegian", "crown"): "NOK", ("danish", "crown"): "DKK",
    ("czech", "crown"): "CZK", ("norwegian", "krone"): "NOK", ("danish", "krone"): "DKK", ("norwegian", "kroner"): "NOK",
    ("danish", "kroner"): "DKK", ("swiss", "franc"): "CHF", ("argentine", "peso"): "ARS", ("mexican", "peso"): "MXN",
    ("philippine", "peso"): "PHP", ("chilean", "peso"): "CLP", ("colombian", "peso"): "COP", ("turkish", "lira"): "TRY",
    ("indian", "rupee"): "INR", ("pakistani", "rupee"): "PKR", ("south african", "rand"): "ZAR",
}
_CUR_ADJ_RE = (r"(?P<adj>U\.S\.|US|American|Canadian|Australian|Hong Kong|Singapore|New Zealand|Taiwan|Taiwanese|Swedish|"
               r"Norwegian|Danish|Czech|Swiss|Argentine|Mexican|Philippine|Chilean|Colombian|Turkish|Indian|Pakistani|South African)\s+")
_CUR_WORD_RE = (r"(?P<curw>dollars?|euros?|pounds sterling|sterling|yen|yuan|renminbi|roubles?|rubles?|rupees?|francs?|won|"
                r"liras?|lira|pesos?|reais|rand|dirhams?|riyals?|shekels?|zlotys?|zloty|forints?|hryvnias?|naira|rupiah|"
                r"ringgit|baht|crowns|kronor|krona|kroner|krone)\b")
_CODE_RE = r"(?P<code>USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|RUB|SEK|NOK|DKK)"
_MEASURE_UNITS = {
    "km": "km", "kilometre": "km", "kilometer": "km", "kilometres": "km", "kilometers": "km", "mile": "mile", "miles": "mile",
    "metre": "m", "meter": "m", "metres": "m", "meters": "m", "feet": "foot", "foot": "foot", "ft": "foot", "inch": "inch",
    "inches": "inch", "cm": "cm", "mm": "mm", "tonne": "tonne", "tonnes": "tonne", "ton": "ton", "tons": "ton",
    "kg": "kg", "kilogram": "kg", "kilograms": "kg", "kilos": "kg", "gram": "g", "grams": "g", "lb": "lb", "lbs": "lb",
    "barrel": "barrel", "barrels": "barrel", "bpd": "barrel per day", "litre": "litre", "litres": "litre", "liter": "litre",
    "liters": "litre", "gallon": "gallon", "gallons": "gallon", "acre": "acre", "acres": "acre", "hectare": "hectare",
    "hectares": "hectare", "sq km": "km2", "square kilometres": "km2", "square kilometers": "km2", "square miles": "mile2",
    "mw": "MW", "megawatts": "MW", "megawatt": "MW", "gw": "GW", "gigawatts": "GW", "gigawatt": "GW", "kwh": "kWh",
    "degrees": "degree", "degree": "degree", "°c": "°C", "°f": "°F", "knots": "knot", "mph": "mph", "km/h": "km/h",
    "cubic metres": "m3", "cubic meters": "m3", "bcm": "bcm",
}
_UNIT_RE = (r"(?P<unit>square (?:kilomet(?:re|er)s|miles|met(?:re|er)s)|cubic met(?:re|er)s|sq km|kilomet(?:re|er)s?|km/h|km|"
            r"miles?|met(?:re|er)s?|feet|foot|ft|inch(?:es)?|cm|mm|tonnes?|tons?|kg|kilograms?|kilos|grams?|lbs?|barrels?|bpd|"
            r"lit(?:re|er)s?|gallons?|acres?|hectares?|megawatts?|gigawatts?|MW|GW|kWh|degrees?|°C|°F|knots|mph|bcm)\b")
_DURATION_RE = r"(?P<dur>years?|months?|weeks?|days?|hours?|minutes?|decades?|centur(?:y|ies))"
_ORD_WORDS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "hundredth": 100,
}
_PEOPLE_NOUNS = set("""people person persons individuals workers worker members member troops soldiers soldier civilians
residents migrants refugees asylum-seekers protesters protestors demonstrators students children kids adults women men
voters economists analysts rescuers victims passengers employees staff officials delegates lawmakers legislators deputies
MPs senators fans dockers dockworkers doctors nurses police policemen officers journalists reporters prisoners detainees
hostages patients tourists citizens inhabitants fighters militants casualties fatalities deaths dead injured wounded
survivors supporters spectators participants visitors customers users subscribers scientists experts researchers teachers
farmers miners pilots crew sailors firefighters volunteers attendees guests leaders ministers diplomats executives
investors shareholders respondents adults teenagers babies infants pupils athletes players runners candidates
applicants immigrants settlers pilgrims worshippers mourners marchers strikers evacuees man men woman women boy boys
girl girls child person adult""".split())
_PEOPLE_MEASURES = {"toll", "death toll", "casualties", "crowd", "attendance", "headcount", "workforce", "population",
                    "turnout", "fatalities", "deaths", "dead"}
_RATE_WORDS = {"rate", "rates", "interest", "inflation", "yield", "yields", "unemployment", "jobless", "borrowing",
               "cpi", "mortgage", "refinancing", "repo", "deposit", "lending", "discount", "prime", "benchmark"}
_CHANGE_VERBS = {"lower", "raise", "cut", "trim", "increase", "reduce", "hike", "lift", "slash", "boost", "reduce",
                 "keep", "hold", "leave", "set", "fix", "peg"}
_SPEND_VERBS = {"spend", "invest", "allocate", "earmark", "pledge", "commit", "pour", "lose", "earn", "raise", "generate",
                "borrow", "lend", "pay", "owe", "receive", "save", "cost", "provide", "give", "donate", "approve"}
# Nouns that stand for the number itself; the measure lies beyond them ("a record $245 billion").
_PLACEHOLDERS = {"record", "total", "high", "low", "peak", "sum", "figure", "amount", "level", "average", "tally",
                 "maximum", "minimum"}
_REFERENTIAL = {"the", "these", "those", "both", "its", "their", "his", "her", "our", "all", "my", "your", "whose"}
_NAME_LABELS = {"PERSON", "ORG", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "FAC"}


@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    priority: int
    value: float
    unit: str | None
    qualifier: str | None = None
    num_start: int = 0
    num_end: int = 0
    spelled: bool = False
    hyphen_unit: bool = False


def parse_number(text: str) -> float | None:
    """'1,200' -> 1200, '4.50' -> 4.5, 'twenty-five' -> 25, 'a dozen' -> 12, 'three million' -> 3e6."""
    t = text.strip().lower().replace(",", "")
    mult = 1.0
    for word, m in _MULTIPLIERS.items():
        if len(word) > 2 and t.endswith(" " + word):
            t, mult = t[: -len(word) - 1].strip(), m
            break
    try:
        return float(t) * mult
    except ValueError:
        pass
    if t in ("a dozen", "dozen"):
        return 12.0 * mult
    if t in ("a hundred", "one hundred"):
        return 100.0 * mult
    parts = re.split(r"[- ]", t)
    if parts and parts[0] in _TENS:
        val = 20 + 10 * _TENS.index(parts[0])
        if len(parts) > 1 and parts[1] in _SMALL:
            val += _SMALL.index(parts[1])
        return float(val) * mult
    if t in _SMALL:
        return float(_SMALL.index(t)) * mult
    return None


def _patterns() -> list[tuple[re.Pattern[str], str, int]]:
    sym = "|".join(re.escape(s) for s in sorted(_CUR_SYM, key=len, reverse=True))
    num_or_word = rf"(?P<num>{_NUM}|{_NUMW})"
    q = ""
    return [
        (re.compile(rf"{q}(?P<cur>{sym})\s?(?P<num>{_NUM})(?:\s?(?P<mult>{_MULT})\b)?", re.I), "money_sym", 0),
        (re.compile(rf"{q}\b{_CODE_RE}\s?(?P<num>{_NUM})(?:\s?(?P<mult>{_MULT})\b)?"), "money_code", 0),
        (re.compile(rf"{q}\b{num_or_word}(?:\s+(?P<mult>{_MULT_WORD}))?\s+(?:{_CUR_ADJ_RE})?{_CUR_WORD_RE}", re.I), "money_word", 1),
        (re.compile(rf"{q}\b(?P<frac>(?:a|one)[- ]quarter|half[- ]a|a half|three[- ]quarters of a)[- ](?:of\s+a\s+)?(?:percentage[- ])?point\b", re.I), "pp_frac", 0),
        (re.compile(rf"{q}\bhalf[- ]point\b", re.I), "pp_half", 0),
        (re.compile(rf"{q}\b{num_or_word}\s+(?P<pp>percentage[- ]points?|basis points?|bps)\b", re.I), "pp", 0),
        (re.compile(rf"{q}\b{num_or_word}\s?(?:%|\s(?:percent|per cent)\b)", re.I), "percent", 1),
        (re.compile(rf"\bmagnitude[- ](?P<num>\d+(?:\.\d+)?)\b|\b(?P<num2>\d+(?:\.\d+)?)[- ]magnitude\b", re.I), "magnitude", 1),
        (re.compile(rf"{q}\b{num_or_word}(?:\s+(?P<mult>{_MULT_WORD}))?[\s-]{_UNIT_RE}", re.I), "unit", 2),
        (re.compile(rf"{q}\b{num_or_word}(?P<hy>[\s-]){_DURATION_RE}\b(?P<old>[\s-]old)?", re.I), "duration", 3),
        (re.compile(r"\b(?P<num>\d+)(?:st|nd|rd|th)\b"), "ordinal", 4),
        (re.compile(rf"\b(?P<ordw>{'|'.join(_ORD_WORDS)})\b", re.I), "ordinal_word", 5),
        (re.compile(rf"{q}(?<![\w.$€£¥/:-])(?P<num>{_NUM})(?:\s?(?P<mult>{_MULT_WORD}|bn|mn|tn)\b)?(?![\w:/]|\.\d)", re.I), "number", 6),
        (re.compile(rf"{q}\b(?P<num>{_NUMW})(?:\s+(?P<mult>{_MULT_WORD}))?\b", re.I), "number_word", 7),
    ]


_PATTERNS = _patterns()
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|BST|CET|EST|ET\b|PT\b)|\b\d{1,2}:\d{2}\b", re.I)


# Where a quantity can start: a currency sign or code, a digit, a number word, "magnitude", an ordinal word.
# Matching the patterns only at these places keeps extraction linear and cheap.
_ANCHOR = re.compile(
    r"(?:US|U\.S\.|CA|AU|NZ|HK|C|A|S|R)\$|[\$\u20ac\u00a3\u00a5\u20b9\u20bd\u20a9]|\b(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|RUB|SEK|NOK|DKK)\b"
    r"|\d+|\b(?i:a dozen|a hundred|a quarter|a half|half|magnitude|dozen|hundred|"
    + "|".join(sorted(_SMALL + _TENS + list(_ORD_WORDS), key=len, reverse=True)) + r")\b"
)


def _find(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for anchor in _ANCHOR.finditer(text):
        pos = anchor.start()
        for pattern, kind, prio in _PATTERNS:
            m = pattern.match(text, pos)
            if m is None:
                continue
            cand = _make(m, kind, prio)
            if cand is not None:
                cand.qualifier, cand.start = _qualifier(text, cand.start)
                out.append(cand)
    return non_overlapping(out)


_QUAL_BEFORE = re.compile(rf"\b{_QUAL}$", re.I)


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    """An approximating word right before a number ('about', 'more than'), and where it starts."""
    m = _QUAL_BEFORE.search(text, max(0, start - 24), start)
    if m is None:
        return None, start
    return m.group("qual").lower(), m.start()


def _make(m: re.Match[str], kind: str, prio: int) -> _Cand | None:
    g = m.groupdict()
    qual = None
    num_text = g.get("num") or g.get("num2") or ""
    num_start = m.start("num") if g.get("num") else (m.start("num2") if g.get("num2") else m.start())
    num_end = num_start + len(num_text)
    spelled = bool(num_text) and not num_text[0].isdigit()
    value = parse_number(num_text) if num_text else None
    mult = g.get("mult")
    if value is not None and mult:
        value *= _MULTIPLIERS[mult.lower()]
    unit: str | None = None
    k = kind
    if kind == "money_sym":
        unit, k = _CUR_SYM.get(g["cur"].upper() if g["cur"][0].isalpha() else g["cur"], "USD"), "money"
    elif kind == "money_code":
        unit, k = ("CNY" if g["code"] == "RMB" else g["code"]), "money"
    elif kind == "money_word":
        word = g["curw"].lower()
        adj = (g.get("adj") or "").lower()
        base = re.sub(r"s$", "", word) if word not in ("reais", "kronor", "kroner", "pounds sterling") else word
        if word == "pounds" and not mult:
            return None
        unit = _CUR_ADJ.get((adj, base)) or _CUR_WORDS.get(base) or _CUR_WORDS.get(word)
        if word in ("pounds",):
            unit = "GBP"
        if unit is None:
            unit = f"{adj} {base}".strip()
        k = "money"
    elif kind in ("pp_frac", "pp_half"):
        frac = (g.get("frac") or "half").lower().replace("-", " ")
        value = 0.25 if "quarter" in frac and "three" not in frac else 0.75 if "three" in frac else 0.5
        unit, k, num_start, num_end = "percentage point", "rate", m.start(), m.end()
    elif kind == "pp":
        if value is None:
            return None
        if "basis" in g["pp"].lower() or g["pp"].lower() == "bps":
            value = value / 100.0
        unit, k = "percentage point", "rate"
    elif kind == "percent":
        unit, k = "%", "percent"
    elif kind == "magnitude":
        unit, k = "magnitude", "other"
    elif kind == "unit":
        raw = g["unit"].lower()
        unit = _MEASURE_UNITS.get(raw) or _MEASURE_UNITS.get(raw.rstrip("s")) or raw
        k = "other"
    elif kind == "duration":
        if g.get("old"):
            return None  # ages ("45-year-old") are attributes of a person, not figures of the story
        dur = g["dur"].lower()
        unit = {"centuries": "century", "century": "century"}.get(dur, dur.rstrip("s"))
        if unit == "decade":
            unit, value = "year", (value or 0) * 10
        k = "other"
    elif kind == "ordinal":
        k = "ordinal"
    elif kind == "ordinal_word":
        value, k = float(_ORD_WORDS[g["ordw"].lower()]), "ordinal"
        num_start, num_end, spelled = m.start(), m.end(), True
    elif kind in ("number", "number_word"):
        k = "count"
    if value is None:
        return None
    return _Cand(m.start(), m.end(), k, prio, float(value), unit, qual, num_start, num_end, spelled,
                 hyphen_unit=(kind == "duration" and g.get("hy") == "-"))


def extract_quantities(
    doc: Any,
    sentences: Sequence[SentenceInfo],
    entities: Sequence[EntityMention] = (),
    times: Sequence[TimeExpression] = (),
    text: str | None = None,
) -> tuple[QuantityInfo, ...]:
    """Quantities in document order, excluding numbers that belong to times or names."""
    text = doc.text if text is None else text
    locate = SentenceLocator(sentences)
    blocked = [(t.start, t.end) for t in times if not (t.kind == "relative" and t.offset_unit is None)]
    blocked += [(m.start(), m.end()) for m in _CLOCK.finditer(text)]
    names = [(e.start, e.end) for e in entities if e.label in _NAME_LABELS]
    out: list[QuantityInfo] = []
    last_count_unit: dict[int, str] = {}
    for c in _find(text):
        if any(c.num_start < e and s < c.num_end for s, e in blocked):
            continue
        if any(s <= c.num_start and c.num_end <= e for s, e in names) and c.kind not in ("money", "percent", "rate"):
            continue
        span = doc.char_span(c.num_start, c.num_end, alignment_mode="expand")
        full = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or full is None or len(span) == 0:
            continue
        if not _plausible(c, span, text):
            continue
        sent_idx = locate.index(c.start)
        q = _describe(c, span, full, text, last_count_unit.get(sent_idx))
        if q is None:
            continue
        value, unit, measure, kind, qtext, qstart, qend = q
        if kind == "count" and unit:
            last_count_unit[sent_idx] = unit
        out.append(QuantityInfo(value=value, unit=unit, measure=measure, kind=kind, text=qtext, start=qstart, end=qend,  # type: ignore[arg-type]
                                sentence=sent_idx, qualifier=c.qualifier))
    return tuple(out)


def _plausible(c: _Cand, span: Any, text: str) -> bool:
    doc = span.doc
    first, last = span[0], span[-1]
    prev = doc[first.i - 1] if first.i > 0 else None
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    before = text[max(0, c.num_start - 2):c.num_start]
    if re.search(r"[A-Za-z]-?$", before) and c.kind in ("count", "ordinal", "other") and not c.spelled:
        return False  # "G7", "COVID-19", "Su-35"
    if c.kind == "count" and not c.spelled and float(c.value).is_integer() and 0 < c.value < 120 and (
            prev is not None and prev.lower_ in ("aged", "age", "ages") or
            last.dep_ == "appos" and (last.head.ent_type_ == "PERSON" or last.head.pos_ == "PROPN")):
        return False  # an age ("Priya Nair, 34,", "aged 64"): an attribute of a person, not a figure of the story
    if c.kind == "count" and not c.spelled and prev is not None and prev.pos_ == "PROPN" and prev.text[:1].isupper() \
            and (c.value < 100 and float(c.value).is_integer()) and not (nxt is not None and nxt.pos_ == "NOUN"):
        return False  # "Siberia 2", "Apollo 11"
    if c.kind == "count" and c.spelled:
        word = text[c.num_start:c.num_end].lower()
        if word in ("one", "a dozen", "dozen") and (nxt is None or nxt.lower_ == "of" or last.dep_ != "nummod"):
            return False  # "one of the key events"
        if last.dep_ not in ("nummod", "quantmod", "compound") and not (nxt is not None and nxt.pos_ == "NOUN"):
            return False  # pronoun-like numbers: "the two met", "one said"
        if prev is not None and prev.lower_ in _REFERENTIAL and c.value <= 10 and text[c.num_end:c.num_end + 1] != "-":
            return False  # "the two leaders": a reference, not a figure ("the four-party coalition" is one)
    if c.kind == "ordinal":
        word = text[c.num_start:c.num_end].lower()
        if word == "second" and (nxt is None or nxt.pos_ not in ("NOUN", "PROPN", "ADJ") or nxt.lower_ in ("half",)):
            return False  # "per second", "a second": a unit of time, not a rank
        if nxt is not None and (nxt.text == "-" or text[c.num_end:c.num_end + 1] == "-") and nxt.tag_ in ("JJS", "HYPH"):
            return False  # "second-biggest": a rank
        if nxt is not None and nxt.tag_ == "JJS":
            return False
    return True


def _describe(c: _Cand, span: Any, full: Any, text: str, sentence_count_unit: str | None
              ) -> tuple[float, str | None, str | None, str, str, int, int] | None:
    root = _climb_number(full.root)
    unit, kind = c.unit, c.kind
    qstart, qend = c.start, c.end
    measure: str | None = None
    compound = _hyphen_compound(c, span, text) if kind == "count" else None
    if compound is not None:
        unit_tok, owner = compound
        unit = "people" if _is_people(unit_tok) else unit_tok.lemma_.lower()
        measure = _np(owner) if owner is not None else None
        return c.value, unit, measure, kind, text[qstart:unit_tok.idx + len(unit_tok.text)], qstart, unit_tok.idx + len(unit_tok.text)
    if kind in ("count", "ordinal"):
        noun = _counted_noun(root, full)
        if noun is not None:
            unit = "people" if _is_people(noun) else noun.lemma_.lower()
            measure = _ordinal_measure(noun) if kind == "ordinal" else _count_measure(noun)
            if kind == "count":
                measure = _attained(noun) or measure
            if kind == "count" and noun.i == full.end and noun.idx < len(text):
                qend = noun.idx + len(noun.text)
        else:
            measure_tok = _measure_token(root, kind)
            if kind == "ordinal":
                elided = _elided_noun(root)
                if elided is not None:
                    unit = elided.lemma_.lower()
                    measure = _ordinal_measure(elided, extra=root)
                else:
                    return None
            else:
                measure = _np(measure_tok) if measure_tok is not None else None
                head_lemma = measure_tok.lemma_.lower() if measure_tok is not None else ""
                if measure and (head_lemma in _PEOPLE_MEASURES or measure.lower() in _PEOPLE_MEASURES):
                    unit = "people"
                elif sentence_count_unit and root.dep_ in ("dobj", "nsubj", "nsubjpass", "conj", "pobj"):
                    unit = sentence_count_unit
                    participle = _participle(root.head) if root.dep_ in ("dobj", "nsubjpass") and root.head.pos_ == "VERB" else None
                    measure = participle or measure
                    if root.dep_ == "nsubj":
                        measure = None
                elif float(c.value).is_integer() is False:
                    kind = "other"
                if measure is None and unit is None and root.dep_ not in ("pobj", "dobj", "attr", "nsubj", "npadvmod", "appos", "conj"):
                    return None
    else:
        if kind == "other" and c.hyphen_unit:
            noun = _modified_noun(root)
            measure = _np(noun) if noun is not None else None
        elif kind == "other" and unit == "magnitude":
            noun = _modified_noun(root) or (root.head if root.head.pos_ == "NOUN" else None)
            if noun is not None and noun.lower_ == "magnitude":
                noun = _modified_noun(noun)
            if noun is None:  # "A magnitude 6.1 earthquake" mis-parsed: the noun right after the figure
                after = full.doc[full.end] if full.end < len(full.doc) else None
                noun = after if after is not None and after.pos_ == "NOUN" else None
            measure = _np(noun) if noun is not None else None
        else:
            tok = _beyond_change(_measure_token(root, kind))
            measure = _np(tok) if tok is not None and not _in_dateline(tok) else None
        if kind == "percent" and _is_rate(measure, full):
            kind = "rate"
    return c.value, unit, measure, kind, text[qstart:qend], qstart, qend


def _hyphen_compound(c: _Cand, span: Any, text: str) -> tuple[Any, Any | None] | None:
    """'12-point plan' -> (point, plan); 'a four-party coalition' -> (party, coalition)."""
    if text[c.num_end:c.num_end + 1] != "-":
        return None
    doc = span.doc
    last = span[-1]
    if last.i + 2 >= len(doc) or doc[last.i + 1].text != "-":
        return None
    unit_tok = doc[last.i + 2]
    if unit_tok.pos_ not in ("NOUN", "PROPN", "ADJ") or not unit_tok.is_alpha:
        return None
    owner = unit_tok.head if unit_tok.head.i > unit_tok.i and unit_tok.head.pos_ in ("NOUN", "PROPN") else None
    return unit_tok, owner


def _in_dateline(tok: Any) -> bool:
    """'LONDON, 12 Feb (PA) - Fares will rise ...': the parser may take the dateline for a subject."""
    return tok.i <= 2 and tok.is_upper and len(tok.text) > 1 and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text == ","


def _climb_number(tok: Any) -> Any:
    """'18 of 30 economists', '5% to 7%': from the first number to the one the phrase hangs on."""
    for _ in range(6):
        head = tok.head
        if head is tok or tok.dep_ not in ("quantmod", "nummod", "compound", "prep", "pobj", "cc", "conj"):
            break
        if head.like_num or head.pos_ in ("NUM", "SYM") or head.lower_ in ("%", "percent") or \
                tok.dep_ == "quantmod" and head.pos_ == "ADP":
            tok = head
            continue
        break
    return tok


def _counted_noun(root: Any, span: Any) -> Any | None:
    """The noun a number counts: '120 dock workers' -> workers; '18 of 30 economists' -> economists."""
    tok = root
    if tok.pos_ in ("NOUN", "PROPN") and tok.i >= span.start and not tok.like_num and tok.lower_ not in _MULTIPLIERS:
        return tok
    if tok.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i:
        head = tok.head
        if head.lower_ in _MULTIPLIERS or head.lower_ in ("%", "percent"):
            return None
        return head
    of = next((ch for ch in tok.children if ch.dep_ == "prep" and ch.lower_ == "of"), None)
    if of is not None:
        obj = next((ch for ch in of.children if ch.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and any(g.like_num for g in obj.children):
            return obj
    return None


def _elided_noun(root: Any) -> Any | None:
    """'a four-day visit, his 11th to Russia' -> visit; "Nowicki's visit is his fourth" -> visit."""
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        return root.head
    if root.dep_ in ("attr", "acomp") and root.head.lemma_ == "be":
        subj = next((c for c in root.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.pos_ == "NOUN":
            return subj
    return None


def _modified_noun(tok: Any) -> Any | None:
    head = tok
    for _ in range(3):
        if head.head is head:
            return None
        head = head.head
        if head.pos_ in ("NOUN", "PROPN") and head.lower_ not in _MULTIPLIERS:
            return head
        if head.pos_ not in ("NOUN", "NUM", "PUNCT", "ADJ", "SYM"):
            return None
    return None


def _measure_token(root: Any, kind: str, depth: int = 0) -> Any | None:
    """The token naming what a number measures (rules in the module docstring)."""
    found = _measure_token_once(root, kind)
    if found is not None and found.lemma_.lower() in _PLACEHOLDERS and depth < 2:
        has_det_only = all(c.dep_ in ("det", "amod", "nummod", "compound", "quantmod", "punct", "advmod", "prep", "npadvmod")
                           for c in found.children)
        if has_det_only:
            beyond = _measure_token(found, kind, depth + 1)
            return beyond if beyond is not None else found
    return found


def _measure_token_once(root: Any, kind: str) -> Any | None:
    tok = root
    # "$" "billion" "%" etc. may be the root; climb the quantity's own tokens.
    if tok.dep_ in ("nummod", "compound", "amod", "nmod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN") and \
            tok.head.lower_ not in _MULTIPLIERS and not tok.head.like_num and tok.head.lower_ not in ("%",) and \
            (tok.head.i > tok.i or tok.head.lemma_.lower() in _PLACEHOLDERS):
        return tok.head
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "in", "for", "on")):
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.ent_type_ not in ("DATE", "GPE", "LOC", "TIME", "CARDINAL"):
            return obj
    if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent"):
        prep = tok.head
        owner = prep.head
        if owner.pos_ in ("NOUN", "PROPN") and owner.lower_ not in _MULTIPLIERS:
            return owner
        if owner.pos_ in ("VERB", "AUX"):
            return _clause_measure(owner, tok, kind)
        if owner.pos_ in ("ADV", "ADP", "ADJ") and owner.head.pos_ in ("VERB", "AUX"):
            return _clause_measure(owner.head, tok, kind)
    if tok.head.pos_ in ("ADV", "ADP", "ADJ") and tok.dep_ in ("npadvmod", "pobj", "advmod"):
        up = tok.head
        for _ in range(3):
            if up.pos_ in ("VERB", "AUX"):
                return _clause_measure(up, tok, kind)
            if up.pos_ == "NOUN":
                return up
            if up.head is up:
                break
            up = up.head
    if tok.head.pos_ in ("VERB", "AUX") and tok.dep_ in ("dobj", "attr", "npadvmod", "advmod", "oprd", "acomp", "nsubj", "conj", "appos"):
        if tok.dep_ == "nsubj":
            return None
        return _clause_measure(tok.head, tok, kind)
    if tok.dep_ == "appos" and tok.head.pos_ in ("NOUN", "NUM", "SYM"):
        return _measure_token_once(tok.head, kind)
    return None


_CHANGE_NOUNS = {"rise", "increase", "fall", "drop", "cut", "hike", "jump", "decline", "gain", "reduction", "surge",
                 "slump", "rebound", "climb", "dip", "change"}


def _beyond_change(noun: Any | None) -> Any | None:
    """'a 4.6% rise in regulated fares' -> fares: a change noun measures what it changes."""
    if noun is None or noun.lemma_.lower() not in _CHANGE_NOUNS:
        return noun
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("in", "of")), None)
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    return obj if obj is not None and obj.pos_ in ("NOUN", "PROPN") and not obj.like_num else noun


def _clause_measure(verb: Any, quantity: Any, kind: str) -> Any | None:
    if quantity.dep_ == "pobj" and quantity.head.lower_ == "at":
        # "estimated the crowd at 60,000", "put the toll at 57"
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < quantity.i), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
            return obj
    if kind == "money" and verb.lemma_ in _SPEND_VERBS:
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "in", "for", "to") and c.i > quantity.i):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.ent_type_ not in ("DATE", "GPE", "LOC", "TIME"):
                return obj
    if verb.lemma_ in _CHANGE_VERBS:
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i != quantity.i and not c.like_num), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
            return obj
    v = verb
    for _ in range(4):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass") and not _in_dateline(c)), None)
        if subj is not None:
            if subj.lower_ in ("which", "that", "who") and v.dep_ == "relcl":
                return v.head
            if subj.pos_ == "PRON":
                return None
            return subj
        if v.dep_ in ("conj", "advcl", "xcomp", "ccomp", "acl") and v.head is not v:
            if v.dep_ == "acl" and v.head.pos_ in ("NOUN", "PROPN"):
                return v.head
            v = v.head
            continue
        break
    return None


def _np(tok: Any | None) -> str | None:
    """Compact noun phrase: adjectives, compounds and the head ('bilateral trade', 'dock workers')."""
    if tok is None:
        return None
    if tok.pos_ == "PRON":
        return None
    left = tok.i
    doc = tok.doc
    while left - 1 >= 0:
        t = doc[left - 1]
        if t.head.i not in range(left, tok.i + 1) or t.like_num or t.text in ("%", "$") or t.pos_ in ("NUM", "SYM"):
            break
        if t.tag_ == "HYPH" or t.text == "-":
            # keep a hyphenated modifier ("pre-war") but not a number's ("four-day")
            if left - 2 >= 0 and not doc[left - 2].like_num and doc[left - 2].head.i in range(left - 1, tok.i + 1):
                left -= 2
                continue
            break
        if t.dep_ in ("compound", "nmod") or (t.dep_ == "amod" and t.pos_ in ("ADJ", "PROPN", "NOUN")):
            if left - 2 >= 0 and doc[left - 2].text == "-" and left - 3 >= 0 and doc[left - 3].like_num:
                break  # "four-day state visit": "day" belongs to the number
            left -= 1
            continue
        break
    words = doc[left: tok.i + 1].text
    return words.strip() or None


_ATTAIN = {"reach", "total", "hit", "top", "exceed", "surpass", "number", "amount", "climb", "rise", "fall", "grow",
           "stand", "near", "approach"}


def _attained(noun: Any) -> str | None:
    """'Container volumes reached 13.5 million boxes' -> 'Container volumes'."""
    target = noun
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ == "VERB":
        verb = noun.head.head
    elif noun.dep_ == "dobj" and noun.head.pos_ == "VERB":
        verb = noun.head
    else:
        return None
    if verb.lemma_ not in _ATTAIN:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ == "PRON" or subj is target:
        return None
    return _np(subj)


def _count_measure(noun: Any) -> str | None:
    base = _np(noun)
    if noun.lower_ in ("people", "persons", "others", "individuals") and noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        part = _participle(noun.head)
        if part:
            return f"{base} {part}"
    return base


def _ordinal_measure(noun: Any, extra: Any | None = None) -> str | None:
    base = noun.lemma_.lower() if noun.pos_ == "NOUN" else noun.text
    for owner in (extra, noun):
        if owner is None:
            continue
        allowed = ("to", "in", "at", "as", "of") if owner is extra else ("to", "at", "in")
        prep = next((c for c in owner.children if c.dep_ == "prep" and c.lower_ in allowed), None)
        if prep is not None:
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            place_only = owner is not extra and prep.lower_ == "in"
            if obj is not None and obj.ent_type_ not in ("DATE", "TIME") and (not place_only or obj.ent_type_ in ("GPE", "LOC", "FAC")):
                return f"{base} {prep.lower_} {_np(obj)}"
    return base


def _participle(verb: Any) -> str | None:
    if verb.pos_ != "VERB":
        return None
    if verb.tag_ in ("VBN", "VBD"):
        return verb.lower_
    lemma = verb.lemma_.lower()
    irregular = {"hurt": "hurt", "strand": "stranded", "leave": "left", "hold": "held", "take": "taken", "keep": "kept"}
    if lemma in irregular:
        return irregular[lemma]
    return lemma + ("d" if lemma.endswith("e") else "ed")


def _is_people(noun: Any) -> bool:
    low = noun.lower_
    return low in _PEOPLE_NOUNS or noun.lemma_.lower() in _PEOPLE_NOUNS or noun.ent_type_ in ("NORP",) and noun.tag_ == "NNPS"


def _is_rate(measure: str | None, span: Any) -> bool:
    words = set((measure or "").lower().split())
    if words & _RATE_WORDS:
        return True
    doc = span.doc
    window = doc[max(0, span.start - 6): span.start]
    return any(t.lower_ in ("rate", "rates", "inflation", "yield", "unemployment") for t in window)
