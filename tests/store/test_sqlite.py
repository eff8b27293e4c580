from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.models import Article, Rejection, Removed
from storyline.store import Store
from storyline.store.migrations import MIGRATIONS

text_st = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)
opt_st = st.none() | text_st


@st.composite
def articles(draw) -> Article:
    removed = tuple(Removed(draw(text_st), draw(text_st), draw(st.integers(0, 10_000))) for _ in range(draw(st.integers(0, 3))))
    return Article(
        id=draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        input=draw(text_st), kind="text", title=draw(opt_st), text=draw(text_st), outlet=draw(opt_st), url=draw(opt_st),
        published=draw(opt_st), author=draw(opt_st), language=draw(opt_st), removed=removed, content_hash=draw(text_st),
        duplicate_of=draw(opt_st), syndication_group=draw(opt_st),
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles())
def test_article_round_trips_unchanged(tmp_path_factory, article: Article) -> None:
    with Store(tmp_path_factory.mktemp("db") / "s.db") as store:
        assert store.add_article(article)
        assert store.get_article(article.id) == article
        assert store.add_article(article) is False  # idempotent by id


def test_migrations_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    with Store(path) as s:
        assert s.migrations() == [(v, n) for v, n, _ in MIGRATIONS]
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as s:  # reopening applies nothing twice
        assert len(s.migrations()) == len(MIGRATIONS)


def test_rejections_recorded_once(store) -> None:
    store.add_rejection(Rejection("a.txt", "empty"))
    store.add_rejection(Rejection("a.txt", "empty"))
    assert store.rejections() == [Rejection("a.txt", "empty")]


def test_kill_9_during_ingest_leaves_consistent_db_that_next_run_completes(tmp_path: Path) -> None:
    """Kill an ingest mid-way, check integrity, then finish it and compare with a clean run."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(300):
        words = " ".join(f"w{(i * 7 + j) % 997}x{i}" for j in range(60))
        (corpus / f"a{i:03d}.txt").write_text(f"Headline number {i} here\n\nThe report said {words}.\n")
    db = tmp_path / "crash.db"
    cmd = [sys.executable, "-m", "storyline", "--db", str(db), "ingest", str(corpus)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until some, not all, articles are stored
        time.sleep(0.05)
        if db.exists():
            try:
                with Store(db) as s:
                    n = s.count_articles()
            except Exception:  # noqa: BLE001 - the writer may hold the lock for a moment
                continue
            if 5 < n < 300:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(db) as s:
        assert s.check_integrity() == "ok"
        partial = s.count_articles()
        # every stored article is whole: row and signature written together
        assert s.conn.execute("SELECT COUNT(*) FROM minhash").fetchone()[0] == partial
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    with Store(db) as s:
        assert s.count_articles() == 300
    assert partial < 300


def _article(i: int, outlet: str | None = "Harbor Post") -> Article:
    return Article(id=f"{i:016x}", input=f"in{i}", kind="text", title=f"t{i}", text=f"text {i}", outlet=outlet, content_hash=f"h{i}")


def test_batch_is_one_transaction_and_rolls_back_whole(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        with s.batch():
            for i in range(3):
                assert s.add_article(_article(i), b"\x00" * 512, 10, lines=["a line"])
            assert s.count_articles() == 3  # the batch sees its own writes
            assert not s.add_article(_article(0))
        try:
            with s.batch():
                s.add_article(_article(7), b"\x00" * 512, 10, lines=["a line"])
                s.add_rejection(Rejection("x", "y"))
                raise RuntimeError("stop")
        except RuntimeError:
            pass
        assert s.count_articles() == 3 and s.rejections() == []
        assert s.outlet_line_counts("Harbor Post") == (3, {"a line": 3})


def test_failed_article_inside_batch_rolls_back_only_itself(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        with s.batch():
            s.add_article(_article(1), b"\x00" * 512, 10)
            try:
                with s.transaction() as conn:
                    conn.execute("INSERT INTO rejections (input, reason) VALUES ('p', 'q')")
                    raise ValueError("boom")
            except ValueError:
                pass
            s.add_article(_article(2), b"\x00" * 512, 10)
        assert s.count_articles() == 2 and s.rejections() == []
        assert s.conn.execute("SELECT COUNT(*) FROM minhash").fetchone()[0] == 2


def test_outlet_line_counts_agree_with_outlet_boilerplate(tmp_path: Path) -> None:
    with Store(tmp_path / "o.db") as s:
        for i in range(10):
            lines = ["Follow the desk"] + (["Photo archive"] if i % 4 == 0 else []) + [f"own line {i}"]
            s.add_article(_article(i), b"\x00" * 512, 10, lines=lines)
        total, counts = s.outlet_line_counts("Harbor Post")
        need = max(3, int(0.3 * total))
        assert total == 10 and counts["Follow the desk"] == 10 and counts["Photo archive"] == 3
        assert {ln for ln, c in counts.items() if c >= need} == s.outlet_boilerplate("Harbor Post")
