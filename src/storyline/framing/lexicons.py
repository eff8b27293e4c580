"""Word lists shipped in `framing/data/` (see `PROVENANCE.md` there for sources and licences).

- `hedges.txt`: hedge words and phrases (wooorm/hedges, MIT).
- `hyperbolic_words.txt`, `clickbait_phrases.txt`: Chakraborty et al. 2016 (MIT).
- `spinde_bias_words.txt`: BABE's bias-word lexicon (Spinde et al. 2021, AGPL-3.0).
- `mpqa_subjclues.tsv`: MPQA subjectivity clues (Wilson et al. 2005, GNU GPL; kept as a
  separate GPL data file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from storyline.framing.text import STOPWORDS, normalize_word

DATA_DIR = Path(__file__).resolve().parent / "data"

# Derivational endings tried (in order) to match MPQA entries marked stemmed=y.
_SUFFIXES = ("ing", "ed", "es", "s", "d", "ly")


@dataclass(frozen=True)
class MpqaClue:
    strong: bool
    polarity: str  # positive | negative | neutral | both


@dataclass
class Lexicons:
    hedges: frozenset[str]
    hedge_phrases: tuple[str, ...]  # multi-word hedges, longest first
    hyperbolic: frozenset[str]
    clickbait_phrases: tuple[str, ...]
    spinde: frozenset[str]
    mpqa_exact: dict[str, MpqaClue]
    mpqa_stemmed: dict[str, MpqaClue]
    _cache: dict[str, MpqaClue | None] = field(default_factory=dict, repr=False)

    def mpqa(self, word: str) -> MpqaClue | None:
        """The MPQA clue for a lower-cased word, matching stemmed entries by suffix stripping."""
        if word in self._cache:
            return self._cache[word]
        clue = self.mpqa_exact.get(word) or self.mpqa_stemmed.get(word)
        if clue is None:
            for suffix in _SUFFIXES:
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    stem = word[: -len(suffix)]
                    clue = self.mpqa_stemmed.get(stem) or self.mpqa_stemmed.get(stem + "e")
                    if clue is not None:
                        break
        self._cache[word] = clue
        return clue


def _read_list(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "%")):
            out.append(normalize_word(line))
    return out


def load_lexicons(directory: Path = DATA_DIR) -> Lexicons:
    hedges_all = _read_list(directory / "hedges.txt")
    mpqa_exact: dict[str, MpqaClue] = {}
    mpqa_stemmed: dict[str, MpqaClue] = {}
    for line in (directory / "mpqa_subjclues.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, strength, stemmed, polarity = line.split("\t")
        clue = MpqaClue(strong=strength == "strongsubj", polarity=polarity)
        target = mpqa_stemmed if stemmed == "y" else mpqa_exact
        old = target.get(word)
        if old is None or (clue.strong and not old.strong):
            target[word] = clue
    return Lexicons(
        hedges=frozenset(h for h in hedges_all if " " not in h),
        hedge_phrases=tuple(sorted((h for h in hedges_all if " " in h), key=len, reverse=True)),
        hyperbolic=frozenset(_read_list(directory / "hyperbolic_words.txt")),
        clickbait_phrases=tuple(_read_list(directory / "clickbait_phrases.txt")),
        spinde=frozenset(_read_list(directory / "spinde_bias_words.txt")),
        mpqa_exact=mpqa_exact,
        mpqa_stemmed=mpqa_stemmed,
    )


@lru_cache(maxsize=1)
def default_lexicons() -> Lexicons:
    return load_lexicons(DATA_DIR)


def phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of `phrases` on word boundaries."""
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])", re.IGNORECASE)


def is_stopword(word: str) -> bool:
    return word in STOPWORDS
