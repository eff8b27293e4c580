"""Claims: the sentences (or clauses) of a story's articles, aligned across articles.

1. Each article is split into claim units: its sentences, minus headings, questions and web
   debris, with a leading dateline cut off; a long sentence made of two independent parts
   ("...; ..." or "..., but ...") is split there.
2. Two units of different articles state the same thing when their MiniLM cosine is high and
   their numbers do not disagree, or when the cosine is moderate and they share a named
   entity or a number (`AlignParams`).
3. Groups form by complete linkage: the most similar pair first, and two groups merge only
   if every pair across them is at least loosely similar and no number disagrees, with one
   unit per article. So a group cannot chain unrelated sentences.
4. A group's wording is its most neutral member (fewest loaded words), then its most central.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.compare.measures import Normalised, agree, normalise
from storyline.compare.sources import count_sources
from storyline.compare.text import (
    is_claim_text,
    is_fragment,
    is_quote_led,
    loaded_words,
    starts_with_pronoun,
    strip_dateline,
    word_count,
)
from storyline.compare.types import Claim, ClaimSentence
from storyline.models import Article
from storyline.nlp.types import ArticleAnalysis, EntityMention, QuantityInfo, SentenceInfo, TimeExpression

log = logging.getLogger(__name__)

__all__ = ["AlignParams", "ClaimUnit", "StoryUnits", "claim_units", "align_units", "build_claims"]

_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_STOPWORDS = frozenset(
    "a an the of in on at to from for by with and or but as is are was were be been being has have had will would "
    "could should may might can it its this that these those their his her they he she we our you your i not no "
    "said says say told according also after before than then there which who whom whose what when where while "
    "into over about more most some any all other such only very just so if up out".split()
)
_CLAUSE_SPLIT = re.compile(r";\s+|,\s+(?:but|while|whereas|and|with)\s+|\s+[—–]\s+")
# Quoted passages are never cut into clauses: a quote is one statement of its speaker. A single
# quote opens only after a space or bracket and closes before punctuation or a space, so that
# apostrophes ("Aspria's") are not taken for quotes.
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|(?:(?<=^)|(?<=[\s(\[]))['‘][^'‘’]*['’](?=[\s,.;:!?)\]]|$)")


@dataclass(frozen=True)
class AlignParams:
    """Thresholds for aligning claim units (tuned on the dev events of bench/data/compare_gold)."""

    high: float = 0.74  # cosine that alone makes two units the same claim (numbers must not disagree)
    moderate: float = 0.58  # cosine that suffices with a shared distinctive named entity
    distinctive_share: float = 0.15  # an entity in more of the story's units than this share is not distinctive
    agree_sim: float = 0.50  # cosine that suffices when the units share a figure and none disagrees
    loose: float = 0.45  # every pair inside a group must be at least this similar (complete linkage)
    lexical_sim: float = 0.50  # cosine that suffices when most content words are shared ...
    lexical_overlap: float = 0.50  # ... this share of the shorter unit's content words
    long_sentence_words: int = 18  # sentences longer than this may be split into clauses
    min_clause_words: int = 6


@dataclass
class ClaimUnit:
    article_id: str
    order: int  # position among the article's units
    n_units: int
    sentence: int  # index of the SentenceInfo it comes from
    start: int
    end: int
    text: str
    sentence_text: str  # the whole sentence (a clause keeps its sentence for context)
    sentence_start: int = 0  # offset of sentence_text in the article text
    entities: frozenset[str] = frozenset()  # story-level canonical names
    labelled: tuple[tuple[str, str], ...] = ()  # (canonical name, spaCy label)
    quantities: tuple[QuantityInfo, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    norms: tuple[Normalised, ...] = ()
    words: frozenset[str] = frozenset()  # content words, lower-cased and crudely stemmed

    @property
    def position(self) -> float:
        return self.order / max(1, self.n_units)


@dataclass
class StoryUnits:
    """All claim units of a story with their embeddings (rows L2-normalised)."""

    units: list[ClaimUnit]
    vectors: np.ndarray
    by_article: dict[str, list[int]] = field(default_factory=dict)

    _sim: np.ndarray | None = field(default=None, repr=False)

    def sim(self) -> np.ndarray:
        """Cosine similarity of every pair of units (computed once)."""
        if self._sim is None:
            self._sim = self.vectors @ self.vectors.T if len(self.units) else np.zeros((0, 0), dtype=np.float32)
        return self._sim


def content_words(text: str) -> frozenset[str]:
    out = set()
    for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’\-]*", text.casefold()):
        w = w.replace("’", "'").removesuffix("'s")
        if w in _STOPWORDS or len(w) < 2:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return frozenset(out)


def lexical_overlap(a: ClaimUnit, b: ClaimUnit) -> float:
    """Share of the shorter unit's content words that the other unit has too."""
    if not a.words or not b.words:
        return 0.0
    return len(a.words & b.words) / min(len(a.words), len(b.words))


def _fallback_sentences(text: str) -> tuple[SentenceInfo, ...]:
    """Sentences by punctuation, for analyses that carry none."""
    out: list[SentenceInfo] = []
    for para in re.finditer(r"[^\n]+", text):
        cursor = para.start()
        for m in re.finditer(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘'(]?[A-Z0-9])", para.group(0)):
            s, e = cursor, para.start() + m.start()
            if e > s:
                out.append(SentenceInfo(len(out), s, e, text[s:e]))
            cursor = para.start() + m.end()
        if para.end() > cursor:
            out.append(SentenceInfo(len(out), cursor, para.end(), text[cursor:para.end()]))
    return tuple(s for s in out if s.text.strip())


def _clauses(start: int, text: str, params: AlignParams) -> list[tuple[int, int]]:
    """(start, end) offsets of the clauses of a long sentence, or of the whole sentence."""
    if word_count(text) <= params.long_sentence_words:
        return [(start, start + len(text))]
    cuts = [0]
    quoted = [q.span() for q in _QUOTED.finditer(text)]
    splits = [m for m in _CLAUSE_SPLIT.finditer(text) if not any(qs < m.start() < qe for qs, qe in quoted)]
    # Two dashes in a sentence set off an aside ("320 passengers — about average for the route —
    # when it sank"): cutting there leaves the aside as a fragment, so neither dash cuts.
    undashed = [m for m in splits if m.group().strip() not in ("\u2014", "\u2013")]
    if len(splits) - len(undashed) >= 2:
        splits = undashed
    for m in splits:
        left = text[cuts[-1]:m.start()]
        right = text[m.end():]
        if word_count(left) >= params.min_clause_words and word_count(right) >= params.min_clause_words:
            cuts.append(m.start())
            cuts.append(m.end())
    if len(cuts) == 1:
        return [(start, start + len(text))]
    cuts.append(len(text))
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return [(start + s, start + e) for s, e in pieces]


_SINGLE_CLOSE = re.compile(r"['’](?=[\s,.;:!?)\]]|$)")


def _opens_quote(unit: str) -> bool:
    """Whether a unit opens a quotation it does not close (the sentence splitter cut a quote of two
    or more sentences: "'We will not speculate. We will follow the evidence,' he said.")."""
    if unit.startswith("“"):
        return "”" not in unit
    if unit.startswith('"'):
        return unit.count('"') == 1
    if unit.startswith(("'", "‘")):
        return _SINGLE_CLOSE.search(unit, 1) is None
    return False


def _join_split_quotes(raw: list[tuple[int, int, int, str]], text: str, limit: int = 4) -> list[tuple[int, int, int, str]]:
    """Join a unit that opens a quote with the units that directly follow it in the same paragraph,
    up to `limit` units, until the quote closes: a quote is one statement of its speaker."""
    out: list[tuple[int, int, int, str]] = []
    i = 0
    while i < len(raw):
        sidx, start, end, _ = raw[i]
        j = i
        while _opens_quote(text[start:end]) and j + 1 < len(raw) and j - i + 1 < limit:
            gap = text[end:raw[j + 1][1]]
            if gap.strip() or "\n" in gap:
                break
            j += 1
            end = raw[j][2]
        out.append((sidx, start, end, text[start:end]) if j > i else raw[i])
        i = j + 1
    return out


def claim_units(
    article: Article,
    analysis: ArticleAnalysis | None,
    canonical: Mapping[str, str] | None = None,
    params: AlignParams | None = None,
) -> list[ClaimUnit]:
    """The claim units of one article, in text order."""
    params = params or AlignParams()
    canonical = canonical or {}
    text = article.text
    sentences = analysis.sentences if analysis and analysis.sentences else _fallback_sentences(text)
    entities: Sequence[EntityMention] = analysis.entities if analysis else ()
    quantities: Sequence[QuantityInfo] = analysis.quantities if analysis else ()
    times: Sequence[TimeExpression] = analysis.times if analysis else ()
    raw: list[tuple[int, int, int, str]] = []
    sentence_start: dict[int, int] = {}
    for s in sentences:
        start = s.start
        if text[s.start:s.end] != s.text:  # offsets from another version of the text: find the sentence
            start = text.find(s.text)
            if start < 0:
                continue
        sentence_start[s.index] = start
        skip = strip_dateline(s.text)
        body = s.text[skip:]
        if not is_claim_text(body, article.title):
            continue
        for cs, ce in _clauses(start + skip, body, params):
            piece = text[cs:ce]
            stripped = piece.strip()
            if word_count(stripped) < 4:
                continue
            lead = len(piece) - len(piece.lstrip())
            raw.append((s.index, cs + lead, cs + lead + len(stripped), stripped))
    raw = _join_split_quotes(raw, text)
    units: list[ClaimUnit] = []
    for order, (sidx, start, end, utext) in enumerate(raw):
        labelled = tuple(dict.fromkeys(
            (canonical.get(m.canonical, m.canonical), m.label)
            for m in entities
            if m.label in _NAME_LABELS and start <= m.start < end
        ))
        ents = frozenset(name for name, _ in labelled)
        qs = tuple(q for q in quantities if start <= q.start < end)
        ts = tuple(t for t in times if start <= t.start < end)
        sent = next((x for x in sentences if x.index == sidx), None)
        units.append(ClaimUnit(
            article_id=article.id, order=order, n_units=len(raw), sentence=sidx, start=start, end=end, text=utext,
            sentence_text=sent.text if sent is not None else utext, sentence_start=sentence_start.get(sidx, start),
            entities=ents, labelled=labelled, quantities=qs, times=ts,
            norms=tuple(normalise(q) for q in qs), words=content_words(utext),
        ))
    return units


def story_units(
    articles: Sequence[Article],
    analyses: Mapping[str, ArticleAnalysis],
    canonical: Mapping[str, str],
    params: AlignParams | None = None,
) -> StoryUnits:
    from storyline.models_registry import embed

    units: list[ClaimUnit] = []
    by_article: dict[str, list[int]] = {}
    for a in articles:
        us = claim_units(a, analyses.get(a.id), canonical, params)
        by_article[a.id] = list(range(len(units), len(units) + len(us)))
        units.extend(us)
    vectors = embed([u.text for u in units])
    return StoryUnits(units=units, vectors=vectors, by_article=by_article)


def numbers_relation(a: ClaimUnit, b: ClaimUnit) -> str:
    """'agree' (a shared figure), 'disagree' (same kind of figure, no shared value) or 'none'."""
    dims_a: dict[str, list[Normalised]] = {}
    dims_b: dict[str, list[Normalised]] = {}
    for n in a.norms:
        dims_a.setdefault(n.dim, []).append(n)
    for n in b.norms:
        dims_b.setdefault(n.dim, []).append(n)
    shared = set(dims_a) & set(dims_b)
    if not shared:
        return "none"
    relation = "none"
    for d in shared:
        if any(agree(x, y) for x in dims_a[d] for y in dims_b[d]):
            relation = "agree"
        elif d != "none" and not d.startswith("ordinal"):
            return "disagree"
    return relation


def _linkable(sim: float, rel: str, shared_entities: int, lexical: float, p: AlignParams) -> bool:
    if rel == "disagree":
        return False
    if sim >= p.high:
        return True
    if sim >= p.lexical_sim and lexical >= p.lexical_overlap:
        return True
    if sim >= p.agree_sim and rel == "agree":
        return True
    return sim >= p.moderate and shared_entities > 0


def align_units(su: StoryUnits, params: AlignParams | None = None) -> list[list[int]]:
    """Groups of unit indices (one unit per article per group), by constrained complete linkage."""
    p = params or AlignParams()
    units = su.units
    n = len(units)
    if n == 0:
        return []
    sim = su.sim()
    rel_cache: dict[tuple[int, int], str] = {}

    def rel(i: int, j: int) -> str:
        key = (i, j) if i < j else (j, i)
        if key not in rel_cache:
            rel_cache[key] = numbers_relation(units[i], units[j])
        return rel_cache[key]

    # Entities named all through the story ("Xi", "Russia") say nothing about which claim a unit makes.
    df: dict[str, int] = {}
    for u in units:
        for e in u.entities:
            df[e] = df.get(e, 0) + 1
    limit = max(3, p.distinctive_share * n)
    distinctive = {e for e, c in df.items() if c <= limit}
    candidates: list[tuple[float, int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if units[i].article_id == units[j].article_id:
                continue
            s = float(sim[i, j])
            if s < min(p.moderate, p.lexical_sim, p.agree_sim):
                continue
            shared = len(units[i].entities & units[j].entities & distinctive)
            r = rel(i, j)
            if _linkable(s, r, shared, lexical_overlap(units[i], units[j]), p):
                bonus = 0.05 * (r == "agree") + 0.02 * min(shared, 2)
                candidates.append((s + bonus, i, j))
    candidates.sort(key=lambda x: (-x[0], x[1], x[2]))
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _, i, j in candidates:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        a_members, b_members = members[gi], members[gj]
        if {units[k].article_id for k in a_members} & {units[k].article_id for k in b_members}:
            continue
        ok = all(sim[x, y] >= p.loose and rel(x, y) != "disagree" for x in a_members for y in b_members)
        if not ok:
            continue
        keep, drop = (gi, gj) if gi < gj else (gj, gi)
        members[keep] = sorted(members[keep] + members[drop])
        for k in members[drop]:
            group_of[k] = keep
        del members[drop]
    return [m for _, m in sorted(members.items(), key=lambda kv: min(units[k].article_id + f"{units[k].order:06d}" for k in kv[1]))]


def unsupported_figures(k: int, group: Sequence[int], su: StoryUnits) -> int:
    """Figures in member k that no other member of the group states: extra facts riding along."""
    u = su.units[k]
    others = [su.units[o] for o in group if o != k]
    return sum(1 for n in u.norms if not any(agree(n, m) for o in others for m in o.norms if m.dim == n.dim))


def representative(group: Sequence[int], su: StoryUnits) -> int:
    """The wording of a claim: a whole sentence with no figures the others lack, the fewest
    loaded words, not quote- or pronoun-led, then the most central member."""
    if len(group) == 1:
        return group[0]
    sim = su.sim()

    def key(k: int) -> tuple[float, ...]:
        u = su.units[k]
        centrality = float(np.mean([sim[k, o] for o in group if o != k]))
        return (float(is_fragment(u.text)), unsupported_figures(k, group, su), len(loaded_words(u.text)),
                float(is_quote_led(u.text)), float(starts_with_pronoun(u.text)), -round(centrality, 2), len(u.text), u.order)

    return min(group, key=key)


def build_claims(
    groups: Sequence[Sequence[int]],
    su: StoryUnits,
    source_key: Mapping[str, str],
    article_order: Mapping[str, int],
) -> list[tuple[Claim, list[int]]]:
    """Claims (status corroborated or single_source; conflicts may mark them contested later),
    ordered by independent sources, then earliest position; ids c1, c2, ... in that order."""
    drafts = []
    for g in groups:
        g = sorted(g, key=lambda k: (article_order.get(su.units[k].article_id, 0), su.units[k].order))
        ids = tuple(dict.fromkeys(su.units[k].article_id for k in g))
        n_src = count_sources(ids, dict(source_key))
        rep = representative(g, su)
        first = min(su.units[k].position for k in g)
        drafts.append((n_src, first, g, ids, rep))
    drafts.sort(key=lambda d: (-d[0], d[1], article_order.get(d[3][0], 0), su.units[d[2][0]].order))
    out: list[tuple[Claim, list[int]]] = []
    for n, (n_src, _first, g, ids, rep) in enumerate(drafts, 1):
        sentences = tuple(ClaimSentence(su.units[k].article_id, su.units[k].start, su.units[k].end, su.units[k].text) for k in g)
        claim = Claim(
            id=f"c{n}", text=su.units[rep].text, article_ids=ids, independent_sources=n_src,
            status="corroborated" if n_src >= 2 else "single_source", sentences=sentences,
        )
        out.append((claim, list(g)))
    return out
