"""Hard cases for story clustering, pass/fail per case, plus the seed articles.

    python bench/cluster_cases.py

Corpus: bench/data/cluster_cases.jsonl, fictional articles written for this test (records:
case, id, event, title, text, outlet, published, related = events it should be linked to):
two monthly rate decisions, two fires in one harbour years apart, two visits of a leader
years apart, one earthquake in very different wording, and an unrelated article sharing
place names. A case passes when every pair of its articles is together exactly when they
report the same event, and each story is linked (related_story_ids) to the events listed.
The whole corpus is clustered in one run; then each case is also run undated (text only).

Held-out sets, same format, written by separate sessions that never saw the code or the dev
cases: cluster_cases_heldout.jsonl (7 cases, 27 articles: quarterly results, floods years
apart, two events of one minister in one week, a mine collapse in three angles, a concert and
a rally at one arena, a syndicated wire story, a collapse and its inquiry), cluster_cases_blind2.jsonl (8 cases, 33 articles) and
cluster_cases_blind3.jsonl (9 cases, 44 articles: two quakes nine days apart, three quarterly
results, a verdict in four angles, a developing fire and a tram crash in one city, a wire story
in four copies, shared names, two visits 14 months apart, a brief and an analysis, two port
strikes with one undated article), cluster_cases_blind5.jsonl (12 cases, 63 articles, 7 undated: rate
decisions a month apart, one ferry disaster in five angles, namesakes in one week, a wire story in
four copies, arrest/indictment/verdict, two bridge closures and two factory fires on one day,
festival editions, two outbreaks months apart, two strikes at one airline, a derailment and its
inquiry), cluster_cases_blind6.jsonl (12 cases, 62 articles, 8 undated; written 2026-11-25 by a
helper told the kinds of difficulty only, and scored without reading it), cluster_cases_blind7.jsonl
(12 cases, 65 articles, 27 events, 9 undated; written the same way in the third session of 2026-11-25;
dev since its first run, which was read for error analysis), cluster_cases_blind8.jsonl (12 cases, 63
articles, 32 events, 9 undated) and cluster_cases_blind9.jsonl (12 cases, 63 articles, 28 events, 8
undated; both written blind the same day and not read), cluster_cases_blind10.jsonl (12 cases, 65
articles, 32 events, 7 undated) and cluster_cases_blind11.jsonl (12 cases, 63 articles, 35 events, 6
undated; both written blind on 2026-11-25, fourth session, by helpers told the kinds of difficulty and
the themes only; first run before `window_relief`, which was then kept on the rule that the mean over
the dated test sets rise), cluster_cases_blind12.jsonl (12 cases, 63 articles, 32 events, 6 undated)
and cluster_cases_blind13.jsonl (12 cases, 65 articles, 30 events, 7 undated; written blind later in
that session and first run after its last parameter change, before the demo amendment),
cluster_cases_blind14.jsonl (12 cases, 67 articles, 32 events, 7 undated) and
cluster_cases_blind15.jsonl (12 cases, 68 articles, 29 events, 7 undated; written blind at the end of
that session and first run on its final code).

Peers, same run: average-linkage agglomerative clustering over TF-IDF and over MiniLM (headline +
lead, as Storyline reads), with the 7-day gate when dated; each peer's threshold is the one with
the best mean BCubed F1 over the sets Storyline's parameters were chosen on (dev, held-out 1 and
2, dev A, B and C, held-out 7), then scored on every set; held-out 3 to 6 and 8 to 15 are the test.

Seeds: examples/seeds/*.txt ingested (cleaned) into a temporary store and analysed as
`storyline analyze` does (event dates from the text, then `cluster_store`); expected: 001-004 one story, 000 a separate story linked as related.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

import cluster_data as cd
from _metrics import bcubed
from cluster_peers import agglomerative, date_gate, tfidf_sim
from storyline.cluster import embedding_text
from storyline.cluster.when import parse_date
from storyline.cluster import StoryClusterer, cluster_store
from storyline.models import Article

DATA = Path(__file__).resolve().parent / "data"
# dev: written with the code and used to choose figure_bonus; the others were written by
# sessions that never saw the code or the dev cases (blind held-out sets). Held-out 1 and 2
# have since been used for error analysis and, with cluster_dev_a/b (larger dev corpora written the
# same way; cluster_dev_c, 16 cases and 82 articles, five of them one event told five or six ways, was
# added on 2026-11-25), for choosing the lead-day parameters; held-out 3 was inspected once; held-out 4 is blind;
# held-out 5 was written in the fourth session of 2026-11-24, after the last parameter change, and
# first run as it landed; held-out 6 likewise on 2026-11-25, held-out 7 later that day (then dev), 8 and 9 after it.
CASE_FILES = {"dev": DATA / "cluster_cases.jsonl", "held-out 1": DATA / "cluster_cases_heldout.jsonl",
              "held-out 2": DATA / "cluster_cases_blind2.jsonl", "dev A": DATA / "cluster_dev_a.jsonl",
              "dev B": DATA / "cluster_dev_b.jsonl", "dev C": DATA / "cluster_dev_c.jsonl", "held-out 3": DATA / "cluster_cases_blind3.jsonl",
              "held-out 4": DATA / "cluster_cases_blind4.jsonl", "held-out 5": DATA / "cluster_cases_blind5.jsonl",
              "held-out 6": DATA / "cluster_cases_blind6.jsonl", "held-out 7": DATA / "cluster_cases_blind7.jsonl",
              "held-out 8": DATA / "cluster_cases_blind8.jsonl", "held-out 9": DATA / "cluster_cases_blind9.jsonl",
              "held-out 10": DATA / "cluster_cases_blind10.jsonl", "held-out 11": DATA / "cluster_cases_blind11.jsonl",
              "held-out 12": DATA / "cluster_cases_blind12.jsonl", "held-out 13": DATA / "cluster_cases_blind13.jsonl",
              "held-out 14": DATA / "cluster_cases_blind14.jsonl", "held-out 15": DATA / "cluster_cases_blind15.jsonl"}
TUNED_ON = ("dev", "held-out 1", "held-out 2", "dev A", "dev B", "dev C", "held-out 7")  # where Storyline's parameters were chosen
SEEDS = cd.ROOT / "examples" / "seeds"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check(records: list[dict], story_of: dict[str, str], related: dict[str, set[str]]) -> dict[str, tuple[bool, list[str]]]:
    event_of = {r["id"]: r["event"] for r in records}
    out = {}
    for case in dict.fromkeys(r["case"] for r in records):
        mine = [r for r in records if r["case"] == case]
        problems = []
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                same_gold = a["event"] == b["event"]
                same_pred = story_of[a["id"]] == story_of[b["id"]]
                if same_gold != same_pred:
                    problems.append(f"{a['id']}~{b['id']}: {'split' if same_gold else 'merged'}")
            for ev in a.get("related", []):
                targets = {story_of[x] for x, e in event_of.items() if e == ev}
                if not targets & related.get(story_of[a["id"]], set()) and story_of[a["id"]] not in targets:
                    problems.append(f"{a['id']}: not linked to {ev}")
        out[case] = (not problems, sorted(set(problems)))
    return out


def _articles(records: list[dict], dated: bool) -> list[Article]:
    return [Article(id=r["id"], input=r["id"], kind="json", title=r["title"], text=r["text"], outlet=r["outlet"],
                    published=r["published"] if dated else None) for r in records]


def _peer_sims(records: list[dict], dated: bool) -> dict[str, np.ndarray]:
    """TF-IDF and MiniLM similarity matrices of one corpus, date-gated (7 days) when dated."""
    arts = _articles(records, dated)
    emb = cd.embeddings(arts, quiet=True)
    sims = {"tfidf-agglo": tfidf_sim([embedding_text(a) for a in arts]), "minilm-agglo": emb @ emb.T}
    if dated:
        parsed = [parse_date(a.published) for a in arts]
        days = np.array([p[0].toordinal() if p else np.nan for p in parsed], dtype=float)
        known = ~np.isnan(days)
        for name, sim in sims.items():
            gated = date_gate(sim, np.where(known, days, 0.0), 7)
            both = np.outer(known, known)
            sims[name] = np.where(both, gated, sim)  # an undated article is not gated
    return sims


def run_peers(corpora: dict[str, list[dict]]) -> None:
    """Agglomerative peers, threshold tuned on TUNED_ON, BCubed F1 on every corpus."""
    grid = np.round(np.arange(0.05, 0.95, 0.01), 2)
    for dated in (True, False):
        sims = {split: _peer_sims(recs, dated) for split, recs in corpora.items()}
        gold = {split: [r["event"] for r in recs] for split, recs in corpora.items()}
        print(f"== peers on the hard cases, {'with published dates (7-day gate)' if dated else 'dates withheld'}")
        for peer in ("tfidf-agglo", "minilm-agglo"):
            def f1(split: str, t: float) -> float:
                return bcubed(gold[split], list(agglomerative(sims[split][peer], t)))[2]

            tuned = [s for s in TUNED_ON if s in corpora]
            best = max(grid, key=lambda t: float(np.mean([f1(s, t) for s in tuned])))
            cells = " ".join(f"{split} {f1(split, best):.3f}" for split in corpora)
            print(f"  {peer:13s} t={best:.2f}  B3 F1: {cells}")


def run_corpus(records: list[dict], dated: bool) -> None:
    arts = _articles(records, dated)
    cl = StoryClusterer(use_published=dated).fit(arts)
    stories = cl.stories(arts)
    story_of = {a: s.id for s in stories for a in s.article_ids}
    related = {s.id: set(s.related_story_ids) for s in stories}
    results = check(records, story_of, related)
    for case, (ok, problems) in results.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {case:18s} {'; '.join(problems)}")
    p, r, f = bcubed([x["event"] for x in records], [story_of[x["id"]] for x in records])
    print(f"  BCubed P {p:.3f} R {r:.3f} F1 {f:.3f}; {sum(ok for ok, _ in results.values())}/{len(results)} cases pass")


def run_seeds() -> None:
    from storyline.analysis import analyze
    from storyline.cluster import all_stories
    from storyline.service import ingest
    from storyline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "seeds.db")
        result = ingest([str(SEEDS)], store)
        # The product's path (`storyline analyze`): event dates from the language analysis, then clustering.
        analyze(store, result.added, [])
        stories = all_stories(store)
        name = {a.id: Path(a.input).name[:3] for a in store.articles()}
        story_of = {a: s.id for s in stories for a in s.article_ids}
        for s in stories:
            print(f"  story {s.id}: {sorted(name[a] for a in s.article_ids)} {s.event_date} related={len(s.related_story_ids)}"
                  f" sources={s.independent_sources} title={s.title[:60]!r}")
        ids = {v: k for k, v in name.items()}
        main = {story_of[ids[n]] for n in ("001", "002", "003", "004")}
        together = len(main) == 1
        apart = story_of[ids["000"]] not in main
        linked = apart and any(story_of[ids["000"]] in s.related_story_ids for s in stories if s.id in main)
        for label, ok in (("001-004 one story", together), ("000 a separate story", apart), ("000 linked as related", linked)):
            print(f"  {'PASS' if ok else 'FAIL'}  {label}")
        gold = ["b" if name[a] == "000" else "a" for a in story_of]
        p, r, f = bcubed(gold, [story_of[a] for a in story_of])
        print(f"  BCubed P {p:.3f} R {r:.3f} F1 {f:.3f}")
        store.close()


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    corpora = {split: load(path) for split, path in CASE_FILES.items() if path.exists()}
    for split, records in corpora.items():
        path = CASE_FILES[split]
        print(f"== hard cases {split} ({path.name}), with published dates ({len(records)} articles)")
        run_corpus(records, dated=True)
        print(f"== hard cases {split}, dates withheld (text only)")
        run_corpus(records, dated=False)
    run_peers(corpora)
    print("== seed articles (examples/seeds), cleaned and clustered through the store")
    run_seeds()


if __name__ == "__main__":
    main()
