"""Near-duplicate search with MinHash LSH (datasketch).

LSH proposes candidates cheaply; each candidate is then confirmed with the estimated
Jaccard similarity or, for a copy that was cut short, the estimated containment of
the shorter text in the longer one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.dedup.shingles import shingles

NUM_PERM = 128
_SEED = 1
_SCHEME = "affine32"  # datasketch 2.x default; stored signatures record nothing else, so pin it


@dataclass(frozen=True)
class Signature:
    minhash: MinHash
    size: int  # number of distinct shingles

    def to_bytes(self) -> bytes:
        return self.minhash.hashvalues.astype(np.uint32).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Signature:
        values = np.frombuffer(data, dtype=np.uint32).copy()
        return cls(MinHash(num_perm=len(values), seed=_SEED, hashvalues=values, scheme=_SCHEME), size)


def signature(text: str) -> Signature:
    items = shingles(text)
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    mh.update_batch(list(items))
    return Signature(mh, len(items))


@dataclass(frozen=True)
class Match:
    article_id: str
    jaccard: float
    containment: float  # share of the smaller text found in the larger


class NearDuplicateIndex:
    """In-memory LSH over stored signatures. `jaccard` and `containment` are the confirm thresholds."""

    def __init__(self, jaccard: float = 0.5, containment: float = 0.8, candidate_threshold: float = 0.3) -> None:
        if not 0 < candidate_threshold <= jaccard <= 1:
            raise ValueError("need 0 < candidate_threshold <= jaccard <= 1; lower candidate_threshold finds more cut copies")
        self.jaccard = jaccard
        self.containment = containment
        self.candidate_threshold = candidate_threshold
        self._lsh = MinHashLSH(threshold=candidate_threshold, num_perm=NUM_PERM)
        self._sigs: dict[str, Signature] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def add(self, article_id: str, sig: Signature) -> None:
        if article_id in self._sigs:
            return
        self._lsh.insert(article_id, sig.minhash)
        self._sigs[article_id] = sig

    def matches(self, sig: Signature) -> list[Match]:
        """Confirmed near-duplicates of `sig`, best first."""
        found: list[Match] = []
        for other_id in self._lsh.query(sig.minhash):
            other = self._sigs[other_id]
            j = float(sig.minhash.jaccard(other.minhash))
            smaller = max(1, min(sig.size, other.size))
            inter = j * (sig.size + other.size) / (1 + j)
            c = min(1.0, inter / smaller)
            if j >= self.jaccard or (c >= self.containment and smaller >= 40):
                found.append(Match(other_id, j, c))
        return sorted(found, key=lambda m: (-m.jaccard, m.article_id))
