"""Near-duplicate search with MinHash LSH (datasketch).

LSH proposes candidates cheaply; each candidate is then confirmed with the estimated
Jaccard similarity or, for a copy that was cut short, the estimated containment of
the shorter text in the longer one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.clean.debris import words
from storyline.dedup.shingles import shingles_of_words

NUM_PERM = 128
_SEED = 1
_SCHEME = "affine32"  # datasketch 2.x default; stored signatures record nothing else, so pin it
# The permutations of MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME), drawn once:
# datasketch draws them again for every MinHash it builds without them.
_TEMPLATE_STATE = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).__getstate__()
_PERMUTATIONS = _TEMPLATE_STATE["permutations"]
_PERM_A = _PERMUTATIONS[0].astype(np.uint32)
_PERM_B = _PERMUTATIONS[1].astype(np.uint32)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
_BLOCK = 4096  # shingles hashed per numpy block: bounds the (block x NUM_PERM) temporary


@dataclass(frozen=True)
class Signature:
    minhash: MinHash
    size: int  # number of distinct shingles

    def to_bytes(self) -> bytes:
        return self.minhash.hashvalues.astype(np.uint32).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Signature:
        values = np.frombuffer(data, dtype=np.uint32).copy()
        return cls(_minhash(values), size)


def _minhash(values: np.ndarray) -> MinHash:
    """A MinHash holding `values` (uint32): built the way unpickling builds one, without
    validating and converting the permutations again (most of a MinHash's construction time)."""
    if len(values) != NUM_PERM or values.dtype != np.uint32:
        return MinHash(num_perm=len(values), seed=_SEED, hashvalues=values, scheme=_SCHEME)
    mh = MinHash.__new__(MinHash)
    mh.__setstate__({**_TEMPLATE_STATE, "hashvalues": values})
    return mh


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before the affine32 permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(items: Iterable[bytes]) -> np.ndarray:
    """The MinHash values datasketch's `MinHash(seed=1, scheme="affine32").update_batch(items)` gives.

    Same hash (the first 4 bytes of SHA-1, little-endian) and permutations, so stored
    signatures stay comparable; the per-item Python calls are replaced by numpy over all
    items at once.
    """
    sha1 = hashlib.sha1
    digests = b"".join([sha1(item).digest()[:4] for item in items])
    if not digests:
        return _EMPTY.copy()
    hv = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    out = _EMPTY
    for start in range(0, len(hv), _BLOCK):
        block = hv[start:start + _BLOCK, None] * _PERM_A + _PERM_B  # uint32 arithmetic wraps: mod 2^32
        out = np.minimum(out, block.min(axis=0))
    return out


def signature(text: str) -> Signature:
    return signature_of_words(words(text))


def signature_of_words(ws: list[str]) -> Signature:
    """`signature` of a text whose words (`clean.debris.words`) are already known."""
    items = shingles_of_words(ws)
    return Signature(_minhash(minhash_values(items)), len(items))


def signature_bytes(ws: list[str]) -> tuple[bytes, int]:
    """`(sig.to_bytes(), sig.size)` of `signature_of_words(ws)`, without building the MinHash."""
    items = shingles_of_words(ws)
    return minhash_values(items).tobytes(), len(items)


@dataclass(frozen=True)
class Match:
    article_id: str
    jaccard: float
    containment: float  # share of the smaller text found in the larger


@lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's choice of (bands, rows per band) for an LSH threshold (a numerical integration, so cached)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class NearDuplicateIndex:
    """In-memory LSH over stored signatures. `jaccard` and `containment` are the confirm thresholds.

    Banding as datasketch's `MinHashLSH(threshold=candidate_threshold)` does it (the same
    bands and rows, so the same candidates), kept as plain dicts keyed by each band's bytes:
    one numpy view per signature instead of a Python call per band.
    """

    def __init__(self, jaccard: float = 0.5, containment: float = 0.8, candidate_threshold: float = 0.3) -> None:
        if not 0 < candidate_threshold <= jaccard <= 1:
            raise ValueError("need 0 < candidate_threshold <= jaccard <= 1; lower candidate_threshold finds more cut copies")
        self.jaccard = jaccard
        self.containment = containment
        self.candidate_threshold = candidate_threshold
        self._b, self._r = _bands(candidate_threshold, NUM_PERM)
        self._tables: list[dict[bytes, list[str]]] = [{} for _ in range(self._b)]
        self._sigs: dict[str, Signature] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def _band_keys(self, sig: Signature) -> list[bytes]:
        values = np.ascontiguousarray(sig.minhash.hashvalues[: self._b * self._r], dtype=np.uint32)
        if len(values) != self._b * self._r:
            raise ValueError(f"expected a signature of {NUM_PERM} values, got {len(sig.minhash.hashvalues)}")
        return [row.tobytes() for row in values.reshape(self._b, self._r)]

    def add(self, article_id: str, sig: Signature) -> None:
        if article_id in self._sigs:
            return
        for table, key in zip(self._tables, self._band_keys(sig)):
            bucket = table.get(key)
            if bucket is None:
                table[key] = [article_id]
            else:
                bucket.append(article_id)
        self._sigs[article_id] = sig

    def candidates(self, sig: Signature) -> set[str]:
        """Stored articles that share at least one band with `sig` (before confirmation)."""
        found: set[str] = set()
        for table, key in zip(self._tables, self._band_keys(sig)):
            bucket = table.get(key)
            if bucket is not None:
                found.update(bucket)
        return found

    def matches(self, sig: Signature) -> list[Match]:
        """Confirmed near-duplicates of `sig`, best first."""
        found: list[Match] = []
        values = sig.minhash.hashvalues
        for other_id in self.candidates(sig):
            other = self._sigs[other_id]
            j = float(np.count_nonzero(values == other.minhash.hashvalues)) / len(values)  # MinHash.jaccard
            smaller = max(1, min(sig.size, other.size))
            inter = j * (sig.size + other.size) / (1 + j)
            c = min(1.0, inter / smaller)
            if j >= self.jaccard or (c >= self.containment and smaller >= 40):
                found.append(Match(other_id, j, c))
        return sorted(found, key=lambda m: (-m.jaccard, m.article_id))
