"""Direct quotes and reported speech, each with its speaker.

Direct: words inside quotation marks, attributed by (in this order) a source phrase
("according to X", "as per X's statement"), a verb of saying that governs the quote
("X said", "said X", "X told reporters", "X described the visit as '...'"), a colon
("X: '...'"), the nearest verb of saying in the sentence, or, for a quote standing alone,
the speaker of the preceding sentence.

Reported: "X said (that) ...", "X indicated/noted/warned/emphasized that ...",
"..., X said", "according to X, ...", "as reported by X, ...".

Speakers resolve to an entity's canonical name where the text allows: appositions
("Kremlin aide Yuri Ushakov", "Its chief executive, Lotte Verbeeck"), possessives,
pronouns ("he", "she" -> the most recent person who spoke or was the subject of a
sentence) and definite descriptions ("the company" -> the organisation last named as a
subject, "the port authority" -> an organisation whose name contains "port").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.nlp.sentences import SentenceLocator, dateline_spans, quotation_spans
from storyline.nlp.types import EntityMention, QuoteInfo, SentenceInfo

__all__ = ["extract_quotes", "SPEECH_VERBS", "REPORT_VERBS"]

REPORT_VERBS = {
    "say", "tell", "add", "state", "declare", "write", "insist", "warn", "note", "explain", "claim", "argue", "announce",
    "confirm", "deny", "report", "suggest", "indicate", "emphasize", "emphasise", "stress", "acknowledge", "admit",
    "predict", "estimate", "pledge", "vow", "promise", "assert", "maintain", "contend", "caution", "reply", "respond",
    "reiterate", "underline", "underscore", "observe", "remark", "concede", "allege", "complain", "recall", "tweet",
    "reveal", "disclose", "forecast", "signal", "mention", "assure", "believe", "think",
}
SPEECH_VERBS = REPORT_VERBS | {
    "ask", "describe", "call", "hail", "label", "dub", "brand", "term", "quote", "shout", "exclaim", "cry", "urge",
    "plead", "joke", "quip", "continue", "conclude", "agree", "recount", "post", "speak", "accuse", "criticize",
    "criticise", "praise", "welcome", "condemn", "question", "answer",
}
_DESCRIBE = {"describe", "call", "hail", "label", "dub", "brand", "term", "characterize", "characterise", "praise", "welcome", "condemn"}
_THINK = {"believe", "think"}
# Verbs that report speech from after the clause: "Inflation slowed ..., the agency said."
_INVERTED = {"say", "tell", "add", "note", "state", "write", "report", "estimate", "explain", "confirm", "announce",
             "warn", "insist", "argue", "claim", "predict", "suggest", "reply", "respond", "remark", "observe", "caution",
             "concede", "acknowledge", "admit", "stress", "emphasize", "emphasise", "indicate", "tweet", "post"}  # reported only with a named speaker; too often hedges otherwise
_NAMING_CUES = ("said", "says", "say", "told", "tells", "call", "described", "describes", "describing", "hail", "label", "dub",
                "brand", "term", "added", "wrote", "stated", "declared", "insisted", "warned", "reiterat")
_SPEECH_NOUNS = {"response", "reply", "answer", "statement", "message", "word", "comment", "verdict", "explanation",
                 "retort", "remark", "view", "advice", "warning", "conclusion", "assessment"}
_PRONOUNS_PERSON = {"he", "she", "him", "her"}
_COMPANY_NOUNS = {
    "company", "firm", "carmaker", "automaker", "group", "maker", "manufacturer", "lender", "insurer", "airline",
    "retailer", "miner", "producer", "operator", "conglomerate", "giant", "startup", "business", "corporation",
    "broadcaster", "network", "publisher", "party", "union", "club", "team",
}
_DROP_CHILDREN = {"relcl", "acl", "advcl", "ccomp", "parataxis"}
_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "these", "those"}


@dataclass
class _Speaker:
    written: str | None
    canonical: str | None
    is_person: bool = False
    tokens: tuple[int, int] | None = None  # token range [start, end) of the speaker phrase


@dataclass
class _Context:
    doc: Any
    text: str
    tok_ent: dict[int, EntityMention]
    quote_spans: list[tuple[int, int]]
    quoted: set[int]  # indices of tokens that start inside quotation marks
    datelines: list[tuple[int, int]]
    locate: SentenceLocator
    last_person: str | None = None
    last_org_subject: str | None = None
    prev_sentence_speaker: _Speaker | None = None
    speakers: set[str] = field(default_factory=set)  # canonical names of everyone who has spoken so far
    results: list[QuoteInfo] = field(default_factory=list)


def extract_quotes(
    doc: Any, sentences: Sequence[SentenceInfo], entities: Sequence[EntityMention], text: str | None = None
) -> tuple[QuoteInfo, ...]:
    """Direct and reported quotes in document order."""
    text = doc.text if text is None else text
    tok_ent: dict[int, EntityMention] = {}
    for ent in entities:
        span = doc.char_span(ent.start, ent.end, alignment_mode="expand")
        if span is not None:
            for tok in span:
                tok_ent.setdefault(tok.i, ent)
    spans = quotation_spans(text)
    ctx = _Context(doc=doc, text=text, tok_ent=tok_ent, quote_spans=spans, quoted=_quoted_tokens(doc, spans),
                   datelines=dateline_spans(text), locate=SentenceLocator(sentences))

    spacy_sents = list(doc.sents)
    quotes_by_sent: dict[int, list[tuple[int, int]]] = {}
    sent_starts = [s.start_char for s in spacy_sents]
    from bisect import bisect_right

    for qs, qe in ctx.quote_spans:
        k = max(0, bisect_right(sent_starts, qs) - 1)
        quotes_by_sent.setdefault(k, []).append((qs, qe))

    for k, sent in enumerate(spacy_sents):
        found_here: list[tuple[QuoteInfo, _Speaker, int | None]] = []
        for qs, qe in quotes_by_sent.get(k, []):
            item = _direct_quote(ctx, spacy_sents, k, qs, qe)
            if item is not None:
                found_here.append(item)
        reported = _reported_in_sentence(ctx, sent)
        merged = _combine(found_here, reported)
        for quote, speaker in merged:
            ctx.results.append(quote)
            if speaker.canonical:
                ctx.speakers.add(speaker.canonical)
        spoke = [sp for q, sp in merged if (sp.canonical or sp.written) and q.kind == "direct"] or \
            [sp for _q, sp in merged if sp.canonical or sp.written]
        ctx.prev_sentence_speaker = spoke[-1] if spoke else None
        _update_discourse(ctx, sent, [sp for _q, sp in merged])
    ctx.results.sort(key=lambda q: (q.start, q.end))
    return tuple(ctx.results)


# --- direct quotes -----------------------------------------------------------------------------


def _direct_quote(ctx: _Context, sents: list[Any], k: int, qs: int, qe: int) -> tuple[QuoteInfo, _Speaker, int | None] | None:
    group = [sents[k]]
    j = k + 1
    while j < len(sents) and sents[j].start_char < qe:
        group.append(sents[j])
        j += 1
    # A short attribution right after the closing mark may be split off as its own sentence.
    if j < len(sents) and 0 <= sents[j].start_char - qe <= 3 and len(sents[j]) <= 10:
        if any(t.lemma_ in SPEECH_VERBS for t in sents[j]) and not any(_inside_quote(ctx, t) for t in sents[j]):
            group.append(sents[j])
    tokens = [t for s in group for t in s]
    quote_tokens = [t for t in tokens if qs <= t.idx < qe]
    outside = [t for t in tokens if not _inside_quote(ctx, t) and not t.is_punct and not t.is_space]
    qtext = ctx.text[qs:qe].strip().rstrip(",;: ").strip()
    n_words = len(qtext.split())
    if not quote_tokens or n_words == 0:
        return None

    speaker: _Speaker | None = None
    cue = ""
    attached = False
    verb_i: int | None = None
    verb = _governing_speech_verb(quote_tokens, set(t.i for t in outside))
    if verb is not None:
        by_verb = _speaker_of_verb(ctx, verb)
        if by_verb is not None and (by_verb.canonical or by_verb.is_person):
            # '"...," Mr. Steele said, according to a video ...': the speaker, not the record of it
            speaker, cue, attached, verb_i = by_verb, _cue_text(verb), True, verb.idx
    if speaker is None:
        source = _source_phrase(ctx, outside)
        if source is not None:
            speaker, cue = source
            attached = True
    if speaker is None and verb is not None:
        speaker = _speaker_of_verb(ctx, verb)
        cue = _cue_text(verb)
        attached, verb_i = True, verb.idx
    if speaker is None:
        colon = _colon_speaker(ctx, qs)
        if colon is not None:
            speaker, cue, attached = colon, "colon", True
    if speaker is None:
        verbs = [t for t in outside if t.lemma_ in SPEECH_VERBS and t.pos_ in ("VERB", "AUX")]
        if verbs:
            verb = min(verbs, key=lambda t: min(abs(t.idx - qs), abs(t.idx - qe)))
            speaker = _speaker_of_verb(ctx, verb)
            cue = _cue_text(verb)
            attached, verb_i = True, verb.idx
    if speaker is None and len(outside) <= 2:
        prev = ctx.prev_sentence_speaker
        if prev is not None:
            speaker, cue = prev, "preceding sentence"
        elif ctx.last_person:
            speaker, cue = _Speaker("he/she", ctx.last_person, True), "preceding sentence"
        attached = True
    if not attached and n_words <= 5:
        return None  # scare quotes, titles, slogans
    if n_words <= 2 and cue not in ("colon", "according to", "as per", "in ... words", "preceding sentence") \
            and not any(cue.startswith(v) for v in _NAMING_CUES):
        return None  # a term in quotation marks ("criticise U.S. 'unilateralism'"), not words someone said
    if attached and speaker is None and n_words <= 3:
        return None
    speaker = speaker or _Speaker(None, None)
    if n_words <= 3 and cue in ("preceding sentence",):
        return None
    quote = QuoteInfo(
        text=qtext, speaker=speaker.written, speaker_canonical=speaker.canonical, start=qs, end=qs + len(ctx.text[qs:qe].rstrip().rstrip(",;: ")),
        sentence=ctx.locate.index(qs), kind="direct", cue=cue or "none",
    )
    return quote, speaker, verb_i


def _inside_quote(ctx: _Context, tok: Any) -> bool:
    return tok.i in ctx.quoted


def _quoted_tokens(doc: Any, spans: list[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if s <= t.idx < e)
    return out


def _governing_speech_verb(quote_tokens: list[Any], outside_ids: set[int]) -> Any | None:
    """A verb of saying outside the quote that dominates a word inside it."""
    for tok in quote_tokens:
        head = tok
        for _ in range(8):
            if head.head is head:
                break
            head = head.head
            if head.i in outside_ids and head.lemma_ in SPEECH_VERBS and head.pos_ in ("VERB", "AUX"):
                return head
            if head.i in outside_ids and head.pos_ == "VERB" and head.dep_ in ("ROOT",):
                break
    # Quote as the object of a clause whose verb is a describe-verb: "described X as '...'".
    return None


def _cue_text(verb: Any) -> str:
    if verb.lemma_ in _DESCRIBE and any(t.lower_ == "as" and t.i > verb.i and t.head.i in (verb.i, *(c.i for c in verb.children))
                                         for t in verb.subtree):
        return f"{verb.lower_} ... as"
    return verb.lower_


def _source_phrase(ctx: _Context, outside: list[Any]) -> tuple[_Speaker, str] | None:
    """'according to X', 'as per X's statement', 'in X's words'."""
    for tok in outside:
        low = tok.lower_
        if low == "according":
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            if to is None and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
                to = tok.doc[tok.i + 1]
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None:
                return _speaker_from_np(ctx, obj), "according to"
        if low == "per" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "as":
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is not None:
                poss = next((c for c in obj.children if c.dep_ == "poss"), None)
                return _speaker_from_np(ctx, poss if poss is not None else obj), "as per"
        if low == "words" and tok.i > 1 and tok.doc[tok.i - 1].dep_ == "poss" and tok.head.lower_ == "in":
            return _speaker_from_np(ctx, tok.doc[tok.i - 1]), "in ... words"
    return None


def _colon_speaker(ctx: _Context, qs: int) -> _Speaker | None:
    """'X: "..."' or 'X told reporters: "..."' -> X."""
    i = qs - 1
    while i > 0 and ctx.text[i - 1] in " \t\"\u201c\u00ab":
        i -= 1
    if i <= 0 or ctx.text[i - 1] != ":":
        return None
    span = ctx.doc.char_span(max(0, i - 2), i, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span[0]
    if tok.text == ":" and tok.i > 0:
        tok = ctx.doc[tok.i - 1]
    # A clause before the colon: its main verb's subject speaks ("accused the bank of ...:").
    root = tok
    for _ in range(8):
        if root.pos_ in ("VERB", "AUX") or root.head is root:
            break
        root = root.head
    if root.pos_ in ("VERB", "AUX"):
        sp = _speaker_of_verb(ctx, root)
        if sp is not None:
            return sp
    # "His response:", "The minister's answer:" -> whoever owns the words.
    if tok.lemma_.lower() in _SPEECH_NOUNS:
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is not None:
            return _speaker_from_np(ctx, poss)
    # A bare name before the colon.
    return _speaker_from_np(ctx, tok) if tok.pos_ in ("PROPN", "NOUN") else None


# --- reported speech ---------------------------------------------------------------------------


def _reported_in_sentence(ctx: _Context, sent: Any) -> list[tuple[QuoteInfo, _Speaker, int | None]]:
    out: list[tuple[QuoteInfo, _Speaker, int | None]] = []
    for tok in sent:
        if _inside_quote(ctx, tok):
            continue
        low = tok.lower_
        if low == "according":
            item = _according_to(ctx, sent, tok)
            if item:
                out.append(item)
            continue
        if (tok.lemma_ not in REPORT_VERBS and tok.lemma_ not in _DESCRIBE) or tok.pos_ not in ("VERB", "AUX"):
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        content = [c for c in tok.children if c.dep_ == "ccomp"]
        content_tokens: list[Any] | None = None
        described = _described_as(tok)
        if described is not None:
            content_tokens = described
        elif content:
            c = max(content, key=lambda x: len(list(x.subtree)))
            content_tokens = list(c.subtree)
        elif tok.lemma_ in _INVERTED and tok.dep_ in ("parataxis", "ccomp", "advcl") and tok.head.pos_ in ("VERB", "AUX") \
                and tok.i > tok.head.i and any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in tok.children) \
                and min(t.i for t in tok.subtree) > 0 and tok.doc[min(t.i for t in tok.subtree) - 1].is_punct:
            # "Inflation slowed ..., the agency said." / "As reported by X, ..." parsed with the content as head.
            own = set(t.i for t in tok.subtree)
            content_tokens = [t for t in tok.head.subtree if t.i not in own]
        elif tok.dep_ == "advcl" and any(c.lower_ == "as" and c.dep_ == "mark" for c in tok.children):
            own = set(t.i for t in tok.subtree)
            content_tokens = [t for t in tok.head.subtree if t.i not in own]
        if not content_tokens:
            continue
        speaker = _speaker_of_verb(ctx, tok) or _Speaker(None, None)
        if tok.lemma_ in _THINK and not speaker.canonical:
            continue
        if speaker.tokens:
            lo, hi = speaker.tokens
            content_tokens = [t for t in content_tokens if not lo <= t.i < hi]
        span = _trim_content(_main_run(content_tokens))
        if span is None:
            continue
        start, end = span
        if _quoted_share(ctx, start, end) >= 0.6:
            continue  # the direct quote stands for it
        out.append((QuoteInfo(
            text=ctx.text[start:end], speaker=speaker.written, speaker_canonical=speaker.canonical, start=start, end=end,
            sentence=ctx.locate.index(start), kind="reported", cue=_cue_for(tok),
        ), speaker, tok.idx))
    return out


def _cue_for(tok: Any) -> str:
    return _cue_text(tok) if tok.lemma_ in _DESCRIBE else tok.lower_


def _described_as(verb: Any) -> list[Any] | None:
    """'X described the decision as a betrayal' -> 'the decision as a betrayal'."""
    if verb.lemma_ not in _DESCRIBE or verb.lemma_ in ("welcome", "condemn", "praise"):
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return None
    as_prep = next((c for c in verb.children if c.lower_ == "as" and c.i > obj.i), None) or \
        next((c for c in obj.children if c.lower_ == "as"), None)
    if as_prep is None:
        return None
    toks = sorted(set(obj.subtree) | set(as_prep.subtree), key=lambda t: t.i)
    if any(t.text in ('"', "\u201c", "\u201d") for t in as_prep.subtree):
        return None  # 'described the visit as "..."': the direct quote stands
    return toks


def _according_to(ctx: _Context, sent: Any, tok: Any) -> tuple[QuoteInfo, _Speaker, int | None] | None:
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
        to = tok.doc[tok.i + 1]
    obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if obj is None:
        return None
    phrase = set(t.i for t in tok.subtree) | ({t.i for t in to.subtree} if to is not None else set())
    rest = [t for t in sent if t.i not in phrase]
    # The longest contiguous run of the rest of the sentence is what is attributed.
    runs: list[list[Any]] = []
    for t in rest:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    if not runs:
        return None
    holding = [r for r in runs if any(t.i == tok.head.i for t in r)]
    run = holding[0] if holding else max(runs, key=len)
    span = _trim_content(run)
    if span is None:
        return None
    start, end = span
    speaker = _speaker_from_np(ctx, obj)
    return QuoteInfo(
        text=ctx.text[start:end], speaker=speaker.written, speaker_canonical=speaker.canonical, start=start, end=end,
        sentence=ctx.locate.index(start), kind="reported", cue="according to",
    ), speaker, None


def _main_run(tokens: list[Any]) -> list[Any]:
    """The longest contiguous run of tokens (a clause with its speaker cut out)."""
    toks = sorted(tokens, key=lambda t: t.i)
    runs: list[list[Any]] = []
    for t in toks:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return max(runs, key=len) if runs else []


def _quoted_share(ctx: _Context, start: int, end: int) -> float:
    if end <= start:
        return 0.0
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in ctx.quote_spans)
    return inside / (end - start)


def _trim_content(tokens: list[Any]) -> tuple[int, int] | None:
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].dep_ == "mark" and toks[0].lower_ in ("that", "if", "whether") or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and toks[-1].text not in ("%",) or toks[-1].is_space):
        toks = toks[:-1]
    if len([t for t in toks if not t.is_punct]) < 3:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


# --- speakers ----------------------------------------------------------------------------------


def _speaker_of_verb(ctx: _Context, verb: Any) -> _Speaker | None:
    v = verb
    for _ in range(4):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass") and not _in_dateline(ctx, c)), None)
        if subj is not None and not (subj.dep_ == "nsubjpass" and v.lemma_ in ("quote", "describe", "call")):
            if subj.lower_ in ("who", "that", "which") and v.dep_ == "relcl":
                return _speaker_from_np(ctx, v.head)
            return _speaker_from_np(ctx, subj)
        agent = next((c for c in v.children if c.dep_ == "agent"), None)
        if agent is not None:
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _speaker_from_np(ctx, obj)
        if v is verb and v.i > 0:
            # "..., chief executive Johan Berg told reporters" parsed without a subject: the name
            # right before the verb speaks.
            prev = v.doc[v.i - 1]
            ent = ctx.tok_ent.get(prev.i)
            if ent is not None and ent.label in ("PERSON", "ORG") and prev.pos_ in ("PROPN", "NOUN"):
                return _speaker_from_np(ctx, prev, bounded=True)
        if v.dep_ in ("conj", "advcl", "xcomp", "acl") and v.head is not v:
            v = v.head
            continue
        break
    return None


def _in_dateline(ctx: _Context, tok: Any) -> bool:
    return any(s <= tok.idx < e for s, e in ctx.datelines)


def _np_tokens(head: Any) -> list[Any]:
    drop: set[int] = set()
    for child in head.children:
        if child.dep_ in _DROP_CHILDREN:
            drop.update(t.i for t in child.subtree)
    keep = {t.i for t in head.subtree} - drop
    lo = hi = head.i
    while lo - 1 in keep:
        lo -= 1
    while hi + 1 in keep:
        hi += 1
    toks = [head.doc[i] for i in range(lo, hi + 1)]
    while toks and (toks[0].is_punct or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    return toks


def _speaker_from_np(ctx: _Context, head: Any, bounded: bool = False) -> _Speaker:
    sp = _speaker_from_np_inner(ctx, head, bounded)
    if sp.tokens is None:
        sp.tokens = (head.i, head.i + 1)
    return sp


def _speaker_from_np_inner(ctx: _Context, head: Any, bounded: bool) -> _Speaker:
    low = head.lower_
    if low in _PRONOUNS_PERSON or low in ("his", "hers"):
        person = _person_earlier_in_sentence(ctx, head) or ctx.last_person
        return _Speaker(head.text, person, person is not None)
    if head.pos_ == "PRON":
        return _Speaker(head.text, None)
    toks = _np_tokens(head) if not bounded else _left_np(head)
    while toks and toks[-1].dep_ == "case":  # "Xi's statement" -> "Xi"
        toks = toks[:-1]
    written = ctx.doc[toks[0].i: toks[-1].i + 1].text if toks else head.text
    rng = (toks[0].i, toks[-1].i + 1) if toks else None
    sp = _speaker_for_tokens(ctx, head, toks, written)
    sp.tokens = rng
    return sp


def _person_earlier_in_sentence(ctx: _Context, pronoun: Any) -> str | None:
    """'Trump said X, but he also said Y': the named subject before the pronoun in its sentence."""
    found = None
    for tok in pronoun.sent:
        if tok.i >= pronoun.i:
            break
        if tok.dep_ not in ("nsubj", "nsubjpass") or _inside_quote(ctx, tok) or tok.pos_ != "PROPN":
            continue
        ent = ctx.tok_ent.get(tok.i)
        if ent is not None and ent.label == "PERSON":
            found = ent.canonical
        elif tok.text in {n.split()[-1] for n in ctx.speakers} or (ent is None and _has_role_appos(tok)):
            names = [n for n in ctx.speakers if n.split()[-1] == tok.text]
            found = names[0] if len(names) == 1 else tok.text
    return found


def _left_np(head: Any) -> list[Any]:
    """The name ending at `head` and the title/role words right before it ('chief executive Johan Berg')."""
    doc = head.doc
    lo = head.i
    while lo - 1 >= 0 and doc[lo - 1].pos_ in ("PROPN", "NOUN", "ADJ", "DET") and not doc[lo - 1].is_punct \
            and doc[lo - 1].dep_ in ("compound", "amod", "det", "flat", "poss"):
        lo -= 1
    return [doc[i] for i in range(lo, head.i + 1)]


def _speaker_for_tokens(ctx: _Context, head: Any, toks: list[Any], written: str) -> _Speaker:
    ents = [ctx.tok_ent[t.i] for t in toks if t.i in ctx.tok_ent]
    head_ent = ctx.tok_ent.get(head.i)
    persons = [e for e in ents if e.label == "PERSON"]
    if head_ent is not None and head_ent.label == "PERSON":
        return _Speaker(written, head_ent.canonical, True)
    if persons:
        return _Speaker(written, persons[0].canonical, True)
    if head_ent is not None and head_ent.label in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        possessors = [ctx.tok_ent[c.i] for c in head.children if c.dep_ == "poss" and c.i in ctx.tok_ent]
        if possessors and head_ent.label == "ORG" and possessors[0] is not head_ent:
            return _Speaker(written, _strip_det(written), False)
        return _Speaker(written, head_ent.canonical, False)
    orgs = [e for e in ents if e.label in ("ORG",)]
    if orgs:
        return _Speaker(written, orgs[-1].canonical, False)
    if head.pos_ == "PROPN" and head_ent is None and _has_role_appos(head):
        names = {e.canonical for e in ctx.tok_ent.values() if e.label == "PERSON" and head.lower_ in e.canonical.lower().split()}
        return _Speaker(written, names.pop() if len(names) == 1 else head.text, True)
    if head.pos_ == "PROPN":  # a surname the tagger missed: match a person named in the article
        fold = head.text.lower()
        names = {e.canonical for e in ctx.tok_ent.values() if e.label == "PERSON" and fold in e.canonical.lower().split()}
        if not names:  # ... or someone who already spoke, whatever label the tagger gave the name
            names = {n for n in ctx.speakers if len(n.split()) > 1 and n.lower().split()[-1] == fold}
        if len(names) == 1:
            return _Speaker(written, names.pop(), True)
    # Definite descriptions: "the port authority", "the company".
    if head.pos_ == "NOUN" and any(c.lower_ in ("the", "its") for c in head.children if c.dep_ in ("det", "poss")):
        nouns = {t.lower_ for t in toks if t.pos_ == "NOUN"}
        for ent in reversed([e for e in ctx.tok_ent.values() if e.end <= head.idx and e.label == "ORG"]):
            if any(n in ent.canonical.lower().split() for n in nouns):
                return _Speaker(written, ent.canonical, False)
        if head.lemma_ in _COMPANY_NOUNS and ctx.last_org_subject:
            return _Speaker(written, ctx.last_org_subject, False)
    return _Speaker(written, None)


def _strip_det(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _update_discourse(ctx: _Context, sent: Any, speakers: list[_Speaker]) -> None:
    """Remember the last person (and organisation) that spoke or was a sentence subject."""
    last_pos = -1
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and not _inside_quote(ctx, tok) \
                and (tok.i not in ctx.tok_ent or ctx.tok_ent[tok.i].label != "PERSON") and _has_role_appos(tok):
            # "Marsh, the transport secretary, defended ...": a person the tagger did not label
            names = {e.canonical for e in ctx.tok_ent.values() if e.label == "PERSON" and tok.lower_ in e.canonical.lower().split()}
            ctx.last_person, last_pos = (names.pop() if len(names) == 1 else tok.text), tok.i
            continue
        ent = ctx.tok_ent.get(tok.i)
        if ent is None or _inside_quote(ctx, tok):
            continue
        role = tok.dep_
        if role in ("compound", "flat") and tok.head.i in ctx.tok_ent and ctx.tok_ent[tok.head.i] is ent:
            continue
        if role == "appos":
            role = tok.head.dep_
        if role in ("nsubj", "nsubjpass"):
            if ent.label == "PERSON" and tok.i > last_pos:
                ctx.last_person, last_pos = ent.canonical, tok.i
            elif ent.label == "ORG":
                ctx.last_org_subject = ent.canonical
    for sp in speakers:
        if sp.is_person and sp.canonical:
            ctx.last_person = sp.canonical


def _verb_between(first: QuoteInfo, second: QuoteInfo, verb_at: int) -> bool:
    """'"...," she said, "..."': the attribution sits in the gap between two fragments."""
    return first.end < verb_at < second.start


_ROLE_NOUNS = {
    "secretary", "minister", "president", "spokesman", "spokeswoman", "spokesperson", "director", "chairman",
    "chairwoman", "chair", "leader", "governor", "mayor", "ambassador", "envoy", "executive", "chief", "head", "founder",
    "analyst", "economist", "professor", "lawyer", "judge", "senator", "lawmaker", "official", "commissioner", "adviser",
    "advisor", "aide", "deputy", "general", "commander", "editor", "author", "researcher", "scientist", "expert",
    "manager", "owner", "resident", "mother", "father", "candidate", "member", "chancellor", "premier", "king", "queen",
}


def _has_role_appos(tok: Any) -> bool:
    return any(c.dep_ == "appos" and c.lemma_.lower() in _ROLE_NOUNS for c in tok.children)


def _combine(
    direct: list[tuple[QuoteInfo, _Speaker, int | None]], reported: list[tuple[QuoteInfo, _Speaker, int | None]]
) -> list[tuple[QuoteInfo, _Speaker]]:
    """Merge fragments of one quote, and keep either a reported clause or the direct quote inside it."""
    # Fragments: "...," she said, "..." -> one quote.
    merged: list[tuple[QuoteInfo, _Speaker, int | None]] = []
    for item in sorted(direct, key=lambda x: x[0].start):
        if merged and item[2] is not None and merged[-1][2] == item[2] and merged[-1][1].canonical == item[1].canonical \
                and _verb_between(merged[-1][0], item[0], item[2]):
            prev, sp, vi = merged[-1]
            joined = QuoteInfo(
                text=f"{prev.text} {item[0].text}", speaker=prev.speaker, speaker_canonical=prev.speaker_canonical,
                start=prev.start, end=item[0].end, sentence=prev.sentence, kind="direct", cue=prev.cue,
            )
            merged[-1] = (joined, sp, vi)
        else:
            merged.append(item)
    keep_reported: list[tuple[QuoteInfo, _Speaker]] = []
    drop_direct: set[int] = set()
    for rq, rsp, _vi in reported:
        inside = [i for i, (dq, _s, _v) in enumerate(merged) if rq.start <= dq.start and dq.end <= rq.end + 1]
        quoted_chars = sum(merged[i][0].end - merged[i][0].start for i in inside)
        if inside and quoted_chars >= 0.6 * (rq.end - rq.start):
            continue  # the reported clause is really the direct quote
        if any(dq.start <= rq.start and rq.end <= dq.end for dq, _s, _v in merged):
            continue  # reported speech inside a direct quote
        drop_direct.update(inside)
        keep_reported.append((rq, rsp))
    out = [(dq, sp) for i, (dq, sp, _v) in enumerate(merged) if i not in drop_direct] + keep_reported
    # Two reported clauses with nested spans (a verb inside another's content): keep the outer one.
    final: list[tuple[QuoteInfo, _Speaker]] = []
    for q, sp in sorted(out, key=lambda x: (x[0].start, -(x[0].end - x[0].start))):
        if q.kind == "reported" and any(o.kind == "reported" and o.start <= q.start and q.end <= o.end and o is not q for o, _ in final):
            continue
        final.append((q, sp))
    return final
