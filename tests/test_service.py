"""`service.ingest`: the fast path stores exactly what the plain per-article path stores.

The reference below is the ingest loop before the speed work: every document prepared,
then finished with its outlet's boilerplate (learned from the chunk and read from the
store), deduplicated and stored one at a time, one transaction each.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import service
from storyline.clean.normalize import _TRANSLATE, normalize_text
from storyline.clean.pipeline import _normalize
from storyline.config import Settings
from storyline.ingest import SourceOptions, iter_sources
from storyline.models import IngestResult, RawDocument, Rejection
from storyline.store import Store
from tests.conftest import EXAMPLES

OFFLINE = SourceOptions(fetch=False)
_VOCAB = (
    "council harbour budget minister school road river police court election vote tax water energy price market "
    "farmers teachers doctors report plan law bridge station airport company workers union strike hospital city "
    "region village museum festival storm flood fire rescue border trade museum park forest coast island"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_VOCAB) for _ in range(rng.randint(9, 18))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 3)))


def _corpus(folder: Path, n: int = 150, seed: int = 3) -> Path:
    """Text articles of three outlets with template lines that only boilerplate learning removes,
    exact and near copies, and inputs that are rejected."""
    rng = random.Random(seed)
    folder.mkdir()
    outlets = {"harbor": "Harbor Post", "valley": "Valley News", "coast": "Coast Daily"}
    mapping: dict[str, str] = {}
    bodies: list[list[str]] = []
    for i in range(n):
        key = rng.choice(sorted(outlets))
        if bodies and rng.random() < 0.2:  # a copy of an earlier body, maybe edited
            paras = list(rng.choice(bodies))
            if rng.random() < 0.5:
                paras = paras[:-1] if len(paras) > 3 else paras
                paras[0] = paras[0].replace(paras[0].split()[2], "edited", 1)
        else:
            paras = [_paragraph(rng) for _ in range(rng.randint(3, 6))]
            bodies.append(paras)
        lines = [f"Headline {i} about the {rng.choice(_VOCAB)} {rng.choice(_VOCAB)}", ""]
        for j, p in enumerate(paras):
            lines += [p, ""]
            if j == 1 and rng.random() < 0.8:  # mid-article template line of this outlet
                lines += [f"{outlets[key]} regional desk", ""]
            if j == 2 and key == "valley" and rng.random() < 0.7:
                lines += ["Pictures from the valley archive", ""]
        if rng.random() < 0.7:
            lines += [f"Stories from {outlets[key]} every day", ""]
        name = f"a{i:03d}.txt"
        (folder / name).write_text("\n".join(lines), encoding="utf-8")
        mapping[name] = outlets[key]
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "short.txt").write_text("Too short\n\nJust a few words here.", encoding="utf-8")
    mapping["short.txt"] = "Harbor Post"
    (folder / "outlets.json").write_text(json.dumps(mapping), encoding="utf-8")
    return folder


def _reference_ingest(inputs: list[str], store: Store) -> IngestResult:
    settings_ = Settings()
    result = IngestResult()
    index = service.load_duplicate_index(store)
    for chunk in service._chunks(iter_sources(inputs, settings_, OFFLINE), service.CHUNK):
        raws = [item for item in chunk if isinstance(item, RawDocument)]
        for item in chunk:
            if isinstance(item, Rejection):
                service._reject(store, result, item)
        prepared = [service._prepare_safely(r) for r in raws]
        ok = [p for p in prepared if not isinstance(p, Rejection)]
        for p in prepared:
            if isinstance(p, Rejection):
                service._reject(store, result, p)
        learned = service._chunk_boilerplate(ok)  # type: ignore[arg-type]
        for prep in ok:
            service._store_one(prep, store, index, result, learned)  # type: ignore[arg-type]
    return result


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {
            "articles": conn.execute(
                "SELECT seq, id, input, kind, title, text, outlet, url, published, author, language, removed, content_hash,"
                " duplicate_of, syndication_group FROM articles ORDER BY seq"
            ).fetchall(),
            "minhash": conn.execute("SELECT article_id, shingles, signature FROM minhash ORDER BY article_id").fetchall(),
            "outlet_lines": conn.execute("SELECT outlet, line, count FROM outlet_lines ORDER BY outlet, line").fetchall(),
            "rejections": conn.execute("SELECT id, input, reason FROM rejections ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


def _result_tuple(r: IngestResult) -> tuple[list[str], list[str], list[Rejection]]:
    return r.added, r.skipped, r.rejected


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_stores_what_the_reference_path_stores(tmp_path: Path, workers: int) -> None:
    corpus = _corpus(tmp_path / "corpus")
    with Store(tmp_path / "ref.db") as ref:
        expected = _reference_ingest([str(corpus), str(EXAMPLES / "seeds")], ref)
    with Store(tmp_path / "new.db") as new:
        got = service.ingest([str(corpus), str(EXAMPLES / "seeds")], new, Settings(workers=workers), OFFLINE)
    assert _result_tuple(got) == _result_tuple(expected)
    want, have = _dump(tmp_path / "ref.db"), _dump(tmp_path / "new.db")
    for table in want:
        assert have[table] == want[table], table
    # The corpus does exercise outlet boilerplate (learned and stored), copies and rejections.
    removed = [json.loads(a[11]) for a in want["articles"]]
    assert sum(any(r["reason"] == "line repeated across this outlet's articles" for r in rs) for rs in removed) > 20
    assert sum(a[14] is not None for a in want["articles"]) > 10
    assert len(want["rejections"]) == 2


def test_second_run_adds_nothing_and_examples_match_reference(tmp_path: Path) -> None:
    with Store(tmp_path / "ref.db") as ref:
        _reference_ingest([str(EXAMPLES)], ref)
    with Store(tmp_path / "new.db") as new:
        first = service.ingest([str(EXAMPLES)], new, Settings(), OFFLINE)
        second = service.ingest([str(EXAMPLES)], new, Settings(workers=2), OFFLINE)
    assert first.added and second.added == [] and sorted(second.skipped) == sorted(first.added)
    assert _dump(tmp_path / "new.db") == _dump(tmp_path / "ref.db")


def test_ingest_documents_matches_ingest(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", n=40)
    with Store(tmp_path / "a.db") as a:
        service.ingest([str(corpus)], a, Settings(), OFFLINE)
    with Store(tmp_path / "b.db") as b:
        service.ingest_documents(list(iter_sources([str(corpus)], Settings(), OFFLINE)), b, Settings())
    assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db")


def test_failure_mid_chunk_leaves_only_whole_articles_and_a_rerun_completes(tmp_path: Path, monkeypatch) -> None:
    corpus = _corpus(tmp_path / "corpus")
    db = tmp_path / "s.db"
    calls = {"n": 0}
    real = Store.add_article

    def failing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == service.CHUNK + 10:
            raise RuntimeError("disk on fire")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "add_article", failing)
    with Store(db) as store, pytest.raises(RuntimeError):
        service.ingest([str(corpus)], store, Settings(), OFFLINE)
    monkeypatch.setattr(Store, "add_article", real)
    with Store(db) as store:
        n = store.count_articles()
        assert 0 < n < 150  # the first chunk is stored, the failed one is not
        assert store.conn.execute("SELECT COUNT(*) FROM minhash").fetchone()[0] == n
        assert store.conn.execute("SELECT COUNT(*) FROM articles a LEFT JOIN minhash m ON m.article_id = a.id WHERE m.article_id IS NULL").fetchone()[0] == 0
        service.ingest([str(corpus)], store, Settings(), OFFLINE)
    with Store(tmp_path / "clean.db") as clean:
        service.ingest([str(corpus)], clean, Settings(), OFFLINE)
    done, fresh = _dump(db), _dump(tmp_path / "clean.db")
    assert {a[1:] for a in done["articles"]} == {a[1:] for a in fresh["articles"]}
    assert done["minhash"] == fresh["minhash"] and done["outlet_lines"] == fresh["outlet_lines"]


def test_queries_per_article_do_not_grow_with_the_store(tmp_path: Path) -> None:
    """No per-article statement reads all of an outlet's rows (the boilerplate lookup is kept in memory)."""
    big, small = _corpus(tmp_path / "big", n=150, seed=5), _corpus(tmp_path / "small", n=30, seed=6)
    with Store(tmp_path / "s.db") as store:
        service.ingest([str(big)], store, Settings(), OFFLINE)
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        result = service.ingest([str(small)], store, Settings(), OFFLINE)
        store.conn.set_trace_callback(None)
    counts = [s for s in statements if "COUNT(*)" in s.upper()]
    assert len(result.added) >= 20
    assert len(counts) <= 3  # once per outlet, not once per article
    assert not any("FROM outlet_lines WHERE outlet" in s and "count >=" in s for s in statements)


_NORMALIZE_CHARS = st.sampled_from(
    [chr(c) for c in range(0x00, 0x30)] + [chr(c) for c in range(0x7F, 0xA2)] + [chr(k) for k in _TRANSLATE]
    + list("ab é\u0301\u3000\u2028\u2029\u00a0\r\n\t")
)


@settings(max_examples=400)
@given(st.text(_NORMALIZE_CHARS, max_size=80) | st.text(max_size=80))
def test_fast_normalize_equals_normalize_text(text: str) -> None:
    assert _normalize(text) == normalize_text(text)


def test_fast_normalize_equals_normalize_text_on_examples() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(EXAMPLES.rglob("*")) if p.is_file() and p.suffix in {".txt", ".md", ".html", ".xml", ".rss"}]
    assert texts
    for text in texts:
        assert _normalize(text) == normalize_text(text)


_FOREIGN = [
    "Der Stadtrat hat am Dienstag nach langer Debatte den neuen Haushalt beschlossen. Die Mehrheit der Abgeordneten "
    "stimmte für den Plan, der höhere Ausgaben für Schulen und Straßen vorsieht. Der Bürgermeister sagte, die Stadt "
    "werde die Mittel ab Januar verteilen. Kritiker bemängelten, dass die Schulden weiter steigen würden und dass für "
    "den öffentlichen Nahverkehr zu wenig Geld eingeplant sei. Die Opposition kündigte an, den Haushalt vor Gericht "
    "prüfen zu lassen, falls die Landesregierung ihn nicht beanstande.",
    "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur le financement des écoles et "
    "l'entretien des routes. Le maire a déclaré que les fonds seraient versés dès le mois de janvier. L'opposition "
    "a dénoncé une hausse de la dette et un manque d'investissements dans les transports publics, tandis que les "
    "syndicats ont salué la création de nouveaux postes dans les services municipaux de la ville.",
    "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre la financiación de las escuelas "
    "y el arreglo de las carreteras. El alcalde dijo que los fondos se repartirán a partir de enero. La oposición "
    "criticó el aumento de la deuda y la falta de inversión en el transporte público, mientras que los sindicatos "
    "celebraron la creación de nuevos puestos de trabajo en los servicios municipales.",
]


def test_language_on_a_quick_sample_equals_the_full_sample_answer() -> None:
    from storyline.clean.language import _identifier, detect_language

    def full_sample(text: str) -> str | None:
        sample = text[:5000]
        if len(sample.strip()) < 20:
            return None
        lang, prob = _identifier().classify(sample)
        return lang if prob >= 0.5 else None

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(EXAMPLES.rglob("*.txt"))]
    texts += _FOREIGN + [" ".join(_FOREIGN), _FOREIGN[0] + " " + texts[0] * 3, "short text"]
    for text in texts:
        assert detect_language(text) == full_sample(text)
    assert [detect_language(t) for t in _FOREIGN] == ["de", "fr", "es"]
