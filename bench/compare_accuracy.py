"""Accuracy of cross-source comparison (claims, corroboration, conflicts, omissions, briefing).

    .venv/bin/python bench/compare_accuracy.py                  # dev + held-out + seed story
    .venv/bin/python bench/compare_accuracy.py --split dev --show   # tuning: dev events, details
    .venv/bin/python bench/compare_accuracy.py --no-seeds

Data: bench/data/compare_gold/ (articles.jsonl + one <event>.gold.json per event; fictional
articles written for Storyline, see the README there). Each event is one story; articles are
analysed with `storyline.nlp.analyze_article` and compared with `storyline.compare.analyze_story`.

Scoring (micro-averaged over the events of a split):
- corroborated claims: a predicted claim with >= 2 independent sources matches a gold one when
  |pred ∩ gold| / max(|pred| - |pred ∩ optional|, |gold|) >= 0.5 over their sentences (a gold
  member is the analysed sentence containing the gold substring; a predicted sentence or clause
  hits it when their spans overlap); one-to-one, best first.
  Also: share of matched claims with an accepted independent_sources count and status.
- single-source facts: none of their sentences sits in a predicted claim with >= 2 sources; for
  syndicated copies, both copies sit in one claim with 1 source.
- conflicts: a predicted conflict matches a gold one when their sets of distinct values are
  equal (relative tolerance 1%); reported with and without the kind. Non-conflicts listed in the
  gold that appear as a predicted conflict are printed.
- omissions: (article, claim) pairs; a predicted claim counts through the gold claim it matched.
- briefing: every sentence has article ids; support = max MiniLM cosine of the sentence to the
  sentences of its cited articles (minimum and mean reported; share >= 0.6).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyline.compare import analyze_story  # noqa: E402
from storyline.compare.text import loaded_words  # noqa: E402
from storyline.models import Article, RawDocument  # noqa: E402
from storyline.models_registry import embed  # noqa: E402

GOLD = ROOT / "bench" / "data" / "compare_gold"
SEEDS = ROOT / "examples" / "seeds"
SUPPORT_THRESHOLD = 0.6
MATCH = 0.5


def analyzer() -> Any:
    try:
        from storyline.nlp.analyze import analyze_article
    except ImportError:
        print("storyline.nlp.analyze is missing: comparing without language analysis (sentences by punctuation)")
        return None
    return analyze_article


def load_events() -> tuple[dict[str, list[Article]], dict[str, dict[str, Any]]]:
    by_event: dict[str, list[Article]] = {}
    for line in (GOLD / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        by_event.setdefault(d["event"], []).append(Article(
            id=d["id"], input=f"compare_gold:{d['id']}", kind="jsonl", title=d.get("title"), text=d["text"],
            outlet=d.get("outlet"), published=d.get("published"), syndication_group=d.get("syndication_group"),
            duplicate_of=d.get("duplicate_of"),
        ))
    gold = {p.name.removesuffix(".gold.json"): json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.gold.json"))}
    return by_event, gold


SENTENCES: dict[str, list[tuple[int, int]]] = {}  # article id -> sentence spans, for gold members


def span(article: Article, sub: str) -> tuple[int, int]:
    """The span of the gold member: the sentence (from the language analysis) that contains `sub`."""
    pos = article.text.find(sub)
    if pos < 0:
        raise SystemExit(f"gold substring not found in {article.id}: {sub!r}")
    for s, e in SENTENCES.get(article.id, []):
        if s <= pos < e:
            return s, max(e, pos + len(sub))
    return pos, pos + len(sub)


def hits(sent: dict[str, Any], member: tuple[str, int, int]) -> bool:
    aid, s, e = member
    return sent["article_id"] == aid and sent["start"] < e and s < sent["end"]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def prf(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"P {p:.2f}  R {r:.2f}  F1 {f:.2f}  (tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass
class Scores:
    claims: Tally = field(default_factory=Tally)
    sources_ok: int = 0
    status_ok: int = 0
    matched: int = 0
    singles_ok: int = 0
    singles: int = 0
    syndicated_ok: int = 0
    syndicated: int = 0
    conflicts: Tally = field(default_factory=Tally)
    conflicts_nokind: Tally = field(default_factory=Tally)
    non_conflict_errors: list[str] = field(default_factory=list)
    omissions: Tally = field(default_factory=Tally)
    briefing_sentences: int = 0
    briefing_cited: int = 0
    briefing_support: list[float] = field(default_factory=list)
    briefing_loaded: int = 0
    briefing_attributed_ok: int = 0
    briefing_single: int = 0

    def add(self, o: Scores) -> None:
        for name in ("claims", "conflicts", "conflicts_nokind", "omissions"):
            getattr(self, name).add(getattr(o, name))
        for name in ("sources_ok", "status_ok", "matched", "singles_ok", "singles", "syndicated_ok", "syndicated",
                     "briefing_sentences", "briefing_cited", "briefing_loaded", "briefing_attributed_ok", "briefing_single"):
            setattr(self, name, getattr(self, name) + getattr(o, name))
        self.non_conflict_errors += o.non_conflict_errors
        self.briefing_support += o.briefing_support


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def score_event(event: str, articles: list[Article], gold: dict[str, Any], result: dict[str, Any],
                sentences: dict[str, list[str]], show: bool) -> Scores:
    sc = Scores()
    by_id = {a.id: a for a in articles}
    gclaims = []
    for g in gold["corroborated"]:
        req = [(aid, *span(by_id[aid], sub)) for aid, sub in g["sentences"]]
        opt = [(aid, *span(by_id[aid], sub)) for aid, sub in g.get("optional", [])]
        gclaims.append((g, req, opt))
    preds = [c for c in result["claims"] if c["independent_sources"] >= 2]
    pairs = []
    for pi, c in enumerate(preds):
        for gi, (g, req, opt) in enumerate(gclaims):
            in_req = sum(any(hits(s, m) for m in req) for s in c["sentences"])
            in_opt = sum(any(hits(s, m) for m in opt) and not any(hits(s, m) for m in req) for s in c["sentences"])
            denom = max(len(c["sentences"]) - in_opt, len(req))
            score = in_req / denom if denom else 0.0
            if score >= MATCH:
                pairs.append((score, pi, gi))
    pairs.sort(key=lambda x: -x[0])
    pred_to_gold: dict[str, str] = {}
    used_p: set[int] = set()
    used_g: set[int] = set()
    for score, pi, gi in pairs:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        g = gclaims[gi][0]
        c = preds[pi]
        pred_to_gold[c["id"]] = g["id"]
        sc.matched += 1
        sc.sources_ok += c["independent_sources"] in g["independent_sources"]
        sc.status_ok += c["status"] in g["status"]
        if show and (c["independent_sources"] not in g["independent_sources"] or c["status"] not in g["status"]):
            print(f"    ~ {g['id']} matched {c['id']} but sources {c['independent_sources']} (gold {g['independent_sources']}),"
                  f" status {c['status']} (gold {g['status']})")
    sc.claims = Tally(tp=len(used_p), fp=len(preds) - len(used_p), fn=len(gclaims) - len(used_g))
    if show:
        for gi, (g, _, _) in enumerate(gclaims):
            if gi not in used_g:
                print(f"    - missed {g['id']} ({g['about']})")
        for pi, c in enumerate(preds):
            if pi not in used_p:
                print(f"    + extra {c['id']} [{c['independent_sources']} src] {c['text'][:90]!r} {[s['article_id'] for s in c['sentences']]}")

    for s in gold.get("single_source", []):
        members = [(aid, *span(by_id[aid], sub)) for aid, sub in s["sentences"]]
        containing = [c for c in result["claims"] if any(hits(x, m) for x in c["sentences"] for m in members)]
        ok = all(c["independent_sources"] < 2 for c in containing)
        sc.singles += 1
        sc.singles_ok += ok
        if len({m[0] for m in members}) > 1:
            sc.syndicated += 1
            together = any(all(any(hits(x, m) for x in c["sentences"]) for m in members) and c["independent_sources"] == 1
                           for c in containing)
            sc.syndicated_ok += together
            if show and not together:
                print(f"    ! syndicated copies of {s['id']} not grouped as one source")
        if show and not ok:
            print(f"    ! single-source fact {s['id']} counted as corroborated")

    gconf = gold.get("conflicts", [])
    used = set()
    matched_kind = 0
    matched_any = 0
    for c in result["conflicts"]:
        pv = {float(v["value"]) for v in c["values"] if isinstance(v["value"], (int, float))}
        hit = None
        for gi, g in enumerate(gconf):
            gv = {float(v["value"]) for v in g["values"]}
            if gi not in used and all(any(close(a, b) for b in pv) for a in gv) and all(any(close(a, b) for b in gv) for a in pv):
                hit = gi
                break
        if hit is None:
            if show:
                print(f"    + extra conflict [{c['kind']}] {c['about']}: {[(v['article_id'], v['text']) for v in c['values']]}")
            for nc in gold.get("non_conflicts", []):
                vals = [(v["article_id"], float(v["value"])) for v in nc["values"]]
                if all(any(v["article_id"] == aid and close(float(v["value"]), val) for v in c["values"]
                           if isinstance(v["value"], (int, float))) for aid, val in vals):
                    sc.non_conflict_errors.append(f"{event}: {nc['about']}")
            continue
        used.add(hit)
        matched_any += 1
        if c["kind"] == gconf[hit]["kind"]:
            matched_kind += 1
        elif show:
            print(f"    ~ conflict {gconf[hit]['about']}: kind {c['kind']} (gold {gconf[hit]['kind']}) — {c['explanation']}")
    if show:
        for gi, g in enumerate(gconf):
            if gi not in used:
                print(f"    - missed conflict {g['about']} ({g['kind']})")
    n_pred = len(result["conflicts"])
    sc.conflicts = Tally(tp=matched_kind, fp=n_pred - matched_kind, fn=len(gconf) - matched_kind)
    sc.conflicts_nokind = Tally(tp=matched_any, fp=n_pred - matched_any, fn=len(gconf) - matched_any)

    gold_om = {(aid, cid) for aid, cids in gold.get("omissions", {}).items() for cid in cids}
    ignore = {(aid, cid) for aid, cids in gold.get("omissions_ignore", {}).items() for cid in cids}
    pred_om = set()
    for o in result["omissions"]:
        for cid in o["claim_ids"]:
            pred_om.add((o["article_id"], pred_to_gold.get(cid, "?" + cid)))
    pred_om -= ignore
    tp = len(pred_om & gold_om)
    sc.omissions = Tally(tp=tp, fp=len(pred_om) - tp, fn=len(gold_om) - tp)
    if show:
        for x in sorted(gold_om - pred_om):
            print(f"    - missed omission {x}")
        for x in sorted(pred_om - gold_om):
            print(f"    + extra omission {x}")

    score_briefing(result, sentences, by_id, sc, show)
    return sc


def score_briefing(result: dict[str, Any], sentences: dict[str, list[str]], by_id: dict[str, Article], sc: Scores, show: bool) -> None:
    for b in result["briefing"]:
        sc.briefing_sentences += 1
        if not b["article_ids"]:
            continue
        sc.briefing_cited += 1
        cited = [s for aid in b["article_ids"] for s in sentences.get(aid, [])]
        support = float((embed([b["text"]]) @ embed(cited).T).max()) if cited else 0.0
        sc.briefing_support.append(support)
        sc.briefing_loaded += len(loaded_words(b["text"]))
        if b.get("kind") == "single_source":
            sc.briefing_single += 1
            outlets = {by_id[a].outlet for a in b["article_ids"] if a in by_id}
            sc.briefing_attributed_ok += (b["text"].startswith("According to") or " reports that " in b["text"]) and (
                any(o and o in b["text"] for o in outlets) or "report" in b["text"].split(",")[0].casefold())
        if show:
            print(f"    [{support:.2f}] {b['text']}  {b['article_ids']}")


def print_scores(label: str, sc: Scores) -> None:
    print(f"  corroborated claims : {sc.claims.prf()}")
    if sc.matched:
        print(f"    of matched claims : independent_sources right {sc.sources_ok}/{sc.matched}, status right {sc.status_ok}/{sc.matched}")
    print(f"  single-source facts : not counted as corroborated {sc.singles_ok}/{sc.singles}; "
          f"syndicated copies grouped as one source {sc.syndicated_ok}/{sc.syndicated}")
    print(f"  conflicts (kind)    : {sc.conflicts.prf()}")
    print(f"  conflicts (any kind): {sc.conflicts_nokind.prf()}")
    print(f"  non-conflicts reported as conflicts: {len(sc.non_conflict_errors)}" +
          (f" ({'; '.join(sc.non_conflict_errors)})" if sc.non_conflict_errors else ""))
    print(f"  omissions           : {sc.omissions.prf()}")
    sup = sc.briefing_support
    print(f"  briefing            : {sc.briefing_sentences} sentences, {sc.briefing_cited} with article ids; "
          f"support min {min(sup) if sup else 0:.2f}, mean {sum(sup) / len(sup) if sup else 0:.2f}, "
          f">= {SUPPORT_THRESHOLD}: {sum(s >= SUPPORT_THRESHOLD for s in sup)}/{len(sup)}; "
          f"loaded words {sc.briefing_loaded}; single-source attributed {sc.briefing_attributed_ok}/{sc.briefing_single}")


def run_gold(splits: list[str], show: bool, briefing: int, analyze: Any) -> None:
    by_event, gold = load_events()
    totals = {s: Scores() for s in splits}
    for event, g in gold.items():
        split = g["split"]
        if split not in splits:
            continue
        articles = by_event[event]
        analyses = {a.id: analyze(a) for a in articles} if analyze else {}
        for aid, an in analyses.items():
            SENTENCES[aid] = [(x.start, x.end) for x in an.sentences]
        sentences = {a.id: ([s.text for s in analyses[a.id].sentences] if analyze else [x for x in a.text.split("\n") if x.strip()])
                     for a in articles}
        t0 = time.perf_counter()
        result = analyze_story(articles, analyses, briefing_sentences=briefing).to_dict()
        elapsed = time.perf_counter() - t0
        if show:
            print(f"\n== {event} ({split}, {len(articles)} articles, {elapsed:.1f}s)")
        sc = score_event(event, articles, g, result, sentences, show)
        if show:
            print_scores(event, sc)
        totals[split].add(sc)
    for split in splits:
        n = sum(1 for g in gold.values() if g["split"] == split)
        print(f"\n### {split}: {n} events")
        print_scores(split, totals[split])


def run_seeds(briefing: int, analyze: Any) -> None:
    from storyline.clean import clean_document

    paths = sorted(p for p in SEEDS.glob("*.txt") if p.name[:3] in ("001", "002", "003", "004"))
    if not paths:
        print(f"\n(no seeds in {SEEDS})")
        return
    articles = []
    for p in paths:
        art = clean_document(RawDocument(input=str(p), kind="text", text=p.read_text(encoding="utf-8")))
        articles.append(Article(**{**art.__dict__, "id": p.name[:3], "outlet": None}))
    analyses = {a.id: analyze(a) for a in articles} if analyze else {}
    result = analyze_story(articles, analyses, briefing_sentences=briefing).to_dict()
    print(f"\n### seed story: {', '.join(a.id for a in articles)} (outlets unknown: each article is its own source)")
    ed = result["event_date"]
    print(f"event date: {ed['value']} ({ed['precision']}, confidence {ed['confidence']}); outliers {ed['outliers']}")
    corr = [c for c in result["claims"] if c["independent_sources"] >= 2]
    print(f"\ncorroborated / contested claims ({len(corr)}):")
    for c in corr:
        print(f"  [{c['independent_sources']} sources, {c['status']}] {c['text']}")
        for s in c["sentences"]:
            if s["text"] != c["text"]:
                print(f"      {s['article_id']}: {s['text'][:150]}")
    singles = [c for c in result["claims"] if c["independent_sources"] < 2]
    print(f"\nsingle-source claims: {len(singles)} (first 25, with numbers or names first)")
    ranked = sorted(singles, key=lambda c: (not any(ch.isdigit() for ch in c["text"]), c["id"]))
    for c in ranked[:25]:
        print(f"  [{c['article_ids'][0]}, {c['status']}] {c['text'][:160]}")
    print(f"\nconflicts ({len(result['conflicts'])}):")
    for c in result["conflicts"]:
        vals = "; ".join(f"{v['article_id']}: {v['text']}" for v in c["values"])
        print(f"  [{c['kind']}] {c['about']}: {vals}\n      {c['explanation']}")
    print("\nomissions:")
    for o in result["omissions"]:
        print(f"  {o['article_id']}: {', '.join(o['claim_ids']) or '-'}")
    print(f"\nbriefing ({len(result['briefing'])} sentences):")
    sentences = {a.id: [s.text for s in analyses[a.id].sentences] if analyses else a.text.split("\n") for a in articles}
    for b in result["briefing"]:
        cited = [s for aid in b["article_ids"] for s in sentences[aid]]
        support = float((embed([b["text"]]) @ embed(cited).T).max()) if cited else 0.0
        print(f"  - {b['text']}  {b['article_ids']}  (support {support:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "held-out", "all"], default="all")
    ap.add_argument("--show", action="store_true", help="per-event details: misses, extras, briefing")
    ap.add_argument("--no-seeds", action="store_true")
    ap.add_argument("--briefing", type=int, default=5)
    args = ap.parse_args()
    analyze = analyzer()
    splits = ["dev", "held-out"] if args.split == "all" else [args.split]
    t0 = time.perf_counter()
    run_gold(splits, args.show, args.briefing, analyze)
    if not args.no_seeds:
        run_seeds(args.briefing, analyze)
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
