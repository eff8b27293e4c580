"""Small word lists and text helpers for comparison: boilerplate, loaded words, update cues.

The lists are short and hand-written for this module; the framing stage has its own, larger
lexicons and models. Here they only steer choices: which sentences are claims, which wording
of a claim is the most neutral, and which loaded modifiers a briefing leaves out.
"""

from __future__ import annotations

import re

__all__ = [
    "is_claim_text",
    "strip_dateline",
    "loaded_words",
    "neutralize",
    "UPDATE_CUE",
    "starts_with_pronoun",
    "is_fragment",
    "is_quote_led",
    "lower_first",
    "word_count",
]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")

# Lines that a scrape leaves in the text or that an outlet appends: never claims.
_BOILERPLATE = re.compile(
    r"^\W*(?:related (?:posts|articles|stories)|also read|read more|others are reading now|more from|sponsor(?:ed)?|"
    r"advertisement|categories|tags?:|share (?:this|on)|follow us|sign up|subscribe|click here|leave a reply|"
    r"please enter your|copyright|all rights reserved|©|reporting by|editing by|writing by|additional reporting|"
    r"this (?:story|article|report) (?:was|is) (?:provided|supplied|written|produced|updated)|"
    r"[\w .'-]{2,40} contributed to this (?:report|story|article)|\(reporting by|photo:|image:|video:|watch:|listen:)",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z]{2,9}\.?(?:\s+\d{1,2})?)?\s*(?:\([^)]{1,40}\))?|\([^)]{1,40}\))\s*[-–—]+\s+"
)
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$|[\"”’][.!]?$")

# Emotive, loaded or intensifying words. A wording with fewer of them is preferred.
_LOADED = set(
    """horrifying horrific horrendous shocking shocked shameful shame brutal brutally devastate devastating devastated
    doomed terrified terrifying furious fury outrage outrageous outraged scandal scandalous disgraceful disastrous
    catastrophic catastrophe chaos chaotic crisis inferno gamble risky reckless embattled struggling beleaguered
    crammed rusting desperately desperate entirely utterly deeply extremely hugely massively massive huge staggering
    stunning stunned slammed blasted bombshell explosive axing axe axed slashed slashes slash plunged plunge plummeted
    plummet soared soaring skyrocketed skyrocket bloodletting bloodbath giant mega alarming dramatic dramatically
    unprecedented historic tragic tragedy grim grieving heartbreaking nightmare carnage deadly draconian notorious
    infamous ruthless callous cynical stubborn unwavering masterclass snub shockwaves humiliating humiliation
    disaster fiasco debacle mayhem frenzy panic panicked lavish whopping colossal sweeping shameless toxic thick
    negligence reportedly allegedly apparently seemingly arguably so-called very really truly totally absolutely""".split()
)
# Modifiers a briefing can drop without breaking the sentence ("a horrifying inferno" -> "an inferno").
_REMOVABLE = set(
    """horrifying horrific horrendous shocking shameful brutal brutally devastating doomed terrified terrifying furious
    outrageous scandalous disgraceful disastrous catastrophic reckless embattled struggling beleaguered rusting
    desperately entirely utterly deeply extremely hugely massively massive staggering stunning alarming dramatic
    dramatically unprecedented tragic grim grieving heartbreaking deadly draconian notorious infamous ruthless callous
    cynical stubborn unwavering humiliating lavish whopping colossal shameless thick reportedly allegedly apparently
    seemingly arguably very really truly totally absolutely""".split()
)

UPDATE_CUE = re.compile(
    r"\b(?:rose|risen|rises|rising|climbed|climbs|increased|increases|jumped|grew|surged|went up|"
    r"fell|falls|dropped|drops|declined|went down|decreased|now|updated?|latest|as of|revised|revises|"
    r"has since|have since|had since|corrected|raised (?:the|its|their) (?:toll|figure|estimate|count)|"
    r"lowered (?:the|its|their) (?:toll|figure|estimate|count)|new (?:figure|toll|count|estimate)|so far)\b",
    re.IGNORECASE,
)

_PRONOUN_START = re.compile(
    r"^[\"“'‘]?\s*(?:he|she|it|they|this|that|these|those|his|her|its|their|we|i|both|such|also|however|meanwhile|"
    r"nevertheless|nonetheless|but|and|yet|still|instead|(?:key |chief )?among them|of these|the latter|the former)\b",
    re.IGNORECASE,
)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def strip_dateline(text: str) -> int:
    """Length of a leading dateline ("CALDER, March 12 (Northern Wire) - "), or 0."""
    m = _DATELINE.match(text)
    if not m:
        return 0
    # A dateline is capitals; "The" or a sentence that happens to contain " - " is not one.
    head = m.group(0)
    letters = [c for c in head if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.5 * len(letters) and "(" not in head:
        return 0
    return m.end()


def is_claim_text(text: str, title: str | None = None) -> bool:
    """Whether a sentence states something: not a heading, a question, a teaser or web debris."""
    t = text.strip()
    n = word_count(t)
    if n < 4:
        return False
    if t.endswith("?") or t.endswith("?”") or t.endswith('?"'):
        return False
    if _BOILERPLATE.match(t):
        return False
    if title and t.casefold().rstrip(".") == title.strip().casefold().rstrip("."):
        return False
    if not _TERMINAL.search(t):
        # Headings and labels: no closing punctuation. Long unpunctuated lines still count.
        if n <= 18:
            return False
    return True


def loaded_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.casefold() in _LOADED]


def neutralize(text: str) -> str:
    """Drop removable loaded modifiers ("a horrifying inferno" -> "an inferno"), keep the rest."""
    words = list(re.finditer(r"\S+", text))
    keep: list[str] = []
    for i, m in enumerate(words):
        token = m.group(0)
        core = token.strip("\"“”'‘’,.;:!()").casefold()
        nxt = words[i + 1].group(0) if i + 1 < len(words) else ""
        # Only a bare modifier followed by another word (an adjective or adverb in position).
        if core in _REMOVABLE and token == token.strip("\"“”'‘’,.;:!()") and nxt and nxt[0].isalpha():
            continue
        keep.append(token)
    out = " ".join(keep)
    out = re.sub(r"\b([Aa]) (?=[aeiouAEIOU])(?!one\b|use|uni|eu)", r"\1n ", out)
    out = re.sub(r"\b([Aa])n (?=[b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z])(?!hour|honest|heir)", r"\1 ", out)
    return out[:1].upper() + out[1:] if text[:1].isupper() else out


def starts_with_pronoun(text: str) -> bool:
    return bool(_PRONOUN_START.match(text.strip()))


def is_fragment(text: str) -> bool:
    """A clause cut out of a sentence ("with $400 million coming from ..."), not a sentence."""
    t = text.strip().lstrip("\"“‘'(")
    return not t[:1].isupper() and not t[:1].isdigit() and not t[:1] == "$"


def is_quote_led(text: str) -> bool:
    return text.strip()[:1] in "\"“‘'"


def lower_first(text: str, proper_start: bool) -> str:
    """Lower-case the first letter for use after "According to X, ", unless it starts a name."""
    t = text.strip()
    if not t or proper_start:
        return t
    first = re.match(r"[\w’'\-]+", t)
    if first is None:
        return t
    word = first.group(0)
    if word.isupper() and len(word) > 1:  # an acronym
        return t
    if any(c.isupper() for c in word[1:]):  # "McDonald", "iPhone"
        return t
    return t[:1].lower() + t[1:]
