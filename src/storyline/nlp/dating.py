"""When did the event an article reports happen? Inferred from text evidence, or taken from
the published date when the article has one (text evidence that disagrees is still reported).

Text evidence, strongest first: a dateline ("MOSCOW, May 8 -"), explicit dates, anniversaries
("80th anniversary of the defeat of Nazi Germany" -> 2025), a relative year tied to an
explicit one ("record trade last year" + "in 2024" -> 2025; "last year, up 2.1% on 2023" ->
2025), full-year statistics ("reached $245 billion in 2024" -> probably 2025), named days
("Victory Day" -> 9 May), month names, and weekdays, which must agree with the date they
name ("Wednesday, June 5" fixes the year among the candidates) and place related days
("Thursday" the day before a Friday, 9 May).

Dates of background events (a past-tense clause after the lead, when the lead speaks of
"Tuesday" or "yesterday") bound the year from below instead of voting for it.

`story_event_date` forms the consensus of a story's articles and names the outliers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from storyline.nlp.times import parse_reference_date, resolve_time
from storyline.nlp.types import EventDate, QuantityInfo, SentenceInfo, TimeExpression

__all__ = ["date_event", "date_in_story", "story_event_date"]

# Below this, the year evidence is a guess from background mentions: leave the article undated.
_MIN_YEAR_SCORE = 0.5
_COMPARISON_PREPS = {"from", "on", "over", "than", "versus", "vs", "compared", "against"}
_WD_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DatingParts(Protocol):
    """What dating reads from an article's analysis (an ArticleAnalysis satisfies it)."""

    @property
    def times(self) -> Sequence[TimeExpression]: ...

    @property
    def sentences(self) -> Sequence[SentenceInfo]: ...

    @property
    def quantities(self) -> Sequence[QuantityInfo]: ...


@dataclass
class _Anchor:
    month: int
    day: int
    year: int | None
    weight: float
    expr: TimeExpression
    why: str


@dataclass
class _Votes:
    score: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    why: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    lower: int | None = None  # the event is not earlier than this year
    upper: int | None = None  # ... nor later than this one
    bounds_why: list[str] = field(default_factory=list)
    rule_best: dict[tuple[str, int], float] = field(default_factory=dict)

    def add(self, year: int, weight: float, why: str, rule: str | None = None) -> None:
        """Add a vote. Votes of one `rule` for one year do not pile up: the strongest counts."""
        if rule is not None:
            key = (rule, year)
            previous = self.rule_best.get(key, 0.0)
            if weight <= previous:
                return
            self.rule_best[key] = weight
            weight -= previous
        self.score[year] += weight
        if why not in self.why[year]:
            self.why[year].append(why)


def _q(t: TimeExpression) -> str:
    return f"\u201c{t.text}\u201d"


def _position_weight(t: TimeExpression) -> float:
    w = 1.0 if t.sentence == 0 else 0.85 if t.sentence <= 2 else 0.6
    if t.note and "quoted" in t.note:
        w *= 0.5
    return w


def date_event(parts: DatingParts, published: str | None = None, reference_date: dt.date | None = None) -> EventDate:
    """The event date of one article.

    `parts` is the article's analysis (times with their parts, sentences, quantities).
    With a readable `published` date, that date (or a lead-sentence day within the week
    before it, e.g. "on Monday") is the value and disagreeing text evidence is listed in
    `conflicts`. Without one, the date is inferred from the text; `reference_date` (e.g. a
    story's consensus date) then only supplies a year when the text has none.
    """
    pub = parse_reference_date(published)
    if pub is not None:
        return _with_published(parts, pub, published or pub.isoformat())
    return _from_text(parts, reference_date)


# --- with a published date ---------------------------------------------------------------------


def _with_published(parts: DatingParts, pub: dt.date, published: str) -> EventDate:
    times = [resolve_time(t, pub) if t.value is None else t for t in parts.times]
    evidence = [f"published date {published}"]
    value, precision = pub.isoformat(), "day"
    lead = [
        t for t in times
        if t.precision == "day" and t.value and (t.sentence <= 1 or t.kind == "dateline") and t.kind in ("dateline", "date", "weekday", "relative")
        and not (t.note and ("quoted" in t.note or "holiday" in t.note)) and t.tense != "future"
    ]
    lead = [t for t in lead if -7 <= (dt.date.fromisoformat(t.value) - pub).days <= 1]  # type: ignore[arg-type]
    lead.sort(key=lambda t: (t.kind != "dateline", t.start))
    if lead:
        chosen = lead[0]
        value = chosen.value  # type: ignore[assignment]
        if value != pub.isoformat():
            evidence.append(f"{_q(chosen)} in the lead \u2192 {value} (resolved against the published date)")
        else:
            evidence.append(f"{_q(chosen)} in the lead agrees")
    conflicts = _conflicts_with(times, dt.date.fromisoformat(value), pub)
    confidence = (0.95 if not lead or value == pub.isoformat() else 0.9) - 0.2 * len(conflicts)
    return EventDate(value, precision, max(0.3, confidence), tuple(evidence), tuple(conflicts))  # type: ignore[arg-type]


def _conflicts_with(times: Sequence[TimeExpression], value: dt.date, pub: dt.date) -> list[str]:
    out = []
    for t in times:
        if t.note and "quoted" in t.note:
            continue
        if t.kind == "dateline" and t.month and t.day:
            year = t.year or value.year
            try:
                d = dt.date(year, t.month, t.day)
            except ValueError:
                continue
            if abs((d - value).days) > 2:
                out.append(f"dateline {_q(t)} \u2192 {d.isoformat()}, not {value.isoformat()}")
        elif t.kind == "anniversary" and t.year and t.year != value.year and t.tense != "future":
            out.append(f"{_q(t)} \u2192 {t.year} (base year {t.base_year}), not {value.year}")
        elif t.kind == "date" and t.weekday is not None and t.month and t.day:
            year = t.year or _nearest_year(t.month, t.day, pub)
            try:
                d = dt.date(year, t.month, t.day)
            except ValueError:
                continue
            if d.weekday() != t.weekday:
                out.append(f"{_q(t)}: {d.isoformat()} is a {_WD_NAMES[d.weekday()]}, not a {_WD_NAMES[t.weekday]}")
            elif t.year and t.sentence <= 2 and abs((d - value).days) > 31:
                out.append(f"{_q(t)} in the lead \u2192 {d.isoformat()}")
    return out


def _nearest_year(month: int, day: int, ref: dt.date) -> int:
    best, best_gap = ref.year, None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            gap = abs((dt.date(y, month, day) - ref).days)
        except ValueError:
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = y, gap
    return best


# --- from the text alone -----------------------------------------------------------------------


def _from_text(parts: DatingParts, reference: dt.date | None) -> EventDate:
    times = list(parts.times)
    votes = _Votes()
    anchors: list[_Anchor] = []
    months: list[tuple[int | None, int, float, TimeExpression]] = []
    weekdays = [t for t in times if t.kind == "weekday"]
    lead_deictic = any(
        t.sentence <= 1 and (t.kind == "weekday" or t.kind == "relative" and t.offset_unit == "day") for t in times
    )
    rel_years = [t for t in times if t.kind == "relative" and t.offset_unit == "year" and t.offset is not None]
    stat_sentences = {q.sentence for q in parts.quantities if q.kind in ("money", "percent", "count", "rate")}

    def background(t: TimeExpression) -> bool:
        """A year stated after the lead (or in a past-tense lead sentence when the lead speaks of
        "Tuesday") dates something else: it bounds the event instead of voting for it."""
        if t.kind == "dateline":
            return False
        if t.note and "modifier" in t.note and t.tense != "future":
            return True  # "the Sept. 11, 2012, attack", "the earthquakes of February 2023": names another event
        return (t.sentence >= 2 and t.tense != "future") or (lead_deictic and t.sentence >= 1 and t.tense == "past")

    for t in times:
        w = _position_weight(t)
        if t.kind in ("dateline", "date") and t.month and t.day:
            if t.year:
                if background(t):
                    _bound_lower(votes, t.year, t)
                elif t.tense == "future" and t.kind != "dateline":
                    _bound_upper(votes, t.year, t)
                else:
                    votes.add(t.year, (3.0 if t.kind == "dateline" else 2.0) * w, f"{_q(t)} \u2192 {t.year}")
            if not (t.year and background(t)):
                holiday = bool(t.note and "holiday" in t.note)
                weight = 3.0 if t.kind == "dateline" else (1.0 if holiday else 2.0) * w
                if t.note and "modifier" in t.note:
                    weight *= 0.4
                why = "dateline" if t.kind == "dateline" else ("named day" if holiday else "date")
                anchors.append(_Anchor(t.month, t.day, t.year, weight, t, why))
        elif t.kind == "month" and t.month:
            if t.year:
                if background(t) or t.prep == "since":
                    if t.tense != "future":
                        _bound_lower(votes, t.year, t)
                    continue
                votes.add(t.year, 1.2 * w, f"{_q(t)} \u2192 {t.year}")
                months.append((t.year, t.month, 1.2 * w, t))
            elif t.prep != "since" and not (t.note and t.note.split(";")[0] in ("since", "after", "before", "until", "by")) \
                    and not background(t):
                months.append((None, t.month, 0.6 * w, t))
        elif t.kind == "anniversary" and t.year:
            approx = bool(t.note and "approximate" in t.note)
            votes.add(t.year, 2.5 * (0.6 if approx else 1.0), f"{_q(t)} \u2192 {t.base_year} + {t.year - (t.base_year or t.year)} = {t.year}")
            if t.month and t.day:
                anchors.append(_Anchor(t.month, t.day, t.year, 1.5, t, "anniversary"))
            elif t.month:
                months.append((t.year, t.month, 1.5, t))
        elif t.kind == "year" and t.year:
            _year_vote(votes, t, rel_years, stat_sentences, parts.sentences, background(t))

    pairs = [a for a in anchors if a.expr.weekday is not None]
    candidates = set(votes.score)
    for y in list(candidates):
        candidates.update((y - 1, y + 1))
    if reference is not None:
        candidates.update((reference.year - 1, reference.year, reference.year + 1))
        votes.add(reference.year, 0.8, f"year of the reference date {reference.isoformat()} (e.g. the story's date)")
    if not candidates:
        return _no_year(anchors, months, weekdays, votes)

    scored: dict[int, float] = {}
    consistency: dict[int, list[str]] = defaultdict(list)
    for y in candidates:
        s = votes.score.get(y, 0.0)
        for a in pairs:
            ok = _weekday_ok(y, a.month, a.day, a.expr.weekday)
            if ok is None:
                continue
            s += 1.5 if ok else -1.5
            if ok:
                consistency[y].append(f"{_q(a.expr)}: {_date_str(y, a.month, a.day)} is a {_WD_NAMES[a.expr.weekday]}")  # type: ignore[index]
        for a in anchors:
            if a.expr.weekday is not None or (a.year and a.year != y):
                continue
            for wd in weekdays:
                if wd.sentence == a.expr.sentence and _weekday_ok(y, a.month, a.day, wd.weekday):
                    s += 0.5
                    consistency[y].append(f"{_q(wd)} with {_q(a.expr)}: {_date_str(y, a.month, a.day)} is a {_WD_NAMES[wd.weekday]}")  # type: ignore[index]
                    break
        if votes.lower is not None and y < votes.lower:
            s -= 3.0
        if votes.upper is not None and y > votes.upper:
            s -= 3.0
        scored[y] = s
    year = max(scored, key=lambda y: (scored[y], votes.score.get(y, 0.0), -abs(y - (reference.year if reference else y))))
    best = scored[year]
    if best < _MIN_YEAR_SCORE:
        return _no_year(anchors, months, weekdays, votes)
    positive = sum(v for v in scored.values() if v > 0)
    evidence = list(votes.why.get(year, [])) + consistency.get(year, []) + votes.bounds_why
    conflicts: list[str] = []
    for y, reasons in votes.why.items():
        if y != year and votes.score[y] >= 1.0:
            conflicts.extend(reasons)
    conf_year = min(0.9, 0.5 * min(1.0, best / 3.0) + 0.45 * (best / positive if positive else 0))

    # Day: the strongest anchor in that year, supported by its neighbours.
    usable = [a for a in anchors if a.year in (None, year) and _date_ok(year, a.month, a.day)]
    if usable:
        def anchor_score(a: _Anchor) -> float:
            d = dt.date(year, a.month, a.day)
            s = a.weight
            if a.expr.weekday is not None:
                s += 1.0 if d.weekday() == a.expr.weekday else -2.0
            for b in usable:
                if b is not a and abs((dt.date(year, b.month, b.day) - d).days) <= 7:
                    s += 0.5 * b.weight
            return s

        anchor = max(usable, key=lambda a: (anchor_score(a), a.weight, -a.expr.start))
        d = dt.date(year, anchor.month, anchor.day)
        evidence.insert(0, f"{_q(anchor.expr)} ({anchor.why}) \u2192 {d.isoformat()}")
        for b in usable:
            if b is not anchor and abs((dt.date(year, b.month, b.day) - d).days) > 31:
                conflicts.append(f"{_q(b.expr)} \u2192 {_date_str(year, b.month, b.day)}")
        if anchor.expr.weekday is not None and d.weekday() != anchor.expr.weekday:
            conflicts.append(f"{_q(anchor.expr)}: {d.isoformat()} is a {_WD_NAMES[d.weekday()]}")
        evidence.extend(_related_weekdays(weekdays, d, anchor.expr))
        conf = conf_year * (0.8 + 0.2 * min(1.0, anchor_score(anchor) / 3.0)) + 0.05 * len(consistency.get(year, []))
        return _event(d.isoformat(), "day", conf, evidence, conflicts)

    month_cands = [(m, w, t) for y, m, w, t in months if y in (None, year)]
    if month_cands:
        by_month: dict[int, float] = defaultdict(float)
        for m, w, _t in month_cands:
            by_month[m] += w
        month = max(by_month, key=lambda m: by_month[m])
        t0 = next(t for m, _w, t in month_cands if m == month)
        evidence.insert(0, f"{_q(t0)} \u2192 {year}-{month:02d}")
        return _event(f"{year}-{month:02d}", "month", conf_year * 0.9, evidence, conflicts)
    return _event(f"{year}", "year", conf_year * 0.8, evidence, conflicts)


def _year_vote(votes: _Votes, t: TimeExpression, rel_years: list[TimeExpression], stat_sentences: set[int],
               sentences: Sequence[SentenceInfo], is_background: bool) -> None:
    x = t.year
    assert x is not None
    prep = t.prep or ""
    quoted = bool(t.note and "quoted" in t.note)
    if t.tense == "future" or prep in ("by", "until", "till", "through", "before"):
        if t.tense == "future":
            _bound_upper(votes, x, t)
            if prep == "in":
                votes.add(x - 1, 0.3, f"{_q(t)} is still to come \u2192 probably {x - 1}", rule="future")
        return
    last_same = [r for r in rel_years if r.sentence == t.sentence and r.offset == -1]
    if last_same and not quoted and prep in _COMPARISON_PREPS:
        votes.add(x + 2, 1.5, f"{_q(last_same[0])} compared with {_q(t)} \u2192 last year is {x + 1}, so {x + 2}")
        return
    if last_same and not quoted and prep in ("in", "during", "for", ""):
        votes.add(x + 1, 1.5, f"{_q(last_same[0])} and {_q(t)} in one sentence \u2192 {x + 1}")
        return
    # "record trade last year" ... "trade reached $245 billion in 2024": two figures about the same thing.
    if prep in ("in", "during", "for") and t.sentence in stat_sentences and not quoted:
        for r in rel_years:
            if r.offset == -1 and r.sentence != t.sentence and r.sentence in stat_sentences | _record_sentences(sentences):
                shared = _shared_words(sentences, r.sentence, t.sentence)
                if shared:
                    votes.add(x + 1, 1.0, f"{_q(r)} and {_q(t)} (both about {shared}) \u2192 {x + 1}", rule="last-year-linked")
                    return
    if t.tense == "past" and prep in ("in", "during", "for") and t.sentence in stat_sentences and not quoted:
        # A figure for a whole past year is published the year after -- or quoted as background
        # years later, which is why this alone stays below the threshold for dating an article.
        votes.add(x + 1, 0.45, f"full-year figure {_q(t)} reported \u2192 probably {x + 1}", rule="full-year")
        votes.add(x, 0.2, f"{_q(t)}", rule="full-year-same")
        _bound_lower(votes, x, t, quiet=True)
        return
    if prep == "since" or is_background or t.tense == "past" or quoted:
        _bound_lower(votes, x, t)
        return
    # A bare year in a present-tense clause is as often a target ("running for president in
    # 2016") as the current year: no vote.


def _record_sentences(sentences: Sequence[SentenceInfo]) -> set[int]:
    return {s.index for s in sentences if "record" in s.text.lower()}


def _bound_upper(votes: _Votes, year: int, t: TimeExpression) -> None:
    if votes.upper is None or year < votes.upper:
        votes.upper = year
        votes.bounds_why.append(f"{_q(t)} is in the future \u2192 the event is not later than {year}")


def _bound_lower(votes: _Votes, year: int, t: TimeExpression, quiet: bool = False) -> None:
    if votes.lower is None or year > votes.lower:
        votes.lower = year
        if not quiet:
            votes.bounds_why.append(f"{_q(t)} is in the past \u2192 the event is not earlier than {year}")


def _shared_words(sentences: Sequence[SentenceInfo], a: int, b: int) -> str:
    if a >= len(sentences) or b >= len(sentences):
        return ""
    stop = {"the", "a", "an", "and", "of", "in", "on", "to", "for", "with", "last", "year", "that", "this", "its", "was",
            "were", "has", "have", "had", "from", "record", "said", "says", "which", "their", "his", "her"}
    wa = {w.strip(".,;:\"'()").lower() for w in sentences[a].text.split()} - stop
    wb = {w.strip(".,;:\"'()").lower() for w in sentences[b].text.split()} - stop
    common = sorted(w for w in wa & wb if len(w) > 3 and w.isalpha())
    return ", ".join(common[:3])


def _weekday_ok(year: int, month: int, day: int, weekday: int | None) -> bool | None:
    if weekday is None or not _date_ok(year, month, day):
        return None
    return dt.date(year, month, day).weekday() == weekday


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _date_str(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _related_weekdays(weekdays: Sequence[TimeExpression], anchor: dt.date, anchor_expr: TimeExpression) -> list[str]:
    out = []
    for wd in weekdays:
        if wd.weekday is None or anchor_expr.start <= wd.start < anchor_expr.end:
            continue
        delta = (wd.weekday - anchor.weekday()) % 7
        if delta > 3:
            delta -= 7
        d = anchor + dt.timedelta(days=delta)
        rel = "the same day" if delta == 0 else f"{abs(delta)} day{'s' if abs(delta) > 1 else ''} {'after' if delta > 0 else 'before'}"
        line = f"{_q(wd)} \u2192 {d.isoformat()} ({rel})"
        if line not in out:
            out.append(line)
    return out


def _no_year(anchors: list[_Anchor], months: list, weekdays: Sequence[TimeExpression], votes: _Votes | None = None) -> EventDate:
    evidence = []
    if votes is not None:
        weak = sorted(votes.score.items(), key=lambda kv: -kv[1])[:2]
        for y, sc in weak:
            evidence.append(f"too little evidence for a year (best: {y}, score {sc:.1f}): {'; '.join(votes.why[y][:2])}")
        evidence.extend(votes.bounds_why[:2])
    for a in anchors[:3]:
        evidence.append(f"{_q(a.expr)} ({a.why}) names {a.month:02d}-{a.day:02d} but no year")
        if a.expr.weekday is not None:
            years = [y for y in range(2000, 2041) if _weekday_ok(y, a.month, a.day, a.expr.weekday)]
            evidence.append(f"{_q(a.expr)} fits the years {', '.join(map(str, years[-6:]))}, ...")
    for _y, m, _w, t in months[:2]:
        evidence.append(f"{_q(t)} names month {m:02d} but no year")
    evidence = list(dict.fromkeys(evidence))
    if not evidence and weekdays:
        evidence.append(f"only weekdays ({', '.join(_q(w) for w in weekdays[:3])}): no date")
    return EventDate(None, None, 0.0, tuple(evidence), ())


def _event(value: str, precision: str, conf: float, evidence: list[str], conflicts: list[str]) -> EventDate:
    conf -= 0.1 * len(conflicts)
    seen: list[str] = []
    for e in evidence:
        if e not in seen:
            seen.append(e)
    return EventDate(value, precision, max(0.05, min(0.95, conf)), tuple(seen), tuple(dict.fromkeys(conflicts)))  # type: ignore[arg-type]


# --- across a story ----------------------------------------------------------------------------


def date_in_story(parts: DatingParts, story_date: EventDate) -> EventDate:
    """Date an article that its own text could not date, using the story's consensus date as
    the reference (the article's own month/day/weekday evidence still decides the day)."""
    ref = parse_reference_date(story_date.value if story_date.value and len(story_date.value) == 10 else
                               (f"{story_date.value}-01" if story_date.value and len(story_date.value) == 7 else
                                (f"{story_date.value}-07-01" if story_date.value else None)))
    if ref is None:
        return EventDate(None, None, 0.0, ("the story has no date either",))
    return _from_text(parts, ref)


def _linked_years(analyses: Mapping[str, DatingParts]) -> list[tuple[int, str]]:
    """'record trade last year' in one article + 'trade reached $245 billion in 2024' in another -> 2025."""
    last: list[tuple[str, str, set[str]]] = []
    explicit: list[tuple[str, int, str, set[str]]] = []
    for aid, an in analyses.items():
        stat = {q.sentence for q in an.quantities} | _record_sentences(an.sentences)
        for t in an.times:
            if t.sentence >= len(an.sentences) or (t.note and "quoted" in t.note):
                continue
            words = _content_words(an.sentences[t.sentence].text)
            if t.kind == "relative" and t.offset_unit == "year" and t.offset == -1 and t.sentence in stat:
                last.append((aid, t.text, words))
            elif t.kind == "year" and t.year and t.prep in ("in", "during", "for") and t.tense == "past" and t.sentence in stat:
                explicit.append((aid, t.year, t.text, words))
    out = []
    for a_id, a_text, a_words in last:
        for b_id, year, b_text, b_words in explicit:
            if b_id == a_id:
                continue
            shared = sorted(a_words & b_words)
            if shared:
                out.append((year + 1, f"{a_id}: \u201c{a_text}\u201d and {b_id}: \u201c{b_text}\u201d (both about {', '.join(shared[:3])}) \u2192 {year + 1}"))
    return out


def _content_words(text: str) -> set[str]:
    stop = {"the", "and", "with", "that", "this", "last", "year", "from", "record", "which", "their", "have", "were",
            "been", "said", "says", "more", "than", "into", "over", "also", "would", "will"}
    return {w for w in (x.strip(".,;:\"'()\u201c\u201d").lower() for x in text.split()) if len(w) > 4 and w.isalpha() and w not in stop}


def story_event_date(
    dates: Mapping[str, EventDate], analyses: Mapping[str, DatingParts] | None = None
) -> tuple[EventDate, list[str]]:
    """Consensus event date of a story's articles, and the articles that disagree with it.

    Votes are weighted by each article's confidence: first the year, then the month, then
    the day (at the finest precision at least one agreeing article supports). An article is
    an outlier when its date falls in another year or month, or more than 7 days from the
    consensus day. Undated articles are neither counted nor outliers; `date_in_story` dates
    them against the consensus. With `analyses`, evidence that only holds across articles
    ("record trade last year" in one, "$245 billion in 2024" in another) is added.
    """
    linked = _linked_years(analyses) if analyses else []
    dated = {aid: d for aid, d in dates.items() if d.value}
    if not dated:
        if linked:
            year = max({y for y, _ in linked}, key=lambda y: sum(1 for z, _ in linked if z == y))
            return EventDate(str(year), "year", 0.4, tuple(w for y, w in linked if y == year),
                             tuple(w for y, w in linked if y != year)), []
        return EventDate(None, None, 0.0, ("no article could be dated",)), []
    total = sum(max(d.confidence, 0.05) for d in dated.values())
    by_year: dict[str, float] = defaultdict(float)
    for d in dated.values():
        by_year[d.value[:4]] += max(d.confidence, 0.05)  # type: ignore[index]
    year = max(by_year, key=lambda y: (by_year[y], y))
    in_year = {aid: d for aid, d in dated.items() if d.value[:4] == year}  # type: ignore[index]
    by_month: dict[str, float] = defaultdict(float)
    for d in in_year.values():
        if d.value and len(d.value) >= 7:
            by_month[d.value[:7]] += max(d.confidence, 0.05)
    value, precision = year, "year"
    support = by_year[year]
    if by_month:
        month = max(by_month, key=lambda m: (by_month[m], m))
        value, precision, support = month, "month", by_month[month] + sum(
            max(d.confidence, 0.05) for d in in_year.values() if d.precision == "year")
        by_day: dict[str, float] = defaultdict(float)
        for d in in_year.values():
            if d.value and len(d.value) == 10 and d.value[:7] == month:
                by_day[d.value] += max(d.confidence, 0.05)
        if by_day:
            value = max(by_day, key=lambda x: (by_day[x], x))
            precision = "day"
    outliers = []
    agree = []
    for aid, d in sorted(dated.items()):
        if _agrees(d.value, value):  # type: ignore[arg-type]
            agree.append(aid)
        else:
            outliers.append(aid)
    mean_conf = sum(dated[a].confidence for a in agree) / len(agree) if agree else 0.0
    confidence = mean_conf * (support / total if total else 0.0) ** 0.5
    evidence = [f"{len(agree)} of {len(dated)} dated articles agree on {value[:7] if precision != 'year' else value}: {', '.join(agree)}"]
    if precision == "day":
        days = sorted({dated[a].value for a in agree if dated[a].value and len(dated[a].value) == 10})  # type: ignore[type-var]
        if len(days) > 1:
            evidence.append(f"days named: {', '.join(days)}")  # type: ignore[arg-type]
    conflicts = [f"{aid}: {dated[aid].value}" for aid in outliers]
    for y, why in linked:
        (evidence if str(y) == value[:4] else conflicts).append(f"across articles: {why}")
    undated = [aid for aid, d in dates.items() if not d.value]
    if undated:
        evidence.append(f"undated: {', '.join(sorted(undated))}")
    return EventDate(value, precision, min(0.95, confidence), tuple(evidence), tuple(conflicts)), outliers  # type: ignore[arg-type]


def _agrees(article_value: str, consensus: str) -> bool:
    n = min(len(article_value), len(consensus))
    if n >= 10:
        a, c = dt.date.fromisoformat(article_value[:10]), dt.date.fromisoformat(consensus[:10])
        return abs((a - c).days) <= 7
    if n >= 7:
        return article_value[:7] == consensus[:7] or _adjacent_month_close(article_value, consensus)
    return article_value[:4] == consensus[:4]


def _adjacent_month_close(a: str, b: str) -> bool:
    """'2025-04-30' and '2025-05-02' agree though their months differ."""
    if len(a) == 10 and len(b) == 10:
        return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days) <= 7
    return False
