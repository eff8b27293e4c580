"""Reader-facing categories for marked phrases, and the rule-based markers.

The learned model decides *which* words make a sentence loaded; these rules only say
*what kind* of wording it is, plus three kinds of marker that BABE does not annotate and
that are found by patterns alone: hedges (shipped MIT list), opinion markers and
unattributed assertions. The word lists below were written for Storyline (AGPL-3.0-or-later).
"""

from __future__ import annotations

import re
from typing import Final, Literal

Category = Literal[
    "loaded or emotive term",
    "intensifier/hyperbole",
    "name-calling or labelling",
    "sensational claim",
    "hedge",
    "unattributed assertion",
    "opinion marker",
]
LOADED: Final = "loaded or emotive term"
INTENSIFIER: Final = "intensifier/hyperbole"
LABELLING: Final = "name-calling or labelling"
SENSATIONAL: Final = "sensational claim"
HEDGE: Final = "hedge"
UNATTRIBUTED: Final = "unattributed assertion"
OPINION: Final = "opinion marker"
CATEGORIES: Final[tuple[str, ...]] = (LOADED, INTENSIFIER, LABELLING, SENSATIONAL, HEDGE, UNATTRIBUTED, OPINION)

INTENSIFIERS = frozenset(
    """very extremely utterly totally completely absolutely entirely wholly truly really deeply highly
    incredibly remarkably staggeringly astonishingly shockingly dramatically massively hugely vastly
    enormously exceedingly overwhelmingly drastically radically fundamentally profoundly desperately
    wildly insanely ridiculously outrageously blatantly flagrantly grossly hopelessly endlessly constantly
    relentlessly aggressively fiercely furiously bitterly sharply severely seriously gravely perfectly
    massive huge enormous vast immense colossal gigantic staggering unprecedented historic record-breaking
    extraordinary incredible unbelievable unimaginable tremendous monumental epic ultimate sheer
    total complete absolute utter endless countless relentless brutal devastating overwhelming
    ever never always everyone everybody nobody nothing everything all-out full-blown""".split()
)

# Labels applied to people or groups: ideological tags and pejorative nouns.
LABELS = frozenset(
    """leftist leftists rightist rightists radical radicals extremist extremists fanatic fanatics zealot zealots
    marxist marxists communist communists socialist socialists fascist fascists nazi nazis globalist globalists
    elitist elitists elite elites establishment regime regimes thug thugs mob mobs cult cultist cultists
    liar liars crook crooks criminal criminals terrorist terrorists militant militants jihadist jihadists
    islamist islamists supremacist supremacists nationalist nationalists racist racists bigot bigots
    xenophobe xenophobes misogynist misogynists sexist sexists homophobe homophobes transphobe transphobes
    alien aliens illegals snowflake snowflakes libtard libtards rino rinos tyrant tyrants dictator dictators
    autocrat autocrats strongman despot despots puppet puppets stooge stooges shill shills propagandist
    propagandists demagogue demagogues agitator agitators anarchist anarchists rioter rioters looter looters
    denier deniers truther truthers conspiracist conspiracists crony cronies hack hacks lackey lackeys
    apologist apologists sympathizer sympathizers collaborator collaborators traitor traitors
    woke maga trumpist trumpists trumpism antifa anti-vaxxer anti-vaxxers anti-vaxxer anti-science
    left-wing right-wing far-left far-right hard-left hard-right ultra-left ultra-right alt-right alt-left""".split()
)
_LABEL_PATTERN = re.compile(
    r"^(?:anti|pro|far|hard|ultra|alt)-[a-z]+$|^[a-z]+-(?:wing|wingers?|loving|hating|obsessed)$|"
    r"^(?:[a-z]+)(?:ists?|ism)$"
)
# Words ending in -ist/-ism that are not labels.
_NOT_LABELS = frozenset(
    """list lists exist exists mist fist wrist twist twists assist assists consist consists insist insists
    persist persists resist resists artist artists scientist scientists journalist journalists dentist
    specialist specialists economist economists analyst analysts tourist tourists pianist cyclist cyclists
    novelist columnist columnists therapist therapists chemist chemists biologist biologists physicist
    psychologist psychologists activist activists organism organisms mechanism mechanisms tourism baptism
    checklist playlist wishlist shortlist whilst amidst midst""".split()
)

# Dramatic verbs and nouns of conflict, shock and catastrophe.
SENSATIONAL_WORDS = frozenset(
    """slam slams slammed slamming blast blasts blasted blasting rip rips ripped ripping torch torched
    eviscerate eviscerated eviscerates shred shredded destroy destroys destroyed destroying demolish demolished
    obliterate obliterated annihilate annihilated crush crushed crushes smash smashed trash trashed
    lash lashed lashes lambast lambasted lambastes skewer skewered hammer hammered hammers savage savaged
    snub snubs snubbed humiliate humiliated humiliating humiliation
    shockwave shockwaves bombshell bombshells explosive firestorm meltdown meltdowns uproar outrage outraged
    furor furore frenzy hysteria panic chaos chaotic carnage mayhem havoc catastrophe catastrophic disaster
    disastrous debacle fiasco nightmare apocalypse apocalyptic doomsday armageddon crisis crises scandal
    scandals stunning stunned shocking shocked jaw-dropping mind-blowing bombshell sensational
    masterclass masterstroke triumph triumphant crushing onslaught assault war warfare invasion
    rampage rampant plague epidemic surge surging skyrocket skyrocketed skyrocketing soar soared soaring
    plummet plummeted plunge plunged collapse collapsed spiral spiralling spiraling""".split()
)

# Hedges shown to readers: the epistemic ones from the shipped MIT list (hedges.txt) that
# signal doubt about a claim, plus reporting hedges it lacks. Frequent, mostly literal words of
# that list ("will", "can", "say", "many", "about", "found") are left out.
HEDGE_WORDS = frozenset(
    """apparently allegedly alleged supposedly presumably reportedly seemingly purportedly ostensibly arguably
    perhaps maybe possibly probably conceivably evidently""".split()
)
HEDGE_PHRASES = (
    "seems to", "seem to", "seemed to", "appears to", "appear to", "appeared to", "sort of", "kind of",
    "more or less", "it is possible that", "it's possible that", "is said to", "are said to", "is believed to",
    "are believed to", "is thought to", "are thought to", "is alleged to", "so-called",
)

# The writer's stance made explicit.
OPINION_PHRASES = (
    "i think", "i believe", "i feel", "in my view", "in my opinion", "we believe", "we think",
    "to be sure", "of course", "frankly", "honestly", "obviously", "clearly", "undoubtedly",
    "unquestionably", "undeniably", "needless to say", "sadly", "unfortunately", "fortunately",
    "thankfully", "mercifully", "tragically", "ironically", "shamefully", "disgracefully",
    "astonishingly", "remarkably", "surely", "let's be honest", "let us be clear", "it is time to",
    "it's time to", "we must", "we should", "should be ashamed",
)

# Statements presented as settled fact without a source.
ASSERTION_PHRASES = (
    "the truth is", "the fact is", "the reality is", "make no mistake", "there is no doubt",
    "there's no doubt", "there can be no doubt", "no one can deny", "nobody can deny", "it is clear that",
    "it's clear that", "it is obvious that", "it's obvious that", "everyone knows", "everybody knows",
    "as everyone knows", "it goes without saying", "the message is clear", "is clear:", "the bottom line is",
    "plain and simple", "the simple truth", "beyond doubt", "beyond question", "without question",
    "there is no question", "there's no question",
)

# Cues that a sentence attributes what it says (then an assertion pattern is reported speech).
ATTRIBUTION_RE = re.compile(
    r"\b(?:said|says|say|told|tells|according to|stated|states|argued|argues|claimed|claims|wrote|writes|"
    r"added|noted|explained|insisted|warned|believes|believed|thinks|reported|announced|tweeted)\b|[\"“”]",
    re.IGNORECASE,
)


def categorize(word: str, hyperbolic: frozenset[str]) -> str:
    """The category of a model-marked word (lower-cased)."""
    if word in HEDGE_WORDS:
        return HEDGE
    if is_label(word):
        return LABELLING
    if word in SENSATIONAL_WORDS:
        return SENSATIONAL
    if word in INTENSIFIERS or word in hyperbolic:
        return INTENSIFIER
    return LOADED


def is_label(word: str) -> bool:
    return word in LABELS or (word not in _NOT_LABELS and bool(_LABEL_PATTERN.match(word)))


def categorize_phrase(words: list[str], hyperbolic: frozenset[str]) -> str:
    """A multi-word phrase takes the most specific category of its words."""
    cats = [categorize(w, hyperbolic) for w in words]
    for c in (LABELLING, SENSATIONAL, INTENSIFIER, HEDGE):
        if c in cats:
            return c
    return LOADED
