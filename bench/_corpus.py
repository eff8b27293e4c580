"""Synthetic news-page corpora from BASIL article bodies, for the ingest and dedup benchmarks.

BASIL (../shared/data/basil, research-only, see its README) is read at bench time and never
shipped; generated corpora go to bench/out/ (git-ignored).

`make_corpus(n, seed)` writes n HTML pages of synthetic outlets (several page templates per
outlet: navigation, share bars, related-link lists, newsletter boxes, comment forms,
footers) and a ground truth. About `copy_share` of the pages are planted syndicated copies
of another page's body, under another outlet's template and headline, with boilerplate
added, the last paragraph dropped, a few words edited or the text cut short. Every other
page has a body of its own, mixed from paragraphs of different BASIL articles (different
events) with names substituted, and checked exactly: no two of these bodies come near the
duplicate thresholds (word 5-shingle Jaccard and containment are reported).

Everything depends only on (n, seed, copy_share, GENERATOR_VERSION): the same call always
writes the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASIL = ROOT.parent / "shared" / "data" / "basil"
OUT = ROOT / "bench" / "out"
GENERATOR_VERSION = 3

# A body of its own must stay this far from every other one (exact word 5-shingle sets);
# Storyline confirms a duplicate from Jaccard 0.5 or containment 0.8 (dedup/minhash.py).
MAX_DISTINCT_JACCARD = 0.2
MAX_DISTINCT_CONTAINMENT = 0.4


@dataclass(frozen=True)
class BasilArticle:
    uuid: str
    event: str
    source: str
    title: str
    date: str
    url: str
    paragraphs: tuple[str, ...]


def load_basil(root: Path = BASIL) -> list[BasilArticle]:
    """All BASIL articles, sorted by path; paragraphs are joined sentence lists."""
    arts = []
    for path in sorted((root / "articles").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paras = []
        for p in data.get("body-paragraphs", []):
            text = " ".join(s.strip() for s in p) if isinstance(p, list) else str(p)
            text = re.sub(r"\s+", " ", text).strip()
            if text:
                paras.append(text)
        arts.append(
            BasilArticle(
                uuid=str(data.get("uuid") or path.stem),
                event=str(data["triplet-uuid"]),
                source=str(data.get("source", "")).lower(),
                title=re.sub(r"\s+", " ", str(data.get("title", ""))).strip(),
                date=str(data.get("date", "")),
                url=str(data.get("url", "")),
                paragraphs=tuple(paras),
            )
        )
    return arts


# -- text helpers -----------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")  # the same words Storyline shingles
_PROPER = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}\b")  # a capitalised word inside a sentence
_NUMBER = re.compile(r"\b\d[\d,]*\b")
_KEEP_CAPS = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December The This That These Those And But His Her Their
    Its Our Mr Mrs Ms Dr President Republican Republicans Democrat Democrats Democratic Senate House
    Congress American Americans United States White Court Supreme""".split()
)
_NAMES = """Abbott Adeyemi Alvarez Amsel Anand Arden Baptiste Barros Becker Bellamy Bianchi Blackwood Bogdan
Brandt Caldwell Carmody Castell Chen Dalca Delacroix Dervish Dimitrov Dunmore Eklund Ellery Esposito Farrow
Fenwick Ferraro Fitzroy Galloway Gaspard Greaves Haldane Hartley Havel Holloway Ibarra Imrie Ivers Jansen
Jovanovic Kasprzak Keane Kessler Kowalczyk Lambert Larkspur Lindqvist Lowry Madsen Marchetti Mercer Moreau
Nakamura Nielsen Novak Oakes Okafor Olsen Ortega Pace Pellegrini Petrov Quill Quintero Radley Ramsay Renner
Rossi Sandoval Sato Selwyn Sorensen Strand Tanaka Thorne Toledo Underhill Urquhart Valdez Vance Varga Voss
Wakefield Weller Whitcombe Xu Yardley Yilmaz Zamora Zeller Zorin Ashdown Brennan Corrigan Draper Easton
Fairbanks Gilmore Hendry Inglis Jarvis Kirkland Langley Maddox Norcross Osgood Prescott Quimby Rourke
Sheridan Tillman Upton Vickers Winslow""".split()
_EDIT_WORDS = "reportedly also still already nearly only later earlier recently widely".split()


def _perturb(text: str, names: dict[str, str], rng: random.Random) -> str:
    """Substitute proper names (one mapping per body) and numbers (same number of digits)."""
    def name(m: re.Match[str]) -> str:
        w = m.group(0)
        if w in _KEEP_CAPS:
            return w
        if w not in names:
            names[w] = rng.choice(_NAMES) if rng.random() < 0.7 else w
        return names[w]

    def number(m: re.Match[str]) -> str:
        digits = m.group(0)
        return "".join(str(rng.randrange(1 if i == 0 and len(digits) > 1 else 0, 10)) if ch.isdigit() else ch for i, ch in enumerate(digits))

    return _NUMBER.sub(number, _PROPER.sub(name, text))


def shingle_set(text: str, k: int = 5) -> set[int]:
    ws = [w.lower() for w in _WORD.findall(text)]
    if len(ws) < k:
        return {hash(" ".join(ws))} if ws else set()
    return {hash(" ".join(ws[i:i + k])) for i in range(len(ws) - k + 1)}


# -- outlets and page templates ---------------------------------------------------------
_TOWNS = "Harbor Meridian Northfield Ashford Redwater Kingsbridge Elmstead Greyhaven Lakeside Brookmere Stonegate Westmoor".split()
_PAPERS = "Ledger Courier Gazette Herald Observer Tribune Post Chronicle Dispatch Sentinel Record Times Bulletin Standard".split()
_SECTIONS = "News World Politics Business Economy Science Health Sport Culture Opinion Travel Climate Tech Local".split()
_AUTHORS = "Ana Ruiz|Tom Becker|Priya Nair|Jon Okafor|Mei Lin|Carl Voss|Sara Holm|Ben Ward|Lena Marsh|Omar Haddad".split("|")


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    tagline: str
    newsletter: str
    support: str


def make_outlets(count: int, rng: random.Random) -> list[Outlet]:
    names: list[str] = []
    while len(names) < count:
        name = f"The {rng.choice(_TOWNS)} {rng.choice(_PAPERS)}"
        if name not in names:
            names.append(name)
    outlets = []
    for name in names:
        slug = name.lower().replace("the ", "").replace(" ", "")
        outlets.append(
            Outlet(
                name=name,
                domain=f"www.{slug}.example",
                tagline=rng.choice(["Independent news since 18{:02d}", "Your city, your news, since 19{:02d}", "Reporting without fear since 19{:02d}"]).format(rng.randrange(100)),
                newsletter=f"Get the {name.replace('The ', '')} {rng.choice(['Morning Briefing', 'Evening Edition', 'Daily Digest'])} in your inbox.",
                support=f"{name} journalism is funded by readers. Support us today.",
            )
        )
    return outlets


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _links(items: list[tuple[str, str]], cls: str, tag: str = "ul") -> str:
    lis = "".join(f'<li><a href="{html.escape(h)}">{html.escape(t)}</a></li>' for h, t in items)
    return f'<{tag} class="{cls}">{lis}</{tag}>'


def render_page(
    outlet: Outlet,
    template: int,
    headline: str,
    paragraphs: list[str],
    date: str,
    author: str,
    slug: str,
    teasers: list[str],
    extra_top: str | None,
    extra_bottom: str | None,
    rng: random.Random,
) -> str:
    """One article page of `outlet` in one of its three templates."""
    e = html.escape
    url = f"https://{outlet.domain}/{date[:4]}/{date[5:7]}/{slug}"
    sections = rng.sample(_SECTIONS, 8)
    nav = _links([(f"https://{outlet.domain}/{s.lower()}", s) for s in sections], "nav-menu")
    share = _links([(f"https://share.example/{k}?u={url}", label) for k, label in
                    (("fb", "Share on Facebook"), ("tw", "Share on Twitter"), ("mail", "Email"), ("print", "Print"))], "share-bar")
    related_items = [(f"https://{outlet.domain}/story/{hashlib.md5(t.encode()).hexdigest()[:8]}", t) for t in teasers]
    related = f'<aside class="related"><h3>Related stories</h3>{_links(related_items[:4], "related-list")}</aside>'
    popular = f'<aside class="most-read"><h3>Most read</h3>{_links(related_items[2:], "popular-list", "ol")}</aside>'
    newsletter = (f'<div class="newsletter"><p>{e(outlet.newsletter)}</p><form><input type="email" placeholder="Email address">'
                  f'<button>Sign up</button></form></div>')
    comments = ('<section class="comments"><h3>Leave a comment</h3><form class="comment-form"><textarea name="comment"></textarea>'
                '<input name="name" placeholder="Name"><input name="email" placeholder="Email"><button>Post comment</button>'
                '<p class="small">Your email address will not be published. Required fields are marked *</p></form></section>')
    footer_links = _links([(f"https://{outlet.domain}/{_slug(p)}", p) for p in ("About us", "Contact", "Privacy policy", "Terms of use", "Advertise")], "footer-links")
    footer = f'<footer><p>{e(outlet.tagline)}</p>{footer_links}<p>&copy; {date[:4]} {e(outlet.name)}. All rights reserved.</p></footer>'
    byline = f'<p class="byline">By <a href="https://{outlet.domain}/author/{_slug(author)}">{e(author)}</a></p>'
    dateline = f'<time datetime="{date}">Published {date}</time>'
    body: list[str] = []
    if extra_top:
        body.append(f"<p><em>{e(extra_top)}</em></p>")
    ad_at = rng.randrange(2, max(3, len(paragraphs))) if len(paragraphs) > 3 else -1
    rel_at = rng.randrange(1, max(2, len(paragraphs))) if template != 1 and related_items else -1
    for i, p in enumerate(paragraphs):
        if i == ad_at:
            body.append('<div class="ad-slot"><span>Advertisement</span></div>')
        if i == rel_at:
            t = related_items[-1]
            body.append(f'<p class="inline-related"><strong>Related:</strong> <a href="{e(t[0])}">{e(t[1])}</a></p>')
        body.append(f"<p>{e(p)}</p>")
        if template == 2 and i == 0:
            body.append(f'<figure><img src="https://{outlet.domain}/img/{slug}.jpg" alt=""><figcaption>Photo: {e(outlet.name)} archive</figcaption></figure>')
    if extra_bottom:
        body.append(f"<p><em>{e(extra_bottom)}</em></p>")
    body_html = "\n".join(body)
    head = (f'<head><meta charset="utf-8"><title>{e(headline)} | {e(outlet.name)}</title>'
            f'<meta property="og:site_name" content="{e(outlet.name)}"><meta property="og:title" content="{e(headline)}">'
            f'<meta property="og:url" content="{url}"><link rel="canonical" href="{url}">'
            f'<meta name="author" content="{e(author)}"><meta property="article:published_time" content="{date}T{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}:00Z">'
            f'<meta name="description" content="{e(paragraphs[0][:150])}"></head>')
    brand = f'<header class="site-header"><a class="logo" href="https://{outlet.domain}/">{e(outlet.name)}</a>{nav}<a href="/subscribe">Subscribe</a> <a href="/login">Log in</a></header>'
    if template == 0:
        main = (f'<main><article class="story"><h1>{e(headline)}</h1>{byline}{dateline}{share}'
                f'<div class="story-body">{body_html}</div>{share}</article>{related}{newsletter}{comments}</main>')
        return f"<!DOCTYPE html><html lang=\"en\">{head}<body>{brand}{main}{popular}{footer}</body></html>\n"
    if template == 1:
        crumbs = _links([(f"https://{outlet.domain}/", "Home"), (f"https://{outlet.domain}/{sections[0].lower()}", sections[0])], "breadcrumbs")
        main = (f'<div id="content"><div class="col-main">{crumbs}<h1 class="headline">{e(headline)}</h1>'
                f'<div class="meta">{dateline} {byline}</div><div class="article-text">{body_html}</div>'
                f'<div class="support"><p>{e(outlet.support)}</p></div>{share}{comments}</div>'
                f'<div class="col-side">{popular}{newsletter}</div></div>')
        return f"<!DOCTYPE html><html lang=\"en\">{head}<body>{brand}{main}{related}{footer}</body></html>\n"
    tags = _links([(f"https://{outlet.domain}/tag/{t.lower()}", t) for t in rng.sample(_SECTIONS, 3)], "tags")
    main = (f'<div class="page"><section class="article"><header><p class="kicker">{e(sections[1])}</p><h1>{e(headline)}</h1>'
            f'{dateline}</header>{share}<div class="entry-content">{body_html}</div>{byline}<p>Filed under:</p>{tags}'
            f'</section>{newsletter}{related}{comments}</div>')
    return f"<!DOCTYPE html><html lang=\"en\">{head}<body>{brand}{main}{footer}</body></html>\n"


# -- the corpus ---------------------------------------------------------------------------
@dataclass
class Corpus:
    root: Path  # folder of pages
    truth: dict[str, dict[str, object]]  # file name -> {"body", "outlet", "copy_of", "edits"}
    stats: dict[str, object]

    @property
    def files(self) -> list[Path]:
        return [self.root / name for name in sorted(self.truth)]


def _distinct_body(arts: list[BasilArticle], primary: int, rng: random.Random) -> tuple[list[str], list[tuple[int, int]], str]:
    """About 450-700 words: a few paragraphs of `primary`, the rest from articles of other events."""
    a = arts[primary]
    picks: list[tuple[int, int]] = []
    own = sorted(rng.sample(range(len(a.paragraphs)), min(len(a.paragraphs), rng.randint(2, 3))))
    picks += [(primary, j) for j in own]
    words = sum(len(a.paragraphs[j].split()) for j in own)
    target = rng.randint(450, 700)
    used_events = {a.event}
    while words < target:
        k = rng.randrange(len(arts))
        if arts[k].event in used_events:
            continue
        used_events.add(arts[k].event)
        j = rng.randrange(len(arts[k].paragraphs))
        picks.append((k, j))
        words += len(arts[k].paragraphs[j].split())
    head, rest = picks[:1], picks[1:]
    rng.shuffle(rest)
    picks = head + rest
    names: dict[str, str] = {}
    paras = [_perturb(arts[k].paragraphs[j], names, rng) for k, j in picks]
    return paras, picks, _perturb(a.title, names, rng)


def _copy_body(paras: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    """A syndicated copy: drop the last paragraph, edit a couple of words, or cut it short."""
    out = list(paras)
    edits: list[str] = []
    r = rng.random()
    if r < 0.35 and len(out) > 3:
        out = out[:-1]
        edits.append("dropped last paragraph")
    elif r < 0.45 and len(out) > 4:
        keep = max(3, round(len(out) * rng.uniform(0.7, 0.85)))
        out = out[:keep]
        edits.append(f"cut to {keep} of {len(paras)} paragraphs")
    if rng.random() < 0.6:
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(out))
            ws = out[i].split()
            j = rng.randrange(len(ws))
            ws[j] = rng.choice(_EDIT_WORDS)
            out[i] = " ".join(ws)
        edits.append("edited words")
    return out, edits


def _copy_headline(headline: str, first_para: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return " ".join(first_para.split()[:12]).rstrip(",.;:")
    if r < 0.7:
        return rng.choice(["Report: ", "What we know: ", "Explainer: ", "Update: "]) + headline
    ws = headline.split()
    if len(ws) > 3:
        ws.insert(rng.randrange(1, len(ws)), rng.choice(["now", "again", "officially", "quietly"]))
    return " ".join(ws) + rng.choice([" - live updates", " (video)", ", officials say", ""])


def _similar_pairs(
    sets: dict[int, set[int]], picks: dict[int, list[tuple[int, int]]], only: set[int] | None = None
) -> tuple[float, float, list[tuple[int, int]]]:
    """Exact Jaccard/containment over pairs of distinct bodies that share a source paragraph.

    Returns the largest of each and the pairs at or above the limits. `only`: check just
    the pairs that involve these bodies (after they were drawn again).
    """
    by_para: dict[tuple[int, int], list[int]] = defaultdict(list)
    for b, ps in picks.items():
        for p in set(ps):
            by_para[p].append(b)
    max_j = max_c = 0.0
    bad: list[tuple[int, int]] = []
    for x in sorted(sets if only is None else only):
        others = {y for p in set(picks[x]) for y in by_para[p] if y != x and (only is not None or y > x)}
        sx = sets[x]
        for y in sorted(others):
            sy = sets[y]
            inter = len(sx & sy)
            if not inter:
                continue
            j = inter / (len(sx) + len(sy) - inter)
            c = inter / max(1, min(len(sx), len(sy)))
            max_j, max_c = max(max_j, j), max(max_c, c)
            if j >= MAX_DISTINCT_JACCARD or c >= MAX_DISTINCT_CONTAINMENT:
                bad.append((x, y))
    return max_j, max_c, bad


def make_corpus(n: int, seed: int = 7, copy_share: float = 0.15, out: Path | None = None, n_outlets: int = 24) -> Corpus:
    """Write (or reuse) the corpus folder and return it with its ground truth."""
    root = (out or OUT) / f"ingest-corpus-v{GENERATOR_VERSION}-n{n}-s{seed}-c{int(copy_share * 100)}"
    truth_path = root.with_suffix(".truth.json")
    if truth_path.exists() and root.is_dir():
        saved = json.loads(truth_path.read_text())
        return Corpus(root, saved["truth"], saved["stats"])
    if not (BASIL / "articles").is_dir():
        raise SystemExit(f"BASIL data not found at {BASIL} (../shared/data exists only on the developers' machines and CI)")
    rng = random.Random(seed)
    arts = [a for a in load_basil() if len(a.paragraphs) >= 3]
    outlets = make_outlets(n_outlets, rng)
    n_copies = round(n * copy_share)
    n_distinct = n - n_copies
    bodies: dict[int, list[str]] = {}
    picks: dict[int, list[tuple[int, int]]] = {}
    titles: dict[int, str] = {}
    dates: dict[int, str] = {}
    order = list(range(len(arts)))
    for b in range(n_distinct):
        if b % len(arts) == 0:
            rng.shuffle(order)
        primary = order[b % len(arts)]
        bodies[b], picks[b], titles[b] = _distinct_body(arts, primary, rng)
        dates[b] = arts[primary].date or "2015-01-01"
    # Draw again any body that comes too close to another one (rare), until none does.
    sets = {b: shingle_set("\n".join(p)) for b, p in bodies.items()}
    max_j, max_c, bad = _similar_pairs(sets, picks)
    resampled = 0
    for _ in range(20):
        if not bad:
            break
        redo = {max(x, y) for x, y in bad}
        for y in sorted(redo):
            bodies[y], picks[y], titles[y] = _distinct_body(arts, rng.randrange(len(arts)), rng)
            sets[y] = shingle_set("\n".join(bodies[y]))
            resampled += 1
        _j, _c, bad = _similar_pairs(sets, picks, only=redo)
    else:
        raise RuntimeError("could not make the distinct bodies distinct enough")
    if resampled:
        max_j, max_c, _bad = _similar_pairs(sets, picks)
    all_titles = [a.title for a in arts]
    pages: list[dict[str, object]] = []
    for b in range(n_distinct):
        pages.append({"body": b, "outlet": rng.randrange(len(outlets)), "paras": bodies[b], "headline": titles[b],
                      "copy_of_body": None, "edits": [], "top": None, "bottom": None})
    sources = rng.sample(range(n_distinct), k=min(n_distinct, max(1, round(n_copies / 1.6))))
    for c in range(n_copies):
        src = pages[sources[c] if c < len(sources) else rng.choice(sources)]
        paras, edits = _copy_body(list(src["paras"]), rng)  # type: ignore[arg-type]
        outlet = rng.choice([o for o in range(len(outlets)) if o != src["outlet"]])
        top = bottom = None
        if rng.random() < 0.4:
            bottom = rng.choice([f"This article originally appeared in {outlets[src['outlet']].name}.",  # type: ignore[index]
                                 "Distributed by a news agency. Republished with permission."])
            edits.append("added credit line")
        if rng.random() < 0.2:
            top = "Editor's note: this story has been updated with new information."
            edits.append("added editor's note")
        pages.append({"body": src["body"], "outlet": outlet, "paras": paras,
                      "headline": _copy_headline(str(src["headline"]), paras[0], rng), "copy_of_body": src["body"], "edits": edits,
                      "top": top, "bottom": bottom})
    rng.shuffle(pages)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    truth: dict[str, dict[str, object]] = {}
    first_file_of_body: dict[int, str] = {}
    for i, page in enumerate(pages):
        name = f"p{i:05d}.html"
        b = int(page["body"])  # type: ignore[arg-type]
        if page["copy_of_body"] is None:
            first_file_of_body[b] = name
        o = outlets[int(page["outlet"])]  # type: ignore[arg-type]
        teasers = rng.sample(all_titles, 6)
        slug = re.sub(r"[^a-z0-9]+", "-", str(page["headline"]).lower()).strip("-")[:60] or f"story-{i}"
        date = dates[b]
        doc = render_page(o, rng.randrange(3), str(page["headline"]), list(page["paras"]), date,  # type: ignore[arg-type]
                          rng.choice(_AUTHORS), slug, teasers, page["top"], page["bottom"], rng)  # type: ignore[arg-type]
        (root / name).write_text(doc, encoding="utf-8")
        truth[name] = {"body": b, "outlet": o.name, "copy": page["copy_of_body"] is not None, "edits": page["edits"]}
    for name, t in truth.items():
        t["copy_of"] = first_file_of_body[int(t["body"])] if t["copy"] else None  # type: ignore[arg-type]
    stats = {
        "pages": n, "copies": n_copies, "distinct_bodies": n_distinct, "outlets": len(outlets), "templates_per_outlet": 3,
        "max_distinct_jaccard": round(max_j, 4), "max_distinct_containment": round(max_c, 4), "resampled_bodies": resampled,
        "seed": seed, "generator_version": GENERATOR_VERSION,
    }
    truth_path.write_text(json.dumps({"truth": truth, "stats": stats}, indent=0))
    return Corpus(root, truth, stats)


def pair_scores(truth_groups: dict[str, object], predicted_groups: dict[str, object | None]) -> tuple[float, float, int, int, int]:
    """Pairwise precision/recall: pairs predicted in one syndication group vs pairs planted from one body.

    `predicted_groups` maps a page to its group or None (no group); pages missing from it
    (rejected) count as ungrouped.
    """
    def pairs(groups: dict[str, object | None]) -> set[tuple[str, str]]:
        members: dict[object, list[str]] = defaultdict(list)
        for name, g in groups.items():
            if g is not None:
                members[g].append(name)
        out: set[tuple[str, str]] = set()
        for names in members.values():
            names.sort()
            out.update((a, b) for i, a in enumerate(names) for b in names[i + 1:])
        return out

    gold = pairs(dict(truth_groups))
    pred = pairs({k: predicted_groups.get(k) for k in truth_groups})
    tp = len(gold & pred)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(gold) if gold else 1.0
    return precision, recall, tp, len(pred), len(gold)
