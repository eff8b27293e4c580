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


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


class NearDuplicateIndex:
    """In-memory LSH over stored signatures. `jaccard` and `containment` are the confirm thresholds.

    The bands are datasketch's `MinHashLSH(threshold=candidate_threshold)` bands (the same
    number of bands and rows), so a signature gets the candidates datasketch would give
    (up to a 64-bit hash collision between two different bands, about 1e-19 per pair, which
    confirmation then rejects). Storage is compact and numpy-backed: the signatures in one
    uint32 matrix; each band's 64-bit hash in one sorted array, searched for all bands at
    once; the latest additions in small per-band dicts keyed by the band's bytes, hashed
    and sorted in from time to time. Under 2 KB an article (datasketch's dicts took about
    6 KB and a Python object per band), and a whole store's signatures load in one
    vectorised pass (`add_many`).
    """

    def __init__(self, jaccard: float = 0.5, containment: float = 0.8, candidate_threshold: float = 0.3) -> None:
        if not 0 < candidate_threshold <= jaccard <= 1:
            raise ValueError("need 0 < candidate_threshold <= jaccard <= 1; lower candidate_threshold finds more cut copies")
        self.jaccard = jaccard
        self.containment = containment
        self.candidate_threshold = candidate_threshold
        self._b, self._r = _bands(candidate_threshold, NUM_PERM)
        self._slices = [(4 * self._r * i, 4 * self._r * (i + 1)) for i in range(self._b)]  # each band's bytes
        self._band_ids = np.arange(self._b, dtype=np.uint64) << np.uint64(40)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._values = np.empty((64, NUM_PERM), dtype=np.uint32)  # rows [0, len(self)) in use
        self._sizes = np.empty(64, dtype=np.int64)
        self._keys = np.empty(0, dtype=np.uint64)  # sorted band hashes of rows [0, self._merged)
        self._key_rows = np.empty(0, dtype=np.int32)
        self._merged = 0
        self._pending: list[dict[bytes, list[int]]] = [{} for _ in range(self._b)]  # rows [self._merged, len(self))

    def __len__(self) -> int:
        return len(self._ids)

    def _band_hashes(self, values: np.ndarray) -> np.ndarray:
        """(n, NUM_PERM) uint32 -> (n, bands) uint64: a hash of (band number, the band's values)."""
        bands = values[:, : self._b * self._r].reshape(len(values), self._b, self._r).astype(np.uint64)
        h = np.broadcast_to(self._band_ids, (len(values), self._b))
        for j in range(self._r):
            h = _fmix64((h << np.uint64(32)) ^ bands[:, :, j] ^ np.uint64((0x9E3779B97F4A7C15 * (j + 1)) % 2**64))
        return h

    def _grow(self, extra: int) -> None:
        n = len(self._ids)
        if n + extra > len(self._values):
            cap = max(n + extra, 2 * len(self._values))
            values = np.empty((cap, NUM_PERM), dtype=np.uint32)
            values[:n] = self._values[:n]
            sizes = np.empty(cap, dtype=np.int64)
            sizes[:n] = self._sizes[:n]
            self._values, self._sizes = values, sizes

    def add(self, article_id: str, sig: Signature) -> None:
        if article_id in self._row:
            return
        values = np.asarray(sig.minhash.hashvalues, dtype=np.uint32)
        if values.shape != (NUM_PERM,):
            raise ValueError(f"expected a signature of {NUM_PERM} values, got {values.shape}")
        self._grow(1)
        row = len(self._ids)
        self._values[row] = values
        self._sizes[row] = sig.size
        self._ids.append(article_id)
        self._row[article_id] = row
        data = values.tobytes()
        for table, (a, b) in zip(self._pending, self._slices):
            bucket = table.get(data[a:b])
            if bucket is None:
                table[data[a:b]] = [row]
            else:
                bucket.append(row)
        if len(self._ids) - self._merged >= max(1024, len(self._ids) // 8):
            self._merge()

    def add_many(self, ids: list[str], values: np.ndarray, sizes: list[int] | np.ndarray) -> None:
        """Add many signatures at once: `values` is (len(ids), NUM_PERM) uint32 (e.g. stored bytes joined)."""
        values = np.asarray(values, dtype=np.uint32).reshape(-1, NUM_PERM)
        if len(values) != len(ids):
            raise ValueError(f"{len(ids)} ids but {len(values)} signatures")
        seen = set(self._row)
        keep = []
        for i, article_id in enumerate(ids):
            if article_id not in seen:
                seen.add(article_id)
                keep.append(i)
        if not keep:
            return
        self._merge()
        self._grow(len(keep))
        first = len(self._ids)
        self._values[first:first + len(keep)] = values[keep]
        self._sizes[first:first + len(keep)] = np.asarray(sizes, dtype=np.int64)[keep]
        for offset, i in enumerate(keep):
            self._ids.append(ids[i])
            self._row[ids[i]] = first + offset
        self._merge()

    def _merge(self) -> None:
        """Hash the bands of the rows added one by one and sort them into the searched arrays."""
        n = len(self._ids)
        if self._merged == n:
            return
        hashes = self._band_hashes(self._values[self._merged:n])
        rows = np.repeat(np.arange(self._merged, n, dtype=np.int32), self._b)
        keys = np.concatenate([self._keys, hashes.ravel()])
        rows = np.concatenate([self._key_rows, rows])
        order = np.argsort(keys, kind="stable")
        self._keys, self._key_rows = keys[order], rows[order]
        self._merged = n
        self._pending = [{} for _ in range(self._b)]

    def _candidate_rows(self, values: np.ndarray) -> set[int]:
        found: set[int] = set()
        if self._merged:
            hashes = self._band_hashes(values[None, :])[0]
            lo = np.searchsorted(self._keys, hashes, side="left")
            hi = np.searchsorted(self._keys, hashes, side="right")
            for band in np.flatnonzero(hi > lo).tolist():
                found.update(self._key_rows[lo[band]:hi[band]].tolist())
        if self._merged < len(self._ids):
            data = values.tobytes()
            for table, (a, b) in zip(self._pending, self._slices):
                rows = table.get(data[a:b])
                if rows is not None:
                    found.update(rows)
        return found

    def candidates(self, sig: Signature) -> set[str]:
        """Stored articles that share at least one band with `sig` (before confirmation)."""
        return {self._ids[r] for r in self._candidate_rows(np.asarray(sig.minhash.hashvalues, dtype=np.uint32))}

    def matches(self, sig: Signature) -> list[Match]:
        """Confirmed near-duplicates of `sig`, best first."""
        values = np.asarray(sig.minhash.hashvalues, dtype=np.uint32)
        rows = sorted(self._candidate_rows(values))
        if not rows:
            return []
        same = np.count_nonzero(self._values[rows] == values, axis=1).tolist()
        found: list[Match] = []
        for row, n_same in zip(rows, same):
            j = float(n_same) / len(values)  # MinHash.jaccard
            other_size = int(self._sizes[row])
            smaller = max(1, min(sig.size, other_size))
            inter = j * (sig.size + other_size) / (1 + j)
            c = min(1.0, inter / smaller)
            if j >= self.jaccard or (c >= self.containment and smaller >= 40):
                found.append(Match(self._ids[row], j, c))
        return sorted(found, key=lambda m: (-m.jaccard, m.article_id))
