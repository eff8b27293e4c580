"""Features shared by training (`training/train_framing.py`) and inference.

Everything here is a pure function of the text plus shipped tables, so the two sides
cannot drift apart. Text n-grams are hashed (scikit-learn's `HashingVectorizer`, which is
stateless) and weighted by an inverse document frequency learned in training; the learned
state is plain numpy arrays, saved in one `.npz` file (no pickles).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from storyline.framing.lexicons import Lexicons
from storyline.framing.text import STOPWORDS, Token, in_spans, quoted_spans, tokenize

TOKEN_HASH_FEATURES = 2**18
SENTENCE_HASH_FEATURES = 2**19


def token_char_hasher() -> HashingVectorizer:
    """Character 3–5-grams of one word (with word-boundary padding)."""
    return HashingVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), n_features=TOKEN_HASH_FEATURES, alternate_sign=False, norm="l2", dtype=np.float32
    )


def sentence_hashers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """Word 1–2-grams and character 2–5-grams of a sentence (raw counts)."""
    words = HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w[\w'’-]*\b", n_features=SENTENCE_HASH_FEATURES,
        alternate_sign=False, norm=None, dtype=np.float32,
    )
    chars = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=SENTENCE_HASH_FEATURES, alternate_sign=False, norm=None, dtype=np.float32
    )
    return words, chars


@dataclass
class HashedTfidf:
    """Sublinear tf × idf over hashed n-grams, rows L2-normalised (like TfidfVectorizer)."""

    idf: np.ndarray  # float32, 0 for n-grams seen in fewer than `min_df` training texts

    @staticmethod
    def fit(counts: sp.csr_matrix, min_df: int = 2) -> "HashedTfidf":
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = counts.shape[0]
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < min_df] = 0.0
        return HashedTfidf(idf.astype(np.float32))

    def transform(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        x.data = (1.0 + np.log(x.data)) * self.idf[x.indices]
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        norms = np.sqrt(np.bincount(rows, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
        norms[norms == 0] = 1.0
        x.data = (x.data / norms[rows]).astype(np.float32)
        return x


# --- word-level ---------------------------------------------------------------------

WORD_FEATURES = (
    "mpqa_strong", "mpqa_weak", "mpqa_negative", "mpqa_positive", "hyperbolic", "spinde", "hedge",
    "stopword", "short", "hyphenated", "capitalised", "babe_lex", "babe_lex_log", "in_vocab",
)
CONTEXT_FEATURES = ("sentence_initial", "in_quote", "relative_position", "prev_stopword", "next_stopword")


def word_features(norm: str, lex: Lexicons, babe_lex: dict[str, float], babe_default: float, in_vocab: bool) -> list[float]:
    clue = lex.mpqa(norm)
    b = babe_lex.get(norm, babe_default)
    return [
        float(clue is not None and clue.strong),
        float(clue is not None and not clue.strong),
        float(clue is not None and clue.polarity == "negative"),
        float(clue is not None and clue.polarity == "positive"),
        float(norm in lex.hyperbolic),
        float(norm in lex.spinde),
        float(norm in lex.hedges),
        float(norm in STOPWORDS),
        float(len(norm) <= 3),
        float("-" in norm),
        0.0,  # placeholder: capitalisation is a property of the occurrence, filled per token
        b,
        math.log(b),
        float(in_vocab),
    ]


_CAP_INDEX = WORD_FEATURES.index("capitalised")


@dataclass
class TokenTable:
    """All tokens of a batch of sentences, with their context features."""

    sentence: np.ndarray  # int32, sentence index per token
    tokens: list[Token]
    prev_norm: list[str]
    next_norm: list[str]
    capitalised: np.ndarray  # float32, written with an upper-case first letter, not sentence-initial
    context: np.ndarray  # float32 (n_tokens, len(CONTEXT_FEATURES))


def token_table(texts: Sequence[str]) -> TokenTable:
    sent: list[int] = []
    toks: list[Token] = []
    prev: list[str] = []
    nxt: list[str] = []
    cap: list[float] = []
    ctx: list[list[float]] = []
    for i, text in enumerate(texts):
        tt = tokenize(text)
        quotes = quoted_spans(text) if ('"' in text or "“" in text) else []
        n = len(tt)
        for j, t in enumerate(tt):
            sent.append(i)
            toks.append(t)
            prev.append(tt[j - 1].norm if j > 0 else "")
            nxt.append(tt[j + 1].norm if j + 1 < n else "")
            cap.append(float(j > 0 and t.text[:1].isupper()))
            ctx.append([
                float(j == 0),
                float(bool(quotes) and in_spans(t.start, quotes)),
                j / max(1, n - 1),
                float(j > 0 and tt[j - 1].norm in STOPWORDS),
                float(j + 1 < n and tt[j + 1].norm in STOPWORDS),
            ])
    return TokenTable(
        sentence=np.asarray(sent, dtype=np.int32),
        tokens=toks,
        prev_norm=prev,
        next_norm=nxt,
        capitalised=np.asarray(cap, dtype=np.float32),
        context=np.asarray(ctx, dtype=np.float32).reshape(len(toks), len(CONTEXT_FEATURES)),
    )


def with_capitalisation(word_matrix: np.ndarray, capitalised: np.ndarray) -> np.ndarray:
    out = word_matrix.copy()
    out[:, _CAP_INDEX] = capitalised
    return out


# --- sentence-level -------------------------------------------------------------------

_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|us|me|I'm|we're|you|your)\b")
_MODAL = re.compile(r"\b(?:should|must|ought|need to|needs to|have to|has to)\b", re.IGNORECASE)

SENTENCE_FEATURES = (
    "mpqa_strong", "mpqa_weak", "mpqa_strong_rate", "mpqa_negative", "hyperbolic", "spinde", "hedge",
    "quote", "log_length", "first_person", "modal", "exclamation", "question",
    "tok_max", "tok_top3", "tok_over_25", "tok_over_50", "tok_logit_max", "word_vector_mean",
    "loaded_vector_mean",
)


def sentence_dense(
    texts: Sequence[str], table: TokenTable, token_prob: np.ndarray, word_vector_score: np.ndarray, lex: Lexicons,
    loaded_vector_score: np.ndarray | None = None,
) -> np.ndarray:
    """Counts and aggregates per sentence, in the order of SENTENCE_FEATURES.

    `token_prob` is the word-level loaded-language probability of each token in `table`;
    `word_vector_score` is the per-token value of the shipped word-vector table used by the
    subjectivity model, NaN for stopwords and words outside the table (its sentence mean
    over the other tokens is one feature). `loaded_vector_score` is the same for the
    loaded-language model's word-vector table (NaN everywhere if not given).
    """
    if loaded_vector_score is None:
        loaded_vector_score = np.full(len(table.tokens), np.nan)
    n = len(texts)
    out = np.zeros((n, len(SENTENCE_FEATURES)), dtype=np.float64)
    per_sentence: list[list[int]] = [[] for _ in range(n)]
    for k, s in enumerate(table.sentence):
        per_sentence[s].append(k)
    for i, text in enumerate(texts):
        ks = per_sentence[i]
        norms = [table.tokens[k].norm for k in ks]
        clues = [lex.mpqa(w) for w in norms]
        strong = sum(1 for c in clues if c is not None and c.strong)
        probs = sorted((float(token_prob[k]) for k in ks), reverse=True) + [0.0, 0.0, 0.0]
        out[i] = [
            strong,
            sum(1 for c in clues if c is not None and not c.strong),
            strong / max(1, len(ks)),
            sum(1 for c in clues if c is not None and c.polarity == "negative"),
            sum(1 for w in norms if w in lex.hyperbolic),
            sum(1 for w in norms if w in lex.spinde),
            sum(1 for w in norms if w in lex.hedges),
            float('"' in text or "“" in text or "”" in text),
            math.log1p(len(ks)),
            float(bool(_FIRST_PERSON.search(text))),
            float(bool(_MODAL.search(text))),
            float("!" in text),
            float("?" in text),
            probs[0],
            probs[0] + probs[1] + probs[2],
            sum(1 for p in probs if p > 0.25),
            sum(1 for p in probs if p > 0.5),
            math.log(probs[0] + 1e-3),
            _nanmean(word_vector_score[ks]),
            _nanmean(loaded_vector_score[ks]),
        ]
    return out


def _nanmean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else 0.0


# --- subjectivity: the writer's own words ---------------------------------------------

_IN_QUOTE = CONTEXT_FEATURES.index("in_quote")


def mask_quotes(text: str) -> str:
    """`text` with each direct quotation replaced by empty quotes (`""`).

    Subjectivity means the writer's own opinion; opinions reported in quotation marks
    count as objective (CheckThat! guidelines; BABE's "Expresses writer's opinion"), so the
    subjectivity model reads the sentence without them. Chosen by cross-validation on
    BABE (see `training/framing_metrics.json`, `subjectivity_cv`).
    """
    if '"' not in text and "“" not in text:
        return text
    for a, b in reversed(quoted_spans(text)):
        text = text[:a] + '""' + text[b:]
    return text


def unquoted_tokens(table: TokenTable, sentences: Sequence[int]) -> tuple[TokenTable, np.ndarray]:
    """The tokens of `sentences` (indices into `table`) outside direct quotations, as a
    table whose sentence numbers are positions in `sentences`; plus their indices in `table`."""
    sentences = np.asarray(sentences, dtype=np.int64)
    n_sent = int(table.sentence.max()) + 1 if len(table.sentence) else 0
    pos = np.full(max(n_sent, int(sentences.max()) + 1 if len(sentences) else 0), -1, dtype=np.int64)
    pos[sentences] = np.arange(len(sentences))
    sent_pos = pos[table.sentence] if len(table.sentence) else np.zeros(0, dtype=np.int64)
    keep = np.flatnonzero((sent_pos >= 0) & (table.context[:, _IN_QUOTE] == 0)) if len(sent_pos) else np.zeros(0, dtype=np.int64)
    return TokenTable(
        sentence=sent_pos[keep].astype(np.int32),
        tokens=[table.tokens[k] for k in keep],
        prev_norm=[], next_norm=[], capitalised=np.zeros(0, dtype=np.float32),
        context=np.zeros((0, len(CONTEXT_FEATURES)), dtype=np.float32),
    ), keep
