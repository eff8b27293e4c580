from __future__ import annotations

import random

from storyline.dedup import NearDuplicateIndex, signature

WIRE = (
    "A fire broke out in a grain warehouse at the harbour early on Monday, forcing the evacuation of about 120 dock "
    "workers and halting ship traffic in the eastern basin for most of the day. The regional fire service said 14 "
    "engines and a fireboat were sent to the scene after the alarm was raised shortly before 5 a.m. Firefighters had "
    "the blaze under control by mid-afternoon, the service said in a statement. Three workers were treated for smoke "
    "inhalation, and none was seriously hurt, according to the harbour authority. The cause of the fire is not yet "
    "known. The harbour director said the warehouse held about 8,000 tonnes of wheat and that the damage would take "
    "weeks to assess."
)
INDEPENDENT = (
    "Thick black smoke hung over the town on Monday after flames tore through a store of wheat in the harbour's "
    "eastern basin. Around 120 people working on the quays were told to leave as crews, backed by a fireboat, fought "
    "the flames for nearly ten hours. The harbour authority said three employees needed treatment for breathing in "
    "smoke. Residents on the seafront described ash falling on cars and balconies. Investigators will begin work once "
    "the site is declared safe, the director said, adding that the building held around 8,000 tonnes of grain."
)


def _edit(text: str, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split()
    for _ in range(4):  # small edits: a few words changed
        words[rng.randrange(len(words))] = "edited"
    return "Updated at 10:00. " + " ".join(words) + " Follow us for more."


def test_syndicated_copy_with_edits_is_found() -> None:
    index = NearDuplicateIndex()
    index.add("wire", signature(WIRE))
    matches = index.matches(signature(_edit(WIRE, 1)))
    assert [m.article_id for m in matches] == ["wire"]
    assert matches[0].jaccard > 0.6


def test_truncated_copy_found_by_containment() -> None:
    index = NearDuplicateIndex()
    index.add("wire", signature(WIRE))
    half = " ".join(WIRE.split()[:55])
    matches = index.matches(signature(half))
    assert matches and matches[0].containment > 0.9


def test_independent_article_on_same_event_not_grouped() -> None:
    index = NearDuplicateIndex()
    index.add("wire", signature(WIRE))
    assert index.matches(signature(INDEPENDENT)) == []


def test_signature_round_trips_through_bytes() -> None:
    from storyline.dedup import Signature

    sig = signature(WIRE)
    back = Signature.from_bytes(sig.to_bytes(), sig.size)
    assert back.minhash.jaccard(sig.minhash) == 1.0 and back.size == sig.size


def _texts(n: int, seed: int) -> list[str]:
    """Texts that overlap by varying amounts: shared runs of words plus words of their own."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    base = [rng.choice(vocab) for _ in range(300)]
    out = []
    for _ in range(n):
        start = rng.randrange(0, 200)
        shared = base[start:start + rng.randrange(20, 100)]
        own = [rng.choice(vocab) for _ in range(rng.randrange(0, 150))]
        out.append(" ".join(shared + own if rng.random() < 0.5 else own + shared))
    return out


def test_signature_equals_datasketch_update_batch() -> None:
    """Stored signatures stay comparable: the same values as datasketch's own MinHash."""
    import numpy as np
    from datasketch import MinHash

    from storyline.dedup.minhash import minhash_values
    from storyline.dedup.shingles import shingles

    big = " ".join(f"x{i}" for i in range(6000))  # more shingles than one numpy block
    for text in [*_texts(30, 1), WIRE, INDEPENDENT, "", "one two", "one two three four five", big, "Ünïcödé İstanbul straße ΟΔΟΣ"]:
        items = shingles(text)
        ref = MinHash(num_perm=128, seed=1, scheme="affine32")
        ref.update_batch(list(items))
        sig = signature(text)
        assert sig.size == len(items)
        assert sig.minhash.hashvalues.dtype == ref.hashvalues.dtype
        assert np.array_equal(sig.minhash.hashvalues, ref.hashvalues)
        assert np.array_equal(minhash_values(items), ref.hashvalues)
        assert sig.minhash.jaccard(ref) == 1.0


def test_shingles_equal_the_plain_definition() -> None:
    from storyline.clean.debris import words
    from storyline.dedup.shingles import shingles

    def plain(text: str, size: int) -> set[bytes]:
        ws = words(text)
        if len(ws) < size:
            return {" ".join(ws).encode()} if ws else set()
        return {" ".join(ws[i:i + size]).encode() for i in range(len(ws) - size + 1)}

    for text in [*_texts(10, 2), WIRE, "", "a", "Ünïcödé İstanbul straße ΟΔΟΣ and 日本語 text"]:
        for size in (1, 3, 5, 8):
            assert shingles(text, size) == plain(text, size)


def test_index_candidates_equal_datasketch_lsh() -> None:
    """Same bands as datasketch's MinHashLSH at the candidate threshold, so the same candidates."""
    from datasketch import MinHashLSH

    texts = _texts(120, 3)
    sigs = [signature(t) for t in texts]
    index = NearDuplicateIndex()
    lsh = MinHashLSH(threshold=index.candidate_threshold, num_perm=128)
    for i, sig in enumerate(sigs[:80]):
        index.add(f"a{i}", sig)
        lsh.insert(f"a{i}", sig.minhash)
    seen = 0
    for sig in sigs:
        assert index.candidates(sig) == set(lsh.query(sig.minhash))
        for m in index.matches(sig):
            assert m.jaccard == sig.minhash.jaccard(sigs[int(m.article_id[1:])].minhash)
        seen += len(index.candidates(sig))
    assert seen > 120  # the texts do overlap


def test_signature_from_bytes_is_a_full_minhash() -> None:
    from storyline.dedup import Signature

    sig = signature(WIRE)
    back = Signature.from_bytes(sig.to_bytes(), sig.size)
    other = signature(_edit(WIRE, 2))
    assert back.minhash.jaccard(other.minhash) == sig.minhash.jaccard(other.minhash)
    assert back.minhash.seed == 1 and back.minhash.scheme == "affine32" and len(back.minhash) == 128
    back.minhash.update(b"more")  # still usable as a datasketch MinHash


def test_add_many_and_merges_give_the_same_answers_as_adding_one_by_one() -> None:
    import numpy as np

    texts = _texts(1500, 4)
    sigs = [signature(t) for t in texts]
    one, bulk = NearDuplicateIndex(), NearDuplicateIndex()
    for i, sig in enumerate(sigs[:1200]):  # crosses several merges of the pending additions
        one.add(f"a{i}", sig)
    ids = [f"a{i}" for i in range(1200)]
    values = np.stack([s.minhash.hashvalues for s in sigs[:1200]])
    bulk.add_many(ids[:600], values[:600], [s.size for s in sigs[:600]])
    for i in range(600, 1200):
        bulk.add(ids[i], sigs[i])
    bulk.add_many(ids, values, [s.size for s in sigs[:1200]])  # already there: ignored
    assert len(one) == len(bulk) == 1200
    for sig in sigs[1100:]:
        assert one.candidates(sig) == bulk.candidates(sig)
        assert one.matches(sig) == bulk.matches(sig)
