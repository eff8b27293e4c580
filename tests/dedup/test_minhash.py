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
