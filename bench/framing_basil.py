#!/usr/bin/env python3
"""Loaded-language scores of Storyline on BASIL (evaluation beyond the training data).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/framing_basil.py [--accurate] [--no-baseline]

Data: ../shared/data/basil (Fan et al. 2019): 100 events × 3 outlets (Fox News, NYT,
HuffPost), 300 articles, with phrase-level bias spans; 478 body spans are lexical bias
(`bias: "lex"`, loaded wording). No licence: evaluation only, never shipped. The models
never saw BASIL. Span ids `pN` index the flattened list of body sentences, so the
dataset's own sentence segmentation is used for the sentence-level figures.

Figures:
* sentence AUC: shipped sentence score separating body sentences that contain a lexical
  span from those that do not (also: only spans outside quotations, i.e. the outlet's own words);
* article ranking: within each event, does the article with the most lexical spans get the
  highest article score (`frame_article(...).score`, the mean sentence score)? Events whose
  maximum is tied are left out; chance is 1/3. Also with span density (spans per sentence) as
  the target, since the article score is a mean;
* word-level: precision/recall of the words Storyline marks against the lexical-span words;
* baseline: the TF-IDF logistic regression anchor trained on BABE (needs ../shared/data/babe).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from storyline.framing import frame_article, score_sentences  # noqa: E402
from storyline.framing.text import STOPWORDS, tokenize  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "basil"


def load_basil(data: Path = DATA) -> list[dict]:
    articles = []
    for path in sorted((data / "articles").glob("*/*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        ann_path = data / "annotations" / path.parent.name / (path.stem + "_ann.json")
        ann = json.loads(ann_path.read_text(encoding="utf-8")) if ann_path.exists() else {"phrase-level-annotations": []}
        paragraphs = art["body-paragraphs"]
        sentences = [s for p in paragraphs for s in p]
        spans = defaultdict(list)
        for a in ann["phrase-level-annotations"]:
            if a.get("bias") == "lex" and a["id"].startswith("p"):
                i = int(a["id"][1:])
                if i < len(sentences) and sentences[i][a["start"]:a["end"]] == a["txt"]:
                    spans[i].append((a["start"], a["end"], a.get("quote") == "yes"))
        articles.append({
            "event": art["triplet-uuid"], "source": art["source"].lower(), "title": art.get("title"),
            "paragraphs": paragraphs, "sentences": sentences, "spans": dict(spans),
        })
    return articles


def article_text(a: dict) -> str:
    return "\n".join(" ".join(p) for p in a["paragraphs"])


def ranking(articles: list[dict], scores: list[float], target: str) -> tuple[int, int]:
    by_event = defaultdict(list)
    for a, s in zip(articles, scores):
        n = sum(len(v) for v in a["spans"].values())
        value = n if target == "count" else n / max(1, len(a["sentences"]))
        by_event[a["event"]].append((value, s))
    hits = total = 0
    for items in by_event.values():
        if len(items) != 3:
            continue
        best = max(v for v, _ in items)
        if sum(1 for v, _ in items if v == best) > 1:
            continue  # tie for the most spans (including 0-0-0)
        total += 1
        top_score = max(items, key=lambda x: x[1])
        hits += top_score[0] == best
    return hits, total


def baseline_scorer():
    from training.train_framing import load_babe
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    babe = load_babe()
    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=3000))
    pipe.fit(babe.texts, babe.y)
    return lambda texts: pipe.predict_proba(texts)[:, 1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accurate", action="store_true", help="also score with MiniLM sentence embeddings (slow)")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not DATA.exists():
        print(f"{DATA} not found; BASIL is evaluation data kept outside the package", file=sys.stderr)
        return 2
    articles = load_basil()
    n_spans = sum(len(v) for a in articles for v in a["spans"].values())
    print(f"BASIL: {len(articles)} articles, {len({a['event'] for a in articles})} events, {n_spans} lexical spans in body sentences")

    sents = [s for a in articles for s in a["sentences"]]
    has_lex = np.array([int(i in a["spans"]) for a in articles for i in range(len(a["sentences"]))])
    has_own = np.array([int(any(not q for _, _, q in a["spans"].get(i, []))) for a in articles for i in range(len(a["sentences"]))])
    t0 = time.time()
    framed = score_sentences(sents)
    dt = time.time() - t0
    score = np.array([f.score for f in framed])
    print(f"\nSentence level ({len(sents)} body sentences, {has_lex.sum()} with a lexical span; scored in {dt:.1f} s)")
    rows = [("storyline (fast)", score)]
    if args.accurate:
        rows.append(("storyline (accurate)", np.array([f.score for f in score_sentences(sents, accurate=True)])))
    if not args.no_baseline:
        rows.append(("TF-IDF LR on BABE (anchor)", baseline_scorer()(sents)))
    print(f"  {'scorer':30} {'AUC any lex span':>17} {'AUC own words':>14}")
    for name, s in rows:
        print(f"  {name:30} {roc_auc_score(has_lex, s):17.3f} {roc_auc_score(has_own, s):14.3f}")

    # word level: words marked by Storyline vs words inside lexical spans
    tp = fp = fn = 0
    k = 0
    for a in articles:
        for i, s in enumerate(a["sentences"]):
            f = framed[k]
            k += 1
            gold = {t.norm for (st, en, _) in a["spans"].get(i, []) for t in tokenize(s[st:en]) if t.norm not in STOPWORDS}
            pred = {t.norm for p in f.phrases if p.source == "model" for t in tokenize(p.text)}
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    print(f"\nWord level (model-marked words vs lexical-span words): P {p:.3f}  R {r:.3f}  F1 {2 * p * r / max(1e-9, p + r):.3f}")

    t0 = time.time()
    arts = [frame_article(article_text(a), a["title"]) for a in articles]
    dt = time.time() - t0
    art_scores = [x.score for x in arts]
    print(f"\nArticle level ({len(arts)} articles framed in {dt:.1f} s; article score = mean sentence score)")
    for target in ("count", "density"):
        hits, total = ranking(articles, art_scores, target)
        print(f"  most lexical spans ({target:7}) -> highest article score: {hits}/{total} = {hits / max(1, total):.3f} (chance 0.333)")
    share = [x.loaded_share for x in arts]
    hits, total = ranking(articles, share, "count")
    print(f"  same with share of loaded sentences, target count: {hits}/{total} = {hits / max(1, total):.3f}")
    n_lex = np.array([sum(len(v) for v in a["spans"].values()) for a in articles])
    from scipy.stats import spearmanr

    print(f"  Spearman(article score, number of lexical spans) over 300 articles: {spearmanr(art_scores, n_lex)[0]:.3f}")
    print("\nBy outlet (mean over its 100 articles)")
    print(f"  {'outlet':8} {'article score':>13} {'loaded share':>13} {'headline':>9} {'lex spans':>10}")
    for src in ("fox", "nyt", "hpo"):
        idx = [i for i, a in enumerate(articles) if a["source"] == src]
        heads = [arts[i].headline for i in idx if arts[i].headline is not None]
        print(f"  {src:8} {statistics.fmean(art_scores[i] for i in idx):13.3f} {statistics.fmean(share[i] for i in idx):13.3f} "
              f"{statistics.fmean(heads):9.3f} {statistics.fmean(n_lex[i] for i in idx):10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
