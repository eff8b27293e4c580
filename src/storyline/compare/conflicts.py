"""Conflicts: articles of one story that give different values for the same measured thing.

A figure is the same measured thing in two articles when
- its dimension matches after unit normalisation ("5 km" and "3 miles" are both lengths),
- its role matches (a current value, not a previous one "from 4.75%", a change "by 0.25
  points" or a forecast "expected to fall to 4%"),
- its time reference is compatible (not "in 2019" against this year's event, not "in April"
  against "in May"),
- the sentences name no disjoint subjects (the "Nordic Dawn" is not the "Aurora Star"),
- and what it counts matches: the same measure class ("killed" / "death toll"), the same
  measured noun, or very similar sentences.
Figures group by complete linkage; a group with values that cannot both be true (their
intervals do not overlap: "about 120" and "120" do) becomes a conflict, of kind
- contradiction: the values refer to the same time and nothing signals an update;
- update: a later report of a changing figure ("rose to 15 on Wednesday", "revised", a later
  date, or a later published report of a toll);
- unclear: otherwise.
Dates can conflict too: two near-identical sentences that put the same event on different days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.compare.claims import ClaimUnit, StoryUnits
from storyline.compare.measures import (
    CHANGING_CLASSES,
    CLASS_LABELS,
    Normalised,
    agree,
    clause_around,
    measure_class,
    measure_keys,
    value_role,
)
from storyline.compare.sources import outlet_label
from storyline.compare.text import UPDATE_CUE
from storyline.compare.types import Conflict, ConflictValue
from storyline.models import Article
from storyline.nlp.types import QuantityInfo, TimeExpression

__all__ = ["ConflictParams", "find_conflicts", "value_phrase", "value_text"]

_SCALE_WORDS = re.compile(r"\b(magnitude|category|level|scale|index|grade|score)\b", re.I)
_STOP = set("the a an of in on at to from for by with and or but as its their his her this that these those "
            "according said says was were is are be been has have had will would could".split())
_GENERIC_MEASURES = {"people", "person", "persons", "number", "total", "figure", "it", "they", "this"}


@dataclass(frozen=True)
class ConflictParams:
    """Thresholds for matching figures across articles (tuned on the dev events)."""

    class_sim: float = 0.35  # sentence cosine enough when both figures count the same class (deaths, rescued, ...)
    measure_sim: float = 0.45  # ... when they share a measured noun
    context_sim: float = 0.70  # ... with nothing else in common
    loose_sim: float = 0.30  # every cross-article pair of a conflict group must reach this
    date_sim: float = 0.80  # sentences this similar that name different days conflict on the date


@dataclass
class _Mention:
    unit: int
    article_id: str
    q: QuantityInfo
    norm: Normalised
    dim: str
    cls: str | None
    role: str
    period: tuple[int | None, int | None, int | None, int | None]  # year, month, day, weekday
    cue: bool
    measure_words: frozenset[str]  # content words of the measure the analysis names
    keys: frozenset[str]  # measure keys from the words around the figure ("cost", "funding")
    noun: str | None


def _words(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    ws = {w.casefold() for w in re.findall(r"[A-Za-z][A-Za-z\-]+", text)}
    return frozenset(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in ws if w not in _STOP and w not in _GENERIC_MEASURES)


def _period(t: TimeExpression | None) -> tuple[int | None, int | None, int | None, int | None]:
    if t is None:
        return (None, None, None, None)
    year, month, day = t.year, t.month, t.day
    if t.value:
        parts = t.value.split("-")
        try:
            year = int(parts[0])
            month = int(parts[1]) if len(parts) > 1 else month
            day = int(parts[2]) if len(parts) > 2 else day
        except ValueError:
            pass
    weekday = t.weekday
    if year and month and day:
        try:
            weekday = dt.date(year, month, day).weekday()
        except ValueError:
            pass
    return (year, month, day, weekday)


def _nearest_time(u: ClaimUnit, q: QuantityInfo) -> TimeExpression | None:
    best: tuple[int, TimeExpression] | None = None
    for t in u.times:
        if t.kind not in ("date", "month", "year", "weekday", "relative", "dateline", "anniversary"):
            continue
        if (t.prep or "").casefold() in ("since", "until", "before", "after"):
            continue
        if t.kind == "relative" and t.offset_unit is None:
            continue
        dist = q.start - t.end if t.end <= q.start else t.start - q.end
        if dist > 80:
            continue
        if best is None or dist < best[0]:
            best = (dist, t)
    return best[1] if best else None


def _noun_after(sentence: str, offset: int) -> str | None:
    """'8,000 tonnes of ammonium nitrate, ...' -> 'ammonium nitrate'."""
    m = re.match(r"\s+of\s+((?:[A-Za-z\-]+\s*){1,3})", sentence[offset:])
    if not m:
        return None
    words = []
    for w in m.group(1).split():
        if w.casefold() in _STOP:
            break
        words.append(w)
    return " ".join(words) or None


def _mentions(su: StoryUnits) -> list[_Mention]:
    out: list[_Mention] = []
    for ui, u in enumerate(su.units):
        for q, norm in zip(u.quantities, u.norms):
            if q.kind == "ordinal":
                continue
            s_off = q.start - u.sentence_start
            e_off = q.end - u.sentence_start
            sent = u.sentence_text
            if not (0 <= s_off <= len(sent)):
                continue
            dim = norm.dim
            if dim == "none" or (dim.startswith("other:") and q.unit is None):
                before = sent[max(0, s_off - 60):s_off]
                scale = list(_SCALE_WORDS.finditer(before))
                if scale:
                    dim = "other:" + scale[-1].group(1).casefold()
            if (q.unit or "").casefold() in ("magnitude",):
                dim = "other:magnitude"
            cls = None
            if q.kind == "count" or dim.startswith("count:"):
                cls = measure_class(q.measure or "", 0, len(q.measure or "")) if q.measure else None
                cls = cls or measure_class(sent, s_off, e_off, window=60)
            window_before = sent[max(0, s_off - 60):s_off]
            out.append(_Mention(
                unit=ui, article_id=u.article_id, q=q, norm=norm, dim=dim, cls=cls, role=value_role(sent, s_off),
                period=_period(_nearest_time(u, q)), cue=bool(UPDATE_CUE.search(window_before)),
                measure_words=_words(q.measure) | _words(_noun_after(sent, e_off)), keys=measure_keys(sent, s_off, e_off),
                noun=_noun_after(sent, e_off),
            ))
    return out


def _time_relation(a: _Mention, b: _Mention, event_year: int | None) -> str:
    """'incompatible', 'same', 'differs' (different days: an update is possible) or 'unknown'."""
    ya, ma, da, wa = a.period
    yb, mb, db, wb = b.period
    if ya and yb and ya != yb:
        return "incompatible"
    if event_year:
        for y, other in ((ya, yb), (yb, ya)):
            if y and not other and abs(y - event_year) >= 1:
                return "incompatible"
    if ma and mb and ma != mb:
        return "incompatible"
    if da and db:
        return "same" if da == db else "differs"
    if wa is not None and wb is not None:
        return "same" if wa == wb else "differs"
    if ma and mb:
        return "same"
    return "unknown"


def _name_words(name: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[A-Za-z][A-Za-z\-]+", name) if w.casefold() not in _STOP}


def _different_subjects(ua: ClaimUnit, ub: ClaimUnit) -> bool:
    """Both sentences name things of one kind (two ships, two companies) and none in common.

    People are left out: who is quoted as the source of a figure varies between outlets.
    """
    labels_a: dict[str, set[str]] = {}
    labels_b: dict[str, set[str]] = {}
    for name, label in ua.labelled:
        if label != "PERSON":
            labels_a.setdefault(label, set()).update(_name_words(name))
    for name, label in ub.labelled:
        if label != "PERSON":
            labels_b.setdefault(label, set()).update(_name_words(name))
    all_a = set().union(*labels_a.values()) if labels_a else set()
    all_b = set().union(*labels_b.values()) if labels_b else set()
    for label in set(labels_a) & set(labels_b):
        if not (labels_a[label] & all_b) and not (labels_b[label] & all_a):
            return True
    return False


def _same_thing(a: _Mention, b: _Mention, units: Sequence[ClaimUnit], sim: np.ndarray, event_year: int | None,
                p: ConflictParams, loose: bool = False) -> bool:
    if a.dim != b.dim or a.role != b.role:
        return False
    if _time_relation(a, b, event_year) == "incompatible":
        return False
    ua, ub = units[a.unit], units[b.unit]
    s = float(sim[a.unit, b.unit])
    if s < 0.85 and _different_subjects(ua, ub):
        return False
    if a.cls and b.cls and a.cls != b.cls:
        return False
    if a.keys and b.keys and not (a.keys & b.keys) and not (a.cls and a.cls == b.cls) and s < 0.85:
        return False  # "cost" is not "funding", "revenue" is not "workforce"
    if loose:
        return s >= p.loose_sim
    if a.cls and a.cls == b.cls and s >= p.class_sim:
        return True
    if a.keys & b.keys and s >= p.measure_sim:
        return True
    if _same_measure(a.measure_words, b.measure_words) and s >= p.measure_sim:
        return True
    if (a.dim.startswith("count:") and a.dim != "count:people" or a.dim.startswith("other:")) and s >= p.measure_sim:
        return True  # "45,000-seat" / "40,000-seat", "magnitude 6.4" / "6.2": the unit names the measure
    return s >= p.context_sim


def _same_measure(a: frozenset[str], b: frozenset[str]) -> bool:
    """"interest rate" ~ "main interest rate", "inflation" ~ "consumer price inflation";
    not "benchmark interest rate" ~ "average mortgage rate" (only the head is shared)."""
    shared = a & b
    if not shared:
        return False
    return len(shared) >= 2 or shared == a or shared == b


def _value_classes(members: list[_Mention]) -> list[list[_Mention]]:
    """Members grouped by value: values whose intervals overlap are one value."""
    classes: list[list[_Mention]] = []
    for m in sorted(members, key=lambda m: m.norm.value):
        for c in classes:
            if all(agree(m.norm, o.norm) for o in c):
                c.append(m)
                break
        else:
            classes.append([m])
    return classes


def _published(article: Article | None) -> dt.date | None:
    if article is None or not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def _source_names(article_ids: Sequence[str], articles: Mapping[str, Article]) -> str:
    names: list[str] = []
    unknown = 0
    for aid in dict.fromkeys(article_ids):
        label = outlet_label(articles.get(aid))
        if label:
            if label not in names:
                names.append(label)
        else:
            unknown += 1
    if unknown:
        names.append("one report" if unknown == 1 and not names else (f"{unknown} other reports" if unknown > 1 else "another report"))
    if len(names) <= 1:
        return names[0] if names else "one report"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _about(members: list[_Mention]) -> str:
    """A short name for what the figures measure: "death toll", "ammonium nitrate (tonnes)"."""
    classes = [m.cls for m in members if m.cls]
    if classes:
        return CLASS_LABELS.get(max(set(classes), key=classes.count), "figure")

    def most(items: list[str]) -> str | None:
        return max(sorted(set(items)), key=items.count) if items else None

    keys = [k for m in members for k in m.keys]
    if keys and all(m.keys for m in members):
        shared = set.intersection(*(set(m.keys) for m in members))
        if shared:
            return most(sorted(k for k in keys if k in shared)) or "figure"
    noun = most([m.noun for m in members if m.noun])
    measure = most([m.q.measure for m in members if m.q.measure and m.q.measure.casefold() not in _GENERIC_MEASURES])
    unit = most([m.q.unit for m in members if m.q.unit])
    dim = members[0].dim
    base = noun or measure
    if base and not base[:2].isupper():
        base = base[:1].lower() + base[1:]
    if dim.startswith("count:") and unit:
        plural = unit if unit.endswith("s") else unit + "s"
        return f"number of {base} {plural}" if base and unit.casefold() not in base.casefold() else f"number of {plural}"
    if dim.startswith("other:"):
        return dim.split(":", 1)[1]  # the unit names the measure: "magnitude"
    if base is None:
        return f"figure ({unit})" if unit else "figure"
    if dim in ("mass", "volume"):
        return f"amount of {base}"
    return base


def _kind(classes: list[list[_Mention]], articles: Mapping[str, Article], event_year: int | None,
          source_key: Mapping[str, str]) -> tuple[str, str]:
    """(kind, explanation) for a group of mentions with several values."""
    pairs = [(a, b) for i, ca in enumerate(classes) for cb in classes[i + 1:] for a in ca for b in cb if a.article_id != b.article_id]
    relations = [_time_relation(a, b, event_year) for a, b in pairs]
    values = [_fmt_class(c, articles) for c in classes]
    cue_classes = [c for c in classes if any(m.cue for m in c)]
    changing = any(m.cls in CHANGING_CLASSES for c in classes for m in c)
    if "same" in relations and "differs" not in relations and not cue_classes:
        return "contradiction", (f"The reports give different values for the same time and nothing in them signals an update: "
                                 f"{'; '.join(values)}.")
    if "same" in relations and "differs" not in relations and cue_classes:
        return "contradiction", (f"The reports refer to the same time but give different values: {'; '.join(values)}. "
                                 f"Words such as \"rose\" or \"fell\" there describe a change, not a correction.")
    if cue_classes or "differs" in relations:
        later = _later_class(classes, articles, cue_classes)
        earlier = [c for c in classes if c is not later]
        lt = later[0]
        phrase = _cue_phrase(lt, articles)
        return "update", (f"The figure changed as the story developed: {_source_names([m.article_id for m in later], articles)} "
                          f"gives {value_text(lt.q.text, lt.q.unit)}{phrase}, a later figure than "
                          f"{' and '.join(_fmt_class(c, articles) for c in earlier)}.")
    dated = [(min((_published(articles.get(m.article_id)) or dt.date.max) for m in c), c) for c in classes]
    if changing and all(d != dt.date.max for d, _ in dated) and len({d for d, _ in dated}) == len(dated):
        dated.sort(key=lambda x: x[0])
        last = dated[-1][1]
        return "update", (f"This is a figure that changes over time and {_source_names([m.article_id for m in last], articles)} "
                          f"was published later: {'; '.join(values)}.")
    independent = len({source_key.get(m.article_id, m.article_id) for c in classes for m in c}) >= 2
    if independent and not changing:
        return "contradiction", (f"Different sources state different values for the same fact, with no sign of an update "
                                 f"or of a different time: {'; '.join(values)}.")
    return "unclear", (f"The reports give different values ({'; '.join(values)}), and they do not make clear whether "
                       f"the figure changed over time or the sources disagree.")


def _later_class(classes: list[list[_Mention]], articles: Mapping[str, Article], cue_classes: list[list[_Mention]]) -> list[_Mention]:
    if len(cue_classes) == 1:
        return cue_classes[0]

    def key(c: list[_Mention]) -> tuple[dt.date, int, int]:
        pub = max((_published(articles.get(m.article_id)) or dt.date.min) for m in c)
        days = max(((m.period[0] or 0) * 400 + (m.period[1] or 0) * 32 + (m.period[2] or 0)) for m in c)
        return (pub, days, any(m.cue for m in c))

    return max(cue_classes or classes, key=key)


def _cue_phrase(m: _Mention, articles: Mapping[str, Article]) -> str:
    art = articles.get(m.article_id)
    if art is None:
        return ""
    offset = max(0, m.q.start - 40)
    cue = list(UPDATE_CUE.finditer(art.text[offset:m.q.start]))
    if not cue:
        return ""
    return f" (\"{' '.join(art.text[offset + cue[-1].start():m.q.end].split())}\")"


_PHRASE_BOUNDARY = re.compile(r"[,;:()\"“”—–]|\b(?:and|but|while|whereas|according|said|says|told)\b", re.I)


def value_phrase(sentence: str, start: int, end: int, before: int = 5, after: int = 4) -> str:
    """The words around a figure within its clause: "rose to 15 on Wednesday", "8% of its workforce"."""
    if not (0 <= start <= end <= len(sentence)):
        return ""
    left, right = clause_around(sentence, start, end, _PHRASE_BOUNDARY)
    lw = left.split()
    lw = lw[-before:] if before else []
    while lw and lw[0].casefold() in ("or", "and", "with", "of", "to", "the", "a", "an"):
        lw = lw[1:]
    rw = right.split()[:after]
    phrase = " ".join(lw + [sentence[start:end].strip()] + rw).strip(" .,;")
    return phrase


def value_text(text: str, unit: str | None) -> str:
    """The value as written, with its unit when the text is a bare number ("15" -> "15 people")."""
    t = text.strip()
    hyphen = re.fullmatch(r"([\d.,]+)-([A-Za-z]+)", t)  # "45,000-seat" -> "45,000 seats"
    if hyphen:
        word = hyphen.group(2)
        return f"{hyphen.group(1)} {word if hyphen.group(1) in ('1', 'one') or word.endswith('s') else word + 's'}"
    if unit and re.fullmatch(r"[\d.,]+|[A-Za-z\-]+", t) and unit not in ("%",) and not re.fullmatch(r"[A-Z]{3}", unit):
        return f"{t} {unit}"
    return t


def _fmt_class(c: list[_Mention], articles: Mapping[str, Article]) -> str:
    return f"{_source_names([m.article_id for m in c], articles)}: {value_text(c[0].q.text, c[0].q.unit)}"


def find_conflicts(
    su: StoryUnits,
    articles: Sequence[Article],
    source_key: Mapping[str, str],
    event_year: int | None = None,
    params: ConflictParams | None = None,
) -> tuple[list[Conflict], list[list[int]]]:
    """Conflicts (ids k1, k2, ... in order of first appearance) and, for each, the unit indices it rests on."""
    p = params or ConflictParams()
    by_id = {a.id: a for a in articles}
    order = {a.id: n for n, a in enumerate(articles)}
    units = su.units
    sim = su.sim()
    mentions = _mentions(su)
    n = len(mentions)
    edges: list[tuple[float, int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = mentions[i], mentions[j]
            if a.article_id == b.article_id:
                continue
            if _same_thing(a, b, units, sim, event_year, p):
                edges.append((float(sim[a.unit, b.unit]), i, j))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _, i, j in edges:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        ok = True
        for x in members[gi]:
            for y in members[gj]:
                mx, my = mentions[x], mentions[y]
                if mx.article_id == my.article_id:
                    if not agree(mx.norm, my.norm):
                        ok = False
                elif not _same_thing(mx, my, units, sim, event_year, p, loose=True):
                    ok = False
                if not ok:
                    break
            if not ok:
                break
        if not ok:
            continue
        keep, drop = (gi, gj) if gi < gj else (gj, gi)
        members[keep] += members[drop]
        for k in members[drop]:
            group_of[k] = keep
        del members[drop]

    found: list[tuple[tuple[int, int], Conflict, list[int]]] = []
    for group in members.values():
        ms = [mentions[k] for k in group]
        if len({m.article_id for m in ms}) < 2:
            continue
        classes = _value_classes(ms)
        if len(classes) < 2:
            continue
        kind, explanation = _kind(classes, by_id, event_year, source_key)
        values: list[ConflictValue] = []
        seen: set[tuple[str, float]] = set()
        for m in sorted(ms, key=lambda m: (order.get(m.article_id, 0), m.q.start)):
            key = (m.article_id, round(m.norm.value, 6))
            if key in seen:
                continue
            seen.add(key)
            u = units[m.unit]
            values.append(ConflictValue(value=m.q.value, article_id=m.article_id, quote=u.sentence_text,
                                        text=m.q.text.strip(), unit=m.q.unit,
                                        phrase=value_phrase(u.sentence_text, m.q.start - u.sentence_start, m.q.end - u.sentence_start)))
        first = min((order.get(m.article_id, 0), m.q.start) for m in ms)
        found.append((first, Conflict(id="", about=_about(ms), values=tuple(values), kind=kind, explanation=explanation),  # type: ignore[arg-type]
                      sorted({m.unit for m in ms})))
    found.extend(_date_conflicts(su, by_id, order, source_key, p))
    found.sort(key=lambda f: f[0])
    out: list[Conflict] = []
    unit_lists: list[list[int]] = []
    for n_, (_, c, us) in enumerate(found, 1):
        out.append(Conflict(id=f"k{n_}", about=c.about, values=c.values, kind=c.kind, explanation=c.explanation))
        unit_lists.append(us)
    return out, unit_lists


def _day_times(u: ClaimUnit) -> list[TimeExpression]:
    return [t for t in u.times if t.kind in ("date", "weekday") and (t.value or t.weekday is not None)
            and (t.prep or "").casefold() not in ("since", "until", "before", "after", "by")]


def _date_conflicts(su: StoryUnits, articles: Mapping[str, Article], order: Mapping[str, int],
                    source_key: Mapping[str, str], p: ConflictParams) -> list[tuple[tuple[int, int], Conflict, list[int]]]:
    """Near-identical sentences of different sources that put the event on different days."""
    units = su.units
    sim = su.sim()
    out = []
    used: set[int] = set()
    for i, a in enumerate(units):
        ta = _day_times(a)
        if len(ta) != 1 or i in used:
            continue
        for j in range(i + 1, len(units)):
            b = units[j]
            if b.article_id == a.article_id or j in used or source_key.get(a.article_id) == source_key.get(b.article_id):
                continue
            if float(sim[i, j]) < p.date_sim:
                continue
            tb = _day_times(b)
            if len(tb) != 1:
                continue
            pa, pb = _period(ta[0]), _period(tb[0])
            if pa[:3] != (None, None, None) and pb[:3] != (None, None, None):
                differ = pa[:3] != pb[:3]
            else:
                differ = pa[3] is not None and pb[3] is not None and pa[3] != pb[3]
            if not differ:
                continue
            if UPDATE_CUE.search(a.text) or UPDATE_CUE.search(b.text):
                continue
            used.update((i, j))
            about = "date of: " + _short(a.text)
            va = ConflictValue(value=ta[0].value or ta[0].text, article_id=a.article_id, quote=a.sentence_text, text=ta[0].text)
            vb = ConflictValue(value=tb[0].value or tb[0].text, article_id=b.article_id, quote=b.sentence_text, text=tb[0].text)
            expl = (f"{_source_names([a.article_id], articles)} says \"{ta[0].text}\" and {_source_names([b.article_id], articles)} "
                    f"says \"{tb[0].text}\" in otherwise matching sentences.")
            out.append(((order.get(a.article_id, 0), a.start),
                        Conflict(id="", about=about, values=(va, vb), kind="contradiction", explanation=expl), [i, j]))
            break
    return out


def _short(text: str, words: int = 8) -> str:
    ws = text.split()
    return " ".join(ws[:words]) + (" …" if len(ws) > words else "")
