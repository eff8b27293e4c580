"""Exact and near-duplicate detection; syndication groups."""

from storyline.dedup.minhash import Match, NearDuplicateIndex, Signature, signature, signature_of_words

__all__ = ["Match", "NearDuplicateIndex", "Signature", "signature", "signature_of_words"]
