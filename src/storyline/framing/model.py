"""The shipped framing models: one `.npz` of numpy arrays, loaded lazily once per process.

Four linear models share the features of `features.py`:

- word model: probability that a word is loaded (BABE's biased words), from the word's
  lexicon flags, its character n-grams, learned per-word weights and its neighbours;
- loaded-language sentence model (BABE biased / non-biased);
- subjectivity sentence model (BABE opinion labels), a separate model that reads each
  sentence without its direct quotations (reported opinions are not the writer's);
- headline model (clickbait vs news headlines, Chakraborty et al. 2016).

Per-word weights derived from MiniLM word vectors are stored as one scalar per word and
model (the word model's own and neighbour weights, and a mean-of-word-vectors term for each
of the loaded-language and subjectivity sentence models), so no embedding is computed at
run time. `accurate=True` adds MiniLM sentence embeddings (slower; see PROVENANCE.md for
the figures of both modes).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from storyline.errors import StorylineError
from storyline.framing.features import (
    CONTEXT_FEATURES,
    SENTENCE_FEATURES,
    WORD_FEATURES,
    HashedTfidf,
    TokenTable,
    mask_quotes,
    sentence_dense,
    sentence_hashers,
    token_char_hasher,
    token_table,
    unquoted_tokens,
    with_capitalisation,
    word_features,
)
from storyline.framing.lexicons import DATA_DIR, Lexicons, default_lexicons, load_lexicons
from storyline.framing.text import STOPWORDS

log = logging.getLogger(__name__)

MODEL_FILE = DATA_DIR / "framing_models.npz"
FORMAT_VERSION = 2  # 2: per-word loaded-language vector scores (vocab_loaded), SENTENCE_FEATURES + loaded_vector_mean


class FramingModelError(StorylineError):
    """The packaged framing model is missing or unreadable."""

    code = "E650"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def pack_strings(words: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)


def unpack_strings(arr: np.ndarray) -> list[str]:
    text = arr.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def sparse_vector(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    idx = np.flatnonzero(dense).astype(np.int32)
    return idx, dense[idx].astype(np.float32)


def dense_vector(idx: np.ndarray, val: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.float32)
    out[idx] = val
    return out


@dataclass
class LinearSentenceModel:
    """logit = tfidf_words·w + tfidf_chars·c + standardised(dense)·d + embedding·e + b."""

    coef_words: np.ndarray
    coef_chars: np.ndarray
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    coef_dense: np.ndarray
    intercept: float
    coef_embedding: np.ndarray | None = None

    def logit(self, words: sp.csr_matrix, chars: sp.csr_matrix, dense: np.ndarray, embedding: np.ndarray | None = None) -> np.ndarray:
        z = words @ self.coef_words + chars @ self.coef_chars + ((dense - self.dense_mean) / self.dense_scale) @ self.coef_dense
        if self.coef_embedding is not None:
            if embedding is None:
                raise ValueError("this model needs sentence embeddings")
            z = z + embedding @ self.coef_embedding
        return np.asarray(z, dtype=np.float64).ravel() + self.intercept

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        out[f"{prefix}_words_idx"], out[f"{prefix}_words_val"] = sparse_vector(self.coef_words)
        out[f"{prefix}_chars_idx"], out[f"{prefix}_chars_val"] = sparse_vector(self.coef_chars)
        out[f"{prefix}_dense_mean"] = self.dense_mean.astype(np.float64)
        out[f"{prefix}_dense_scale"] = self.dense_scale.astype(np.float64)
        out[f"{prefix}_dense_coef"] = self.coef_dense.astype(np.float64)
        out[f"{prefix}_intercept"] = np.array([self.intercept])
        if self.coef_embedding is not None:
            out[f"{prefix}_emb_coef"] = self.coef_embedding.astype(np.float32)
        return out

    @staticmethod
    def from_arrays(a: dict[str, np.ndarray], prefix: str, size: int) -> "LinearSentenceModel":
        return LinearSentenceModel(
            coef_words=dense_vector(a[f"{prefix}_words_idx"], a[f"{prefix}_words_val"], size),
            coef_chars=dense_vector(a[f"{prefix}_chars_idx"], a[f"{prefix}_chars_val"], size),
            dense_mean=a[f"{prefix}_dense_mean"],
            dense_scale=a[f"{prefix}_dense_scale"],
            coef_dense=a[f"{prefix}_dense_coef"],
            intercept=float(a[f"{prefix}_intercept"][0]),
            coef_embedding=a.get(f"{prefix}_emb_coef"),
        )


@dataclass
class WordModel:
    """logit(token) = word part (cached per word) + neighbours + context + intercept."""

    coef_chars: np.ndarray  # over token_char_hasher() features
    coef_word: np.ndarray  # over WORD_FEATURES
    coef_context: np.ndarray  # over CONTEXT_FEATURES
    intercept: float
    vocab: dict[str, int]
    self_score: np.ndarray  # per vocabulary word
    prev_score: np.ndarray  # contribution of a word as the previous token
    next_score: np.ndarray  # contribution of a word as the next token
    babe_lex: dict[str, float]
    babe_default: float

    def __post_init__(self) -> None:
        self._hasher = token_char_hasher()
        self._cache: dict[str, float] = {}

    def word_part(self, words: list[str], lex: Lexicons) -> np.ndarray:
        missing = [w for w in dict.fromkeys(words) if w not in self._cache]
        if missing:
            if len(self._cache) > 500_000:
                self._cache.clear()
            feats = np.array(
                [word_features(w, lex, self.babe_lex, self.babe_default, w in self.vocab) for w in missing], dtype=np.float64
            )
            scores = self._hasher.transform(missing) @ self.coef_chars + feats @ self.coef_word
            for w, s in zip(missing, np.asarray(scores).ravel()):
                i = self.vocab.get(w)
                self._cache[w] = float(s) + (float(self.self_score[i]) if i is not None else 0.0)
        return np.array([self._cache[w] for w in words], dtype=np.float64)

    def _neighbour(self, words: list[str], table: np.ndarray) -> np.ndarray:
        get = self.vocab.get
        return np.array([table[i] if (i := get(w)) is not None else 0.0 for w in words], dtype=np.float64)

    def probabilities(self, table: TokenTable, lex: Lexicons) -> np.ndarray:
        if not table.tokens:
            return np.zeros(0)
        words = [t.norm for t in table.tokens]
        z = self.word_part(words, lex)
        z += table.capitalised * self.coef_word[WORD_FEATURES.index("capitalised")]
        z += self._neighbour(table.prev_norm, self.prev_score) + self._neighbour(table.next_norm, self.next_score)
        z += table.context @ self.coef_context + self.intercept
        return _sigmoid(z)


@dataclass
class SentenceScores:
    loaded: np.ndarray  # 0..1 per sentence
    subjectivity: np.ndarray  # 0..1 per sentence
    table: TokenTable
    token_prob: np.ndarray  # 0..1 per token of `table`


class FramingModels:
    """All framing models plus the tables they need."""

    def __init__(self, arrays: dict[str, np.ndarray], lexicons: Lexicons) -> None:
        self.meta: dict[str, Any] = json.loads(bytes(arrays["meta"]).decode("utf-8"))
        if self.meta.get("format_version") != FORMAT_VERSION:
            raise FramingModelError(
                f"framing model format {self.meta.get('format_version')} is not {FORMAT_VERSION}",
                fix="retrain with `python training/train_framing.py` or reinstall storyline",
            )
        self.lexicons = lexicons
        vocab_words = unpack_strings(arrays["vocab"])
        vocab = {w: i for i, w in enumerate(vocab_words)}
        lex_words = unpack_strings(arrays["babe_lex_words"])
        self.word_model = WordModel(
            coef_chars=dense_vector(arrays["tok_chars_idx"], arrays["tok_chars_val"], self.meta["token_hash_features"]),
            coef_word=arrays["tok_word_coef"],
            coef_context=arrays["tok_context_coef"],
            intercept=float(arrays["tok_intercept"][0]),
            vocab=vocab,
            self_score=arrays["vocab_tok_self"].astype(np.float64),
            prev_score=arrays["vocab_tok_prev"].astype(np.float64),
            next_score=arrays["vocab_tok_next"].astype(np.float64),
            babe_lex=dict(zip(lex_words, arrays["babe_lex_values"].astype(float).tolist())),
            babe_default=float(arrays["babe_lex_default"][0]),
        )
        self.vocab_subj = arrays["vocab_subj"].astype(np.float64)
        self.vocab_loaded = arrays["vocab_loaded"].astype(np.float64)
        size = self.meta["sentence_hash_features"]
        self.idf_words = HashedTfidf(dense_vector(arrays["idf_words_idx"], arrays["idf_words_val"], size))
        self.idf_chars = HashedTfidf(dense_vector(arrays["idf_chars_idx"], arrays["idf_chars_val"], size))
        self.head_idf_words = HashedTfidf(dense_vector(arrays["head_idf_words_idx"], arrays["head_idf_words_val"], size))
        self.head_idf_chars = HashedTfidf(dense_vector(arrays["head_idf_chars_idx"], arrays["head_idf_chars_val"], size))
        self.loaded = LinearSentenceModel.from_arrays(arrays, "loaded", size)
        self.subjectivity = LinearSentenceModel.from_arrays(arrays, "subj", size)
        self.headline = LinearSentenceModel.from_arrays(arrays, "head", size)
        self.loaded_accurate = LinearSentenceModel.from_arrays(arrays, "loadedacc", size) if "loadedacc_intercept" in arrays else None
        self.subjectivity_accurate = LinearSentenceModel.from_arrays(arrays, "subjacc", size) if "subjacc_intercept" in arrays else None
        self.loaded_threshold: float = float(self.meta.get("loaded_threshold", 0.5))
        self.subjectivity_masks_quotes: bool = bool(self.meta.get("subjectivity_masks_quotes", False))
        self.phrase_threshold: float = float(self.meta["phrase_threshold"])
        self.phrase_sentence_threshold: float = float(self.meta["phrase_sentence_threshold"])
        self._hashers = sentence_hashers()

    @staticmethod
    def load(path: Path = MODEL_FILE, lexicon_dir: Path | None = None) -> "FramingModels":
        if not path.exists():
            raise FramingModelError(
                f"framing model file {path} is missing",
                fix="reinstall storyline, or build it with `python training/train_framing.py`",
            )
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        lexicons = load_lexicons(lexicon_dir) if lexicon_dir is not None else default_lexicons()
        log.debug("loaded framing models from %s", path)
        return FramingModels(arrays, lexicons)

    # --- scoring ---------------------------------------------------------------------

    def word_vector_scores(self, table: TokenTable) -> tuple[np.ndarray, np.ndarray]:
        """Per token: the subjectivity and loaded-language word-vector numbers (NaN for
        stopwords and words outside the vocabulary)."""
        get = self.word_model.vocab.get
        idx = np.array([i if (i := get(t.norm)) is not None and t.norm not in STOPWORDS else -1 for t in table.tokens], dtype=np.int64)
        subj = np.full(len(idx), np.nan)
        loaded = np.full(len(idx), np.nan)
        ok = idx >= 0
        subj[ok] = self.vocab_subj[idx[ok]]
        loaded[ok] = self.vocab_loaded[idx[ok]]
        return subj, loaded

    def score(self, texts: Sequence[str], accurate: bool = False) -> SentenceScores:
        texts = list(texts)
        table = token_table(texts)
        token_prob = self.word_model.probabilities(table, self.lexicons)
        if not texts:
            return SentenceScores(np.zeros(0), np.zeros(0), table, token_prob)
        word_scores, loaded_scores = self.word_vector_scores(table)
        dense = sentence_dense(texts, table, token_prob, word_scores, self.lexicons, loaded_scores)
        hw, hc = self._hashers
        words = self.idf_words.transform(hw.transform(texts))
        chars = self.idf_chars.transform(hc.transform(texts))
        loaded_model, subj_model, emb = self.loaded, self.subjectivity, None
        if accurate:
            if self.loaded_accurate is None or self.subjectivity_accurate is None:
                raise FramingModelError("this framing model file has no accurate mode", fix="retrain with `python training/train_framing.py`")
            from storyline.models_registry import embed

            emb = embed(texts)
            loaded_model, subj_model = self.loaded_accurate, self.subjectivity_accurate
        loaded = _sigmoid(loaded_model.logit(words, chars, dense, emb))
        subj_logit = subj_model.logit(words, chars, dense, emb)
        if self.subjectivity_masks_quotes:
            # the writer's own words only: sentences with direct quotations are re-read without them
            masked = [mask_quotes(t) for t in texts]
            changed = [i for i, (a, b) in enumerate(zip(texts, masked)) if a != b]
            if changed:
                mt = [masked[i] for i in changed]
                sub, keep = unquoted_tokens(table, changed)
                d = sentence_dense(mt, sub, token_prob[keep], word_scores[keep], self.lexicons, loaded_scores[keep])
                e = None
                if emb is not None:
                    from storyline.models_registry import embed

                    e = embed(mt)
                subj_logit[changed] = subj_model.logit(
                    self.idf_words.transform(hw.transform(mt)), self.idf_chars.transform(hc.transform(mt)), d, e
                )
        subj = _sigmoid(subj_logit)
        return SentenceScores(loaded, subj, table, token_prob)

    def headline_scores(self, titles: Sequence[str]) -> np.ndarray:
        titles = list(titles)
        if not titles:
            return np.zeros(0)
        hw, hc = self._hashers
        words = self.head_idf_words.transform(hw.transform(titles))
        chars = self.head_idf_chars.transform(hc.transform(titles))
        dense = headline_dense(titles, self.lexicons)
        return _sigmoid(self.headline.logit(words, chars, dense))


HEADLINE_FEATURES = ("hyperbolic", "clickbait_phrase", "starts_with_number", "question", "exclamation", "second_person", "log_length")


def headline_dense(titles: Sequence[str], lex: Lexicons) -> np.ndarray:
    from storyline.framing.text import tokenize

    pattern = _clickbait_pattern(lex)
    out = np.zeros((len(titles), len(HEADLINE_FEATURES)))
    for i, t in enumerate(titles):
        toks = tokenize(t)
        words = [x.norm for x in toks]
        out[i] = [
            sum(1 for w in words if w in lex.hyperbolic),
            len(pattern.findall(t)),
            float(bool(toks) and toks[0].text[:1].isdigit()),
            float("?" in t),
            float("!" in t),
            float(any(w in ("you", "your", "you're", "you'll") for w in words)),
            np.log1p(len(words)),
        ]
    return out


@lru_cache(maxsize=4)
def _clickbait_pattern_cached(phrases: tuple[str, ...]) -> Any:
    from storyline.framing.lexicons import phrase_pattern

    return phrase_pattern(phrases)


def _clickbait_pattern(lex: Lexicons) -> Any:
    return _clickbait_pattern_cached(lex.clickbait_phrases)


@lru_cache(maxsize=1)
def default_models() -> FramingModels:
    """The packaged models, loaded on first use (about a second) and kept for the process."""
    return FramingModels.load()
