"""Per-article cluster features: pure functions of one article (plus the MiniLM encoder).

- `embedding_text(article)`: the text MiniLM encodes (the headline and the lead).
- `lexical_counts(article)`: hashed word counts of the headline (counted `TITLE_WEIGHT` times)
  and the lead, stop words removed: the fast lexical representation.
- `specifics(article)`: who/where and figures: capitalised names (as whole names and as their
  tokens) and numbers with their units ("$245 billion", "145%", "four-day").
- `ArticleFeatures`: the above plus the event date (published, override or text evidence).

Hashes are MurmurHash3 (scikit-learn's), so features are identical across processes and
runs and can be stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils import murmurhash3_32

from storyline.cluster.when import lead_day_mentions, lead_weekdays, parse_date, resolve_lead_days, text_event_date
from storyline.models import Article
from storyline.nlp.sentences import datelines_to_places

__all__ = ["ArticleFeatures", "embedding_text", "lexical_counts", "specifics", "article_features", "N_HASH"]

N_HASH = 1 << 20
TITLE_WEIGHT = 3
LEAD_WORDS = 250  # words of body text used by the lexical and entity channels
EMBED_CHARS = 1500  # characters of body text given to the encoder (MiniLM reads ~256 word pieces)

_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "told", "according", "mr", "mrs", "ms", "s", "t", "news", "fox", "huffpost", "nyt", "reuters", "ap"}
_CAP = re.compile(r"\b[A-Z][\w'\u2019.&-]*(?:\s+(?:of|de|del|al|bin|van|von|la|le|the|and)?\s*[A-Z][\w'\u2019.&-]*)*")
_HONORIFIC = frozenset({
    "mr", "mrs", "ms", "dr", "president", "prime", "minister", "sen", "senator", "rep", "gov", "governor", "secretary",
    "chancellor", "king", "queen", "prince", "general", "gen", "judge", "justice", "chief", "former", "the",
    "a", "an", "in", "on", "at", "but", "and", "he", "she", "it", "they", "we", "i", "this", "that", "his", "her",
    "their", "its", "as", "after", "before", "when", "while", "if", "for", "with", "by", "from", "of", "to", "there",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "related", "read",
})
_NUMWORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_FIGURE = re.compile(
    r"(?P<cur>[$\u20ac\u00a3])?\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<unit>%|percent|per cent|million|billion|trillion|bn|m\b|"
    r"(?:st|nd|rd|th)\b|-(?:day|year|month|week|point|hour)s?)?", re.I)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# Days of the month and clock times are dates, not figures: "June 18" in two datelines is no shared specific.
_DATE_OR_TIME = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])|\b\d{{1,2}}:\d{{2}}|\b\d{{1,2}}\.\d{{2}}\s*[ap]\.?m\b\.?",
    re.I)
_NUMWORD_FIG = re.compile(r"\b(?P<w>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)-(?P<u>day|year|month|week|point|hour)\b", re.I)


@dataclass
class ArticleFeatures:
    """What the clusterer keeps of one article."""

    id: str
    title: str
    outlet: str | None
    source_key: str  # counts once towards independent sources (syndication group, original, or the article)
    lex: dict[int, float]  # hashed word -> count (title counted TITLE_WEIGHT times)
    ents: dict[int, float]  # hashed names, name tokens and figures -> count
    day: int | None = None  # proleptic ordinal of the first day of the event-date span
    day_end: int | None = None  # ... and of its last day
    precision: str | None = None  # day | month | year
    date_source: str | None = None  # published | override | text
    date_confidence: float = 0.0
    date_evidence: tuple[str, ...] = field(default_factory=tuple)
    n_words: int = 0
    figures: frozenset[int] = frozenset()  # hashed figures of headline and lead ("#4-day", "#80th")
    lead_days: frozenset[int] = frozenset()  # days the lead names ("on Tuesday"), ordinals; dated articles only
    main_day: int | None = None  # the first of them: usually the day of the news itself
    weekdays: tuple[int, ...] = ()  # weekdays the lead names, in order (0 = Monday); every article


def embedding_text(article: Article) -> str:
    """Headline plus lead: what the sentence encoder sees of an article."""
    title = (article.title or "").strip()
    body = (article.text or "").strip()
    if title and body.startswith(title):
        body = body[len(title):].lstrip()
    body = datelines_to_places(body)
    if title and body == "" or title == body:
        return title
    return f"{title}\n{body[:EMBED_CHARS]}" if title else body[:EMBED_CHARS]


def fallback_title(text: str, limit: int = 100) -> str:
    """A headline-length stand-in for an untitled article: its first sentence, cut at a word."""
    first = text.strip().split("\n")[0].strip()
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-\u2013\u2014")
    return cut + "\u2026"


def _hash(token: str) -> int:
    return int(murmurhash3_32(token, seed=17, positive=True)) % N_HASH


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower().replace("\u2019", "'")) if w not in _STOP and len(w) > 1]


def _lead(article: Article) -> str:
    body = article.text or ""
    title = (article.title or "").strip()
    if title and body.startswith(title):
        body = body[len(title):]
    words = datelines_to_places(body.lstrip()).split()
    return " ".join(words[:LEAD_WORDS])


def lexical_counts(article: Article) -> dict[int, float]:
    return _lexical_counts((article.title or "").strip(), _lead(article))


def _lexical_counts(title: str, lead: str) -> dict[int, float]:
    counts: Counter[int] = Counter()
    if title and title != lead:
        for w in _words(title):
            counts[_hash(w)] += TITLE_WEIGHT
    for w in _words(lead):
        counts[_hash(w)] += 1
    return dict(counts)


def _names(text: str) -> list[str]:
    """Capitalised names in `text`, honorifics and sentence-initial function words stripped."""
    out = []
    lowered = set(_WORD.findall(text))  # words that also appear in lower case are probably not names
    for m in _CAP.finditer(text):
        toks = [t.strip(".'\u2019&-").lower() for t in m.group(0).split()]
        toks = [t[:-2] if t.endswith(("'s", "\u2019s")) else t for t in toks]
        while toks and (toks[0] in _HONORIFIC or toks[0] in _STOP):
            toks = toks[1:]
        while toks and toks[-1] in _STOP:
            toks = toks[:-1]
        if not toks:
            continue
        if len(toks) == 1 and toks[0] in lowered and m.start() > 0 and text[m.start() - 1] not in " \n\"'(\u201c":
            continue
        if len(toks) == 1 and (toks[0] in lowered or len(toks[0]) < 2):
            continue
        out.append(" ".join(toks))
    return out


def _figures(text: str) -> list[str]:
    out = []
    text = _DATE_OR_TIME.sub(" ", text)
    for m in _FIGURE.finditer(text):
        num = m["num"].replace(",", "")
        unit = (m["unit"] or "").lower().replace("per cent", "%").replace("percent", "%").replace("bn", "billion")
        if not unit and not m["cur"]:
            try:
                v = float(num)
            except ValueError:
                continue
            if 1900 <= v <= 2100 or (v < 10 and "." not in num):  # years are dates; small whole numbers say little
                continue
        unit = {"m": "million"}.get(unit, unit)
        out.append(f"#{m['cur'] or ''}{num}{unit}")
    for m in _NUMWORD_FIG.finditer(text):
        out.append(f"#{_NUMWORDS[m['w'].lower()]}-{m['u'].lower()}")
    return out


def specifics(article: Article) -> dict[int, float]:
    """Hashed names (whole and per token) and figures, with counts."""
    return _specifics(article.title or "", _lead(article))


def _specifics(title: str, lead: str) -> dict[int, float]:
    # Headlines are often in title case, so names come from the body; a title-only text keeps its title.
    text = lead if lead.strip() else title
    counts: Counter[int] = Counter()
    for name in _names(text):
        counts[_hash("@" + name)] += 1
        toks = name.split()
        if len(toks) > 1:
            for t in toks:
                if t not in _STOP and len(t) > 1:
                    counts[_hash("@" + t)] += 0.5
    for fig in _figures(text):
        counts[_hash(fig)] += 1
    return dict(counts)


def source_key(article: Article) -> str:
    return article.syndication_group or article.duplicate_of or article.id


def article_features(
    article: Article,
    event_date: tuple[str | dt.date, str] | None = None,
    use_published: bool = True,
    use_text_dates: bool = True,
) -> ArticleFeatures:
    """Features of one article. `event_date` (date, precision) overrides every other date."""
    lead = _lead(article)  # the lexical, names and figures channels all read the same lead
    day_mentions = lead_day_mentions(article.title, article.text or "")
    f = ArticleFeatures(
        id=article.id, title=article.title or fallback_title(article.text or ""), outlet=article.outlet,
        source_key=source_key(article), lex=_lexical_counts((article.title or "").strip(), lead),
        ents=_specifics(article.title or "", lead), n_words=len((article.text or "").split()),
        figures=frozenset(_hash(x) for x in _figures(f"{article.title or ''}\n{lead}")),
        weekdays=tuple(lead_weekdays(day_mentions)),
    )
    span: tuple[dt.date, dt.date] | None = None
    if event_date is not None:
        parsed = parse_date(event_date[0])
        if parsed is not None:
            prec = event_date[1] or parsed[1]
            from storyline.cluster.when import DateEvidence
            ev = DateEvidence(parsed[0], prec, ("given",), 1.0)  # type: ignore[arg-type]
            span, f.precision, f.date_source, f.date_confidence = ev.span, prec, "override", 1.0
            f.date_evidence = ev.evidence
    if span is None and use_published and article.published:
        parsed = parse_date(article.published)
        if parsed is not None:
            from storyline.cluster.when import DateEvidence
            ev = DateEvidence(parsed[0], parsed[1], (f"published {article.published}",), 1.0)
            span, f.precision, f.date_source, f.date_confidence = ev.span, parsed[1], "published", 1.0
            f.date_evidence = ev.evidence
    if span is None and use_text_dates:
        ev2 = text_event_date(article.text or "", article.title)
        if ev2 is not None:
            span, f.precision, f.date_source, f.date_confidence = ev2.span, ev2.precision, "text", ev2.confidence
            f.date_evidence = ev2.evidence
    if span is not None:
        f.day, f.day_end = span[0].toordinal(), span[1].toordinal()
        if f.precision == "day" and f.date_source in ("published", "override"):
            named = [d.toordinal() for d in resolve_lead_days(day_mentions, _writing_day(article, span[0], use_published))]
            f.lead_days, f.main_day = frozenset(named), (named[0] if named else None)
    return f


def _writing_day(article: Article, event_day: dt.date, use_published: bool) -> dt.date:
    """The day "on Thursday" is counted back from: the day the article was written (its published
    day), not its event date, which may lie days earlier ("published Friday, news of Tuesday")."""
    parsed = parse_date(article.published) if use_published and article.published else None
    if parsed is not None and parsed[1] == "day" and parsed[0] >= event_day:
        return parsed[0]
    return event_day


def sparse_norm(v: dict[int, float], idf: np.ndarray | None = None) -> dict[int, float]:
    """L2-normalised copy of a sparse vector, optionally weighted by `idf[hash]` first."""
    if idf is not None:
        v = {k: c * float(idf[k]) for k, c in v.items()}
    n = float(np.sqrt(sum(x * x for x in v.values())))
    return {k: x / n for k, x in v.items()} if n > 0 else {}
