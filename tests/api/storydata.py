"""Story fixtures in the report.json shape, stored the way the server reads them.

Shared by tests/api and tests/web. Offsets of claims and framing phrases are computed
from the texts, so the fixtures stay right when the texts change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from storyline.api.data import put_stories
from storyline.models import Article, Removed
from storyline.store import Store

HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_URL = "javascript:window.__pwned=1"
HOSTILE = f'{HOSTILE_SCRIPT}{HOSTILE_IMG}"><svg onload=alert(1)>'

TEXTS = {
    "reuters": (
        "Chinese President Xi Jinping arrived in Moscow on Wednesday for a four-day state visit.\n\n"
        "The visit coincides with the 80th anniversary of the defeat of Nazi Germany on May 9.\n\n"
        "Trade between the two countries reached a record $245 billion in 2024, officials said.\n\n"
        "The Power of Siberia 2 pipeline is on the agenda, Kremlin aide Yuri Ushakov said."
    ),
    "ap": (
        "Xi Jinping began a four-day state visit to Moscow, where he will attend the Victory Day parade.\n\n"
        "Chinese troops will march in the parade on Red Square, organisers said.\n\n"
        "Bilateral trade hit $240 billion last year, according to Chinese customs data.\n\n"
        "Ukraine launched drone attacks on Moscow ahead of the celebrations, a shocking escalation."
    ),
    "tass": (
        "President Xi arrives in Moscow for a four-day state visit at the invitation of Vladimir Putin.\n\n"
        "The leaders will discuss the Power of Siberia 2 gas pipeline and energy cooperation.\n\n"
        "Spokeswoman Maria Zakharova called the visit a historic milestone for the partnership.\n\n"
        "A reciprocal visit by Putin to China is planned, the Kremlin said in a statement."
    ),
}


def article_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def make_article(store: Store, key: str, text: str, **fields: Any) -> Article:
    a = Article(
        id=fields.pop("id", article_id(key)), input=fields.pop("input", f"fixtures/{key}.txt"), kind="text",
        title=fields.pop("title", f"Title of {key}"), text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
        **fields,
    )
    assert store.add_article(a)
    return a


def _sentence(a: Article, needle: str) -> dict[str, Any]:
    start = a.text.index(needle)
    para_end = a.text.find("\n", start)
    end = para_end if para_end != -1 else len(a.text)
    return {"article_id": a.id, "start": start, "end": end, "text": a.text[start:end]}


def _phrase(a: Article, phrase: str, category: str) -> dict[str, Any]:
    start = a.text.index(phrase)
    return {"text": phrase, "start": start, "end": start + len(phrase), "category": category}


def article_dict(a: Article, framing: dict[str, Any] | None = None) -> dict[str, Any]:
    d = a.to_dict()
    d.pop("content_hash", None)
    d["framing"] = framing
    d["event_date"] = {"value": "2025-05-07", "precision": "day", "confidence": 0.8, "evidence": [], "conflicts": []}
    return d


def xi_story(store: Store, story_id: str = "st-xi2025", related: list[str] | None = None) -> dict[str, Any]:
    """Three outlets on Xi's May 2025 Moscow visit: corroborated, single-source and contested claims,
    a conflicting trade figure, quotes, framing phrases and removed debris."""
    r = make_article(store, "reuters", TEXTS["reuters"], outlet="Reuters", url="https://www.reuters.com/xi-moscow",
                     published="2025-05-07", title="Xi arrives in Moscow for four-day state visit",
                     removed=(Removed("Related Posts", "navigation", 9), Removed("LEAVE A REPLY", "comment form", 12)))
    p = make_article(store, "ap", TEXTS["ap"], outlet="AP", url="https://apnews.com/xi-visit", published="2025-05-08",
                     title="Xi in Moscow for Victory Day")
    t = make_article(store, "tass", TEXTS["tass"], outlet="TASS", url="https://tass.com/xi", published="2025-05-07",
                     title="Xi's historic visit to Moscow")
    claims = [
        {"id": "c1", "text": "Xi Jinping is on a four-day state visit to Moscow.", "article_ids": [r.id, p.id, t.id],
         "independent_sources": 3, "status": "corroborated",
         "sentences": [_sentence(r, "Chinese President"), _sentence(p, "Xi Jinping began"), _sentence(t, "President Xi arrives")]},
        {"id": "c2", "text": "The Power of Siberia 2 pipeline is on the agenda.", "article_ids": [r.id, t.id],
         "independent_sources": 2, "status": "corroborated",
         "sentences": [_sentence(r, "The Power of Siberia"), _sentence(t, "The leaders will discuss")]},
        {"id": "c3", "text": "Trade reached a record in 2024.", "article_ids": [r.id, p.id], "independent_sources": 2,
         "status": "contested", "sentences": [_sentence(r, "Trade between"), _sentence(p, "Bilateral trade")]},
        {"id": "c4", "text": "Chinese troops will march in the parade.", "article_ids": [p.id], "independent_sources": 1,
         "status": "single_source", "sentences": [_sentence(p, "Chinese troops")]},
    ]
    story = {
        "id": story_id,
        "title": "Xi Jinping's state visit to Moscow for Victory Day",
        "article_ids": [r.id, p.id, t.id],
        "outlets": ["Reuters", "AP", "TASS"],
        "independent_sources": 3,
        "first_seen": "2025-05-07",
        "last_seen": "2025-05-08",
        "related_story_ids": related or [],
        "event_date": {"value": "2025-05-07", "precision": "day", "confidence": 0.8,
                       "evidence": ["80th anniversary of the defeat of Nazi Germany"], "conflicts": [], "outliers": []},
        "claims": claims,
        "conflicts": [{"id": "k1", "about": "trade in 2024", "kind": "contradiction",
                       "explanation": "The outlets give different totals for 2024 trade.",
                       "values": [{"value": 245e9, "text": "$245 billion", "article_id": r.id, "quote": _sentence(r, "Trade between")["text"]},
                                  {"value": 240e9, "text": "$240 billion", "article_id": p.id, "quote": _sentence(p, "Bilateral trade")["text"]}]}],
        "quotes": [{"speaker": "Yuri Ushakov", "text": "The Power of Siberia 2 pipeline is on the agenda", "article_id": r.id},
                   {"speaker": "Maria Zakharova", "text": "a historic milestone for the partnership", "article_id": t.id}],
        "entities": [{"name": "Xi Jinping", "type": "PERSON", "article_ids": [r.id, p.id, t.id]}],
        "quantities": [{"value": 245e9, "unit": "USD", "text": "$245 billion", "article_id": r.id}],
        "omissions": [{"article_id": p.id, "claim_ids": ["c2"]}],
        "briefing": [
            {"text": "Xi Jinping is on a four-day state visit to Moscow.", "article_ids": [r.id, p.id, t.id], "kind": "corroborated", "claim_ids": ["c1"]},
            {"text": "The outlets disagree on 2024 trade: $245 billion or $240 billion.", "article_ids": [r.id, p.id], "kind": "conflict", "claim_ids": ["c3"]},
            {"text": "Chinese troops will march in the parade, AP reports.", "article_ids": [p.id], "kind": "single_source", "claim_ids": ["c4"]},
        ],
        "articles": [
            article_dict(r, {"score": 0.1, "subjectivity": 0.2, "headline": 0.0, "phrases": []}),
            article_dict(p, {"score": 0.4, "subjectivity": 0.3, "headline": 0.1,
                             "phrases": [_phrase(p, "a shocking escalation", "sensational")]}),
            article_dict(t, {"score": 0.6, "subjectivity": 0.5, "headline": 0.4,
                             "phrases": [_phrase(t, "historic milestone", "intensifier")]}),
        ],
    }
    put_stories(store, [story])
    return story


def old_story(store: Store, story_id: str = "st-xi2023") -> dict[str, Any]:
    text = ("Xi Jinping visited Moscow in March 2023, days after the ICC arrest warrant for Putin, in a snub to the West.\n\n"
            "It was his first visit since the invasion began, and he brought a 12-point peace plan to the talks.")
    a = make_article(store, "old", text, outlet="Daily Planet", published="2023-03-20", title="Xi's masterclass in Moscow")
    story = {
        "id": story_id, "title": "Xi visits Moscow after ICC warrant (2023)", "article_ids": [a.id], "outlets": ["Daily Planet"],
        "independent_sources": 1, "first_seen": "2023-03-20", "last_seen": "2023-03-20", "related_story_ids": [],
        "event_date": {"value": "2023-03-20", "precision": "day", "confidence": 0.7, "evidence": [], "conflicts": []},
        "claims": [], "conflicts": [], "quotes": [], "entities": [], "quantities": [], "omissions": [], "briefing": [],
        "articles": [article_dict(a)],
    }
    put_stories(store, [story])
    return story


def hostile_story(store: Store, story_id: str = "st-hostile") -> dict[str, Any]:
    """Every text field an attacker controls, filled with markup, handlers and javascript: URLs."""
    text = (f"Intro {HOSTILE} paragraph with enough words to be an article about nothing in particular at all.\n\n"
            f"Second {HOSTILE_IMG} paragraph <a href=\"{HOSTILE_URL}\">click</a> & more words follow here.")
    a = make_article(store, "hostile", text, id="f00dbad0f00dbad0", outlet=f"Evil{HOSTILE}", url=HOSTILE_URL,
                     published="2025-06-01", title=f"Title {HOSTILE}", author=HOSTILE, input=f"evil{HOSTILE}",
                     removed=(Removed(f"debris {HOSTILE}", f"reason {HOSTILE}", 0),))
    b = make_article(store, "hostile2", "Plain second article with a normal body of text that is long enough to count.\n\nMore.",
                     outlet="Plain", url="data:text/html,<script>window.__pwned=1</script>", published="2025-06-02",
                     title=HOSTILE_IMG)
    start = text.index("Intro")
    story = {
        "id": story_id, "title": f"Story {HOSTILE}", "article_ids": [a.id, b.id], "outlets": [a.outlet, "Plain"],
        "independent_sources": 2, "first_seen": "2025-06-01", "last_seen": "2025-06-02", "related_story_ids": ["st-xi2025", HOSTILE],
        "event_date": {"value": "2025-06-01", "precision": "day", "confidence": 0.5, "evidence": [HOSTILE], "conflicts": [HOSTILE]},
        "claims": [{"id": "h1", "text": f"Claim {HOSTILE}", "article_ids": [a.id], "independent_sources": 1, "status": "single_source",
                    "sentences": [{"article_id": a.id, "start": start, "end": start + 30, "text": "x"}]},
                   {"id": "h2", "text": "bad status", "article_ids": [b.id], "independent_sources": 1, "status": HOSTILE,
                    "sentences": [{"article_id": b.id, "start": -5, "end": 10**6, "text": "out of range"}]}],
        "conflicts": [{"about": HOSTILE, "kind": HOSTILE, "explanation": HOSTILE,
                       "values": [{"value": HOSTILE, "article_id": a.id, "quote": HOSTILE}, {"value": 2, "article_id": HOSTILE, "quote": ""}]}],
        "quotes": [{"speaker": HOSTILE, "text": HOSTILE, "article_id": a.id}],
        "entities": [], "quantities": [], "omissions": [{"article_id": b.id, "claim_ids": ["h1"]}],
        "briefing": [{"text": f"Briefing {HOSTILE}", "article_ids": [a.id, HOSTILE], "claim_ids": ["h1"], "kind": HOSTILE}],
        "articles": [
            article_dict(a, {"score": 0.9, "subjectivity": 0.9, "headline": None, "phrases": [
                {"text": "x", "start": start, "end": start + 5, "category": f'" onmouseover="window.__pwned=1'},
                {"text": "y", "start": 10**6, "end": 10**6 + 3, "category": "sensational"}]}),
            article_dict(b),
        ],
    }
    put_stories(store, [story])
    return story
