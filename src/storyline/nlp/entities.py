"""Named entities, canonicalised within an article and across a story, with a metonymy note.

Within an article: titles and honorifics are stripped ("President Xi Jinping" -> "Xi
Jinping"), a possessive 's is dropped, a surname alone maps to the full name that occurs in
the same article ("Xi" -> "Xi Jinping"), an acronym maps to the name it abbreviates, and a
few spelling variants of countries and bodies share one name ("U.S." -> "United States").

Metonymy: a capital or a seat of government ("Beijing", "the Kremlin") that is the subject
of a verb of saying, accusing or supporting, or the possessor of a stance noun ("Beijing's
support"), stands for that country's government; the mention records `metonym_of`.
The tables below are general knowledge, not tied to any input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from storyline.nlp.sentences import SentenceLocator
from storyline.nlp.types import EntityMention, SentenceInfo

__all__ = ["extract_entities", "canonicalize_across", "clean_name", "CAPITALS", "SEATS_OF_GOVERNMENT"]

KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART"}

# Words that precede a name as a title or honorific; stripped from the canonical name.
TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "reverend",
    "president", "vice", "prime", "minister", "premier", "chancellor", "secretary", "general", "gen", "lt", "col",
    "colonel", "major", "maj", "captain", "capt", "admiral", "adm", "sergeant", "sgt", "commander", "governor", "gov",
    "senator", "sen", "rep", "representative", "congressman", "congresswoman", "mayor", "judge", "justice", "chief",
    "king", "queen", "prince", "princess", "emperor", "pope", "cardinal", "archbishop", "bishop", "sheikh", "ayatollah",
    "chairman", "chairwoman", "chair", "ceo", "director", "spokesman", "spokeswoman", "spokesperson", "aide", "envoy",
    "ambassador", "foreign", "defence", "defense", "interior", "finance", "deputy", "acting", "former", "leader",
    "state", "speaker", "councillor", "councilor", "officer", "marshal", "field", "crown", "saint", "st", "the",
    "her", "his", "majesty", "excellency", "comrade", "economy", "trade", "energy", "health", "justice", "opposition",
}
# Country and body aliases that are spelled several ways in news copy.
ALIASES = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States", "u.s.a.": "United States",
    "united states of america": "United States", "america": "United States", "the united states": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom", "great britain": "United Kingdom",
    "eu": "European Union", "e.u.": "European Union", "un": "United Nations", "u.n.": "United Nations",
    "prc": "China", "people's republic of china": "China", "russian federation": "Russia", "ussr": "Soviet Union",
    "kiev": "Kyiv", "nato": "NATO",
}
# Capital -> country (general knowledge); used only for the metonymy note.
CAPITALS = {
    "Beijing": "China", "Moscow": "Russia", "Washington": "the United States", "Kyiv": "Ukraine", "Kiev": "Ukraine",
    "London": "the United Kingdom", "Paris": "France", "Berlin": "Germany", "Tokyo": "Japan", "Tehran": "Iran",
    "Pyongyang": "North Korea", "Seoul": "South Korea", "New Delhi": "India", "Delhi": "India", "Ankara": "Turkey",
    "Taipei": "Taiwan", "Ottawa": "Canada", "Canberra": "Australia", "Damascus": "Syria", "Riyadh": "Saudi Arabia",
    "Cairo": "Egypt", "Islamabad": "Pakistan", "Warsaw": "Poland", "Rome": "Italy", "Madrid": "Spain",
    "Minsk": "Belarus", "Caracas": "Venezuela", "Havana": "Cuba", "Brasilia": "Brazil", "Mexico City": "Mexico",
    "Beirut": "Lebanon", "Baghdad": "Iraq", "Kabul": "Afghanistan", "Jerusalem": "Israel", "Brussels": "the European Union",
    "Budapest": "Hungary", "Vilnius": "Lithuania", "Riga": "Latvia", "Tallinn": "Estonia", "Helsinki": "Finland",
    "Stockholm": "Sweden", "Oslo": "Norway", "Copenhagen": "Denmark", "The Hague": "the Netherlands", "Athens": "Greece",
    "Hanoi": "Vietnam", "Manila": "the Philippines", "Jakarta": "Indonesia", "Bangkok": "Thailand", "Tbilisi": "Georgia",
    "Yerevan": "Armenia", "Baku": "Azerbaijan", "Doha": "Qatar", "Abu Dhabi": "the United Arab Emirates",
    "Pretoria": "South Africa", "Abuja": "Nigeria", "Nairobi": "Kenya", "Addis Ababa": "Ethiopia", "Khartoum": "Sudan",
    "Tripoli": "Libya", "Buenos Aires": "Argentina", "Bogota": "Colombia", "Santiago": "Chile", "Lima": "Peru",
}
SEATS_OF_GOVERNMENT = {
    "Kremlin": "Russia", "White House": "the United States", "Downing Street": "the United Kingdom",
    "Elysee": "France", "Élysée": "France", "Elysee Palace": "France", "Zhongnanhai": "China", "Blue House": "South Korea",
    "Quai d'Orsay": "France", "Whitehall": "the United Kingdom", "Bankova": "Ukraine",
}
METONYM_VERBS = {
    "say", "accuse", "support", "back", "oppose", "reject", "deny", "warn", "urge", "condemn", "welcome", "demand",
    "insist", "claim", "announce", "agree", "refuse", "respond", "criticize", "criticise", "protest", "threaten",
    "impose", "sanction", "call", "signal", "pledge", "vow", "seek", "want", "dismiss", "retaliate", "summon",
    "recognize", "recognise", "approve", "accept", "blame", "praise", "hail", "announce", "declare", "state", "tell",
    "argue", "sign", "veto", "ban", "expel", "order", "confirm", "negotiate", "offer", "propose", "send", "push",
    "press", "pressure", "block", "endorse", "decline", "insist", "stress", "emphasize", "emphasise", "respond",
    "react", "view", "see", "regard", "consider", "hope", "fear", "believe", "plan", "intend", "aim",
}
STANCE_NOUNS = {
    "support", "position", "stance", "response", "decision", "policy", "claim", "readiness", "backing", "opposition",
    "demand", "refusal", "approach", "strategy", "attempt", "attempts", "effort", "efforts", "offer", "proposal",
    "plan", "warning", "accusation", "criticism", "sanctions", "reaction", "view", "statement", "message",
}
_POSSESSIVE = re.compile(r"(?:['\u2019]s|['\u2019])$")


@lru_cache(maxsize=8192)
def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def clean_name(text: str, label: str) -> str:
    """Strip determiners, titles/honorifics and a possessive 's from an entity's text."""
    name = " ".join(text.replace("\n", " ").split())
    name = _POSSESSIVE.sub("", name).strip(" ,.;:-\u2013\u2014\"'\u201c\u201d")
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    if label == "PERSON":
        words = name.split()
        while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
            words = words[1:]
        name = " ".join(words)
    alias = ALIASES.get(name.lower())
    return alias or name


@lru_cache(maxsize=8192)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s\-]+", _fold(name)) if t)


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """True when `shorter` is a contiguous run of tokens in `longer` (and strictly shorter)."""
    n, m = len(longer), len(shorter)
    if m == 0 or m >= n:
        return False
    shorter = tuple(shorter)
    return any(tuple(longer[i:i + m]) == shorter for i in range(n - m + 1))


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", name) if w[0].isupper())


def extract_entities(doc: Any, sentences: Sequence[SentenceInfo], text: str | None = None) -> tuple[EntityMention, ...]:
    """Entity mentions with an article-level canonical name and a metonymy note."""
    text = doc.text if text is None else text
    locate = SentenceLocator(sentences)
    raw: list[tuple[Any, str]] = []  # (span, cleaned)
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS:
            continue
        cleaned = clean_name(ent.text, ent.label_)
        if not cleaned or not re.search(r"[A-Za-z]", cleaned):
            continue
        raw.append((ent, cleaned))

    canon = _canonical_within(raw, text)
    out = []
    for ent, cleaned in raw:
        canonical = canon.get((ent.start_char, ent.end_char), cleaned)
        metonym = _metonym(ent, cleaned)
        out.append(EntityMention(
            text=ent.text, label=ent.label_, start=ent.start_char, end=ent.end_char,
            sentence=locate.index(ent.start_char), canonical=canonical, metonym_of=metonym,
        ))
    return tuple(out)


def _canonical_within(raw: list[tuple[Any, str]], text: str) -> dict[tuple[int, int], str]:
    """Map each mention (by offsets) to the longest consistent name in the article."""
    persons = [(ent.start_char, cleaned) for ent, cleaned in raw if ent.label_ == "PERSON"]
    full_names: dict[str, list[int]] = defaultdict(list)  # multi-token person names -> offsets
    for start, name in persons:
        if len(_tokens(name)) > 1:
            full_names[name].append(start)
    # Acronyms defined in the text: "International Criminal Court (ICC)".
    acronyms: dict[str, str] = {}
    for ent, cleaned in raw:
        if ent.label_ in ("ORG", "GPE", "NORP", "FAC", "LAW", "EVENT") and len(cleaned.split()) > 1:
            acro = _acronym(cleaned)
            if len(acro) >= 2:
                acronyms.setdefault(acro, cleaned)
            m = re.match(r"\s*\(([A-Z][A-Za-z0-9&.]{1,9})\)", text[ent.end_char:ent.end_char + 14])
            if m:
                acronyms[m.group(1).replace(".", "")] = cleaned

    result: dict[tuple[int, int], str] = {}
    for ent, cleaned in raw:
        key = (ent.start_char, ent.end_char)
        toks = _tokens(cleaned)
        if cleaned.replace(".", "") in acronyms and ent.label_ != "PERSON" and acronyms[cleaned.replace(".", "")] != cleaned:
            result[key] = acronyms[cleaned.replace(".", "")]
            continue
        if cleaned in CAPITALS or cleaned in SEATS_OF_GOVERNMENT or cleaned in ALIASES.values():
            result[key] = cleaned
            continue
        if ent.label_ != "PERSON" and (len(toks) > 1 or ent.label_ in ("GPE", "LOC") and cleaned[:1].isupper() and len(cleaned) > 3 and _looks_placey(cleaned)):
            result[key] = cleaned
            continue
        candidates = [name for name in full_names if _contains(_tokens(name), toks)]
        if ent.label_ != "PERSON":  # a mislabelled surname: only a first or last name token counts
            candidates = [c for c in candidates if toks[0] in (_tokens(c)[0], _tokens(c)[-1])]
        if not candidates:
            result[key] = cleaned
            continue
        # Prefer a name whose last token matches (surname), then the nearest earlier full mention.
        by_last = [c for c in candidates if _tokens(c)[-1] == toks[-1]]
        pool = by_last or candidates
        pool = _maximal(pool)
        if len(pool) == 1:
            result[key] = pool[0]
            continue
        before = [(max((s for s in full_names[c] if s <= ent.start_char), default=-1), c) for c in pool]
        best = max(before)
        result[key] = best[1] if best[0] >= 0 else cleaned
    return result


def _looks_placey(name: str) -> bool:
    """A single-token GPE that is surely a place, not a surname the tagger mislabelled."""
    return name in CAPITALS or name.endswith(("land", "stan", "ia", "burg", "ville", "city"))


def _maximal(names: list[str]) -> list[str]:
    """Drop names contained in another candidate ("Jinping Xi" vs "Xi Jinping Jr" style overlaps)."""
    toks = {n: _tokens(n) for n in names}
    return [n for n in names if not any(o != n and _contains(toks[o], toks[n]) for o in names)]


def _metonym(ent: Any, cleaned: str) -> str | None:
    country = CAPITALS.get(cleaned) or SEATS_OF_GOVERNMENT.get(cleaned)
    if country is None or ent.label_ not in ("GPE", "ORG", "FAC", "LOC", "PERSON", "NORP"):
        return None
    root = ent.root
    dep = root.dep_
    head = root.head
    if dep == "conj":  # "Beijing and Moscow remain committed": take the first conjunct's role
        first = root
        while first.dep_ == "conj" and first.head is not first:
            first = first.head
        dep, head = first.dep_, first.head
    if dep in ("nsubj", "nsubjpass") and head.lemma_.lower() in METONYM_VERBS:
        return f"government of {country}"
    if dep in ("nsubj",) and head.pos_ in ("AUX", "VERB") and head.lemma_ in ("be", "remain"):
        # "Beijing is committed to ...", "Moscow remains opposed to ..."
        if any(c.dep_ in ("acomp", "attr") and c.pos_ in ("ADJ", "VERB") for c in head.children):
            return f"government of {country}"
    if dep == "poss" and head.lemma_.lower() in STANCE_NOUNS:
        return f"government of {country}"
    if dep == "pobj" and head.lower_ == "by" and head.head.pos_ == "VERB":  # "was rejected by Moscow"
        return f"government of {country}"
    return None


def canonicalize_across(mentions_by_article: Mapping[str, Iterable[EntityMention | str]]) -> dict[str, str]:
    """One canonical name per entity across the articles of a story.

    Input: article id -> its mentions (EntityMention, or plain names). Output: every name
    seen (each mention's article-level canonical, its cleaned text and its text as written) -> the story-level
    name (its text as written is a key too). A shorter person name maps to the unique longer name that contains it ("Putin" ->
    "Vladimir Putin"); names that differ only by accents or case, or by one letter in a long
    surname ("Zelensky"/"Zelenskyy"), share the most frequent spelling.
    """
    counts: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    as_written: dict[str, str] = {}  # text as written -> its cleaned name (a key, never a target)
    for mentions in mentions_by_article.values():
        for m in mentions:
            if isinstance(m, EntityMention):
                names = {m.canonical, clean_name(m.text, m.label)}
                label = m.label
                as_written.setdefault(" ".join(m.text.split()), m.canonical)
            else:
                names = {clean_name(str(m), "PERSON")}
                label = "PERSON"
                as_written.setdefault(str(m), clean_name(str(m), "PERSON"))
            for name in names:
                if name:
                    counts[name] += 1
                    labels[name][label] += 1
    names = list(counts)
    mapping: dict[str, str] = {n: n for n in names}

    # 1. Spelling variants: same folded form, or one edit apart on a long final token.
    groups: dict[str, list[str]] = defaultdict(list)
    for n in names:
        groups[_fold(n)].append(n)
    for members in groups.values():
        best = max(members, key=lambda n: (counts[n], n != _fold(n), len(n)))
        for n in members:
            mapping[n] = best
    reps = sorted({mapping[n] for n in names}, key=lambda n: -counts[n])
    for i, a in enumerate(reps):
        for b in reps[i + 1:]:
            if mapping[b] != b or mapping[a] != a:
                continue
            if _is_person(labels[a]) and _is_person(labels[b]) and _near_spelling(a, b):
                keep, drop = (a, b) if counts[a] >= counts[b] else (b, a)
                for n in names:
                    if mapping[n] == drop:
                        mapping[n] = keep

    # 2. Shorter person names -> the unique maximal longer name that contains them.
    reps = sorted({mapping[n] for n in names})
    rep_tokens = {r: _tokens(r) for r in reps}
    for r in reps:
        if not _is_person(labels[r]) and not any(_is_person(labels[n]) for n in names if mapping[n] == r):
            continue
        longer = [o for o in reps if _contains(rep_tokens[o], rep_tokens[r]) and _is_person(labels[o])]
        longer = _maximal(longer)
        if len(longer) == 1:
            target = longer[0]
            for n in names:
                if mapping[n] == r:
                    mapping[n] = target
    # Resolve chains (a -> b -> c).
    for n in names:
        seen = {n}
        while mapping[mapping[n]] != mapping[n] and mapping[n] not in seen:
            seen.add(mapping[n])
            mapping[n] = mapping[mapping[n]]
    for written, cleaned in as_written.items():
        mapping.setdefault(written, mapping.get(cleaned, cleaned))
    return mapping


def _is_person(label_counts: Counter[str]) -> bool:
    return label_counts.get("PERSON", 0) > 0


def _near_spelling(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if len(ta) != len(tb) or ta[:-1] != tb[:-1]:
        return False
    x, y = ta[-1], tb[-1]
    if min(len(x), len(y)) < 6 or x[0] != y[0]:
        return False
    return _edit_distance_at_most_one(x, y)


def _edit_distance_at_most_one(x: str, y: str) -> bool:
    if abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        return sum(a != b for a, b in zip(x, y)) <= 1
    if len(x) > len(y):
        x, y = y, x
    i = 0
    while i < len(x) and x[i] == y[i]:
        i += 1
    return x[i:] == y[i + 1:]
