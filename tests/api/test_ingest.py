"""POST /api/articles: body shapes, validation, background jobs, reads during ingestion, SSRF guard."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from storyline.api import jobs
from storyline.models import IngestResult
from storyline.store import Store

BODY = ("The harbour authority in Kelby said on Tuesday that the ferry service to the islands will resume next week "
        "after repairs to the damaged hull were completed ahead of schedule. Officials said inspections found no further "
        "damage and that passengers holding tickets for cancelled crossings can rebook without charge.")


@pytest.fixture
def tapp(db: Path, tmp_path: Path, stories: Any) -> Any:
    """Jobs run in the worker thread (not the child process), so tests can substitute the job function."""
    from storyline.api.app import create_app

    application = create_app(db, tmp_path / "secret" / "token", refresh_stories=False, ingest_isolation="thread")
    yield application
    application.close()


@pytest.fixture
def tclient(tapp: Any) -> Any:
    with TestClient(tapp, base_url="http://127.0.0.1:8000") as c:
        yield c


def _wait(client: TestClient, auth: dict[str, str], job_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=auth).json()
        if job["state"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_json_article_is_ingested_in_the_background(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/api/articles", headers=auth, json={
        "title": "Kelby ferry to resume", "text": BODY, "url": "https://kelby.example/ferry", "outlet": "Kelby Courier",
        "published": "2025-03-04"})
    assert r.status_code == 202
    job = r.json()["job"]
    assert job["state"] in ("queued", "running", "done") and job["kind"] == "article"
    job = _wait(client, auth, job["id"])
    assert job["state"] == "done" and len(job["result"]["added"]) == 1 and job["finished_at"]
    aid = job["result"]["added"][0]
    art = client.get(f"/api/articles/{aid}").json()
    assert art["outlet"] == "Kelby Courier" and art["url"] == "https://kelby.example/ferry" and art["published"] == "2025-03-04"
    assert art["input"] == "https://kelby.example/ferry"
    assert client.get("/api/search", params={"q": "ferry hull"}).json()["articles"][0]["id"] == aid
    again = _wait(client, auth, client.post("/api/articles", headers=auth, json={
        "title": "Kelby ferry to resume", "text": BODY, "url": "https://kelby.example/ferry"}).json()["job"]["id"])
    assert again["result"]["added"] == [] and again["result"]["skipped"] == [aid]  # idempotent


def test_inline_article_without_url_gets_a_stable_input(client: TestClient, auth: dict[str, str]) -> None:
    job = _wait(client, auth, client.post("/api/articles", headers=auth, json={"title": "T", "text": BODY}).json()["job"]["id"])
    art = client.get(f"/api/articles/{job['result']['added'][0]}").json()
    assert art["input"].startswith("api:")


def test_html_article(client: TestClient, auth: dict[str, str]) -> None:
    html = f"<html><head><title>Ferry news</title></head><body><nav>Home | News</nav><article><h1>Ferry back</h1><p>{BODY}</p></article></body></html>"
    job = _wait(client, auth, client.post("/api/articles", headers=auth, json={"html": html, "url": "https://kelby.example/h"}).json()["job"]["id"])
    assert job["state"] == "done" and len(job["result"]["added"]) == 1, job
    art = client.get(f"/api/articles/{job['result']['added'][0]}").json()
    assert "harbour authority" in art["text"] and "<p>" not in art["text"]


def test_too_short_article_is_rejected_with_the_reason(client: TestClient, auth: dict[str, str]) -> None:
    job = _wait(client, auth, client.post("/api/articles", headers=auth, json={"title": "T", "text": "Too short."}).json()["job"]["id"])
    assert job["state"] == "done" and job["result"]["added"] == []
    assert "words" in job["result"]["rejected"][0]["reason"]


def test_url_on_loopback_is_refused_by_the_ssrf_guard(client: TestClient, auth: dict[str, str]) -> None:
    for body in ({"url": "http://127.0.0.1:9/admin"}, {"feed_url": "http://169.254.169.254/latest/meta-data/"},
                 {"url": "http://localhost:1/"}):
        job = _wait(client, auth, client.post("/api/articles", headers=auth, json=body).json()["job"]["id"])
        assert job["result"]["added"] == []
        reason = job["result"]["rejected"][0]["reason"].lower()
        assert "non-public address" in reason or "private" in reason, reason


def test_allow_private_is_passed_to_the_fetcher(db: Path, tmp_path: Path, stories: Any) -> None:
    from storyline.api.app import create_app

    app = create_app(db, tmp_path / "t", allow_private=True, refresh_stories=False)
    try:
        assert app.state.worker.settings.allow_private is True
    finally:
        app.close()


@pytest.mark.parametrize("body,code", [
    ({}, "empty_body"),
    ({"url": "file:///etc/passwd"}, "bad_url"),
    ({"url": "/etc/passwd"}, "bad_url"),
    ({"feed_url": "ftp://example.org/feed"}, "bad_url"),
    ({"url": "javascript:alert(1)"}, "bad_url"),
    ({"text": BODY, "html": "<p>x</p>"}, "ambiguous_body"),
    ({"feed_url": "https://example.org/rss", "text": BODY}, "ambiguous_body"),
    ({"text": "   "}, "empty_text"),
    ({"text": BODY, "published": "last Tuesday"}, "bad_date"),
    ({"text": BODY, "unknown": 1}, "invalid_request"),
    ({"text": 5}, "invalid_request"),
])
def test_invalid_bodies_are_422_with_a_fix(client: TestClient, auth: dict[str, str], body: dict[str, Any], code: str) -> None:
    r = client.post("/api/articles", headers=auth, json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["fix"]


def test_malformed_json_is_422(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/api/articles", headers={**auth, "content-type": "application/json"}, content=b"{not json")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_unknown_job_is_404(client: TestClient, auth: dict[str, str]) -> None:
    r = client.get("/api/jobs/doesnotexist", headers=auth)
    assert r.status_code == 404 and r.json()["error"]["code"] == "job_not_found"


def test_reads_continue_while_ingestion_holds_the_write_lock(tclient: TestClient, auth: dict[str, str], db: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow ingestion that holds SQLite's write lock must not slow down reads (WAL + own connections)."""
    started, release = threading.Event(), threading.Event()

    def slow(request: Any, store: Store, settings: Any) -> IngestResult:
        with store.transaction() as conn:  # BEGIN IMMEDIATE: the write lock, held until release
            conn.execute("UPDATE articles SET title = title || '' WHERE rowid = 1")
            started.set()
            assert release.wait(30)
        return IngestResult(added=[])

    monkeypatch.setattr(jobs, "run_request", slow)
    job = tclient.post("/api/articles", headers=auth, json={"title": "T", "text": BODY}).json()["job"]
    assert started.wait(10)
    try:
        t0 = time.monotonic()
        for _ in range(20):
            assert tclient.get("/api/stories").status_code == 200
            assert tclient.get("/api/stories/st-xi2025").status_code == 200
            assert tclient.get("/stories/st-xi2025").status_code == 200
            assert tclient.get("/api/search", params={"q": "Moscow"}).status_code == 200
        elapsed = time.monotonic() - t0
        assert elapsed < 5, f"80 reads took {elapsed:.1f}s while ingestion held the write lock"
        assert tclient.get(f"/api/jobs/{job['id']}", headers=auth).json()["state"] == "running"
        assert tclient.get("/api/health").json()["ingestion"]["running"] == 1
    finally:
        release.set()
    assert _wait(tclient, auth, job["id"])["state"] == "done"


def test_jobs_run_one_at_a_time_in_order(tclient: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    active = []

    def record(request: Any, store: Store, settings: Any) -> IngestResult:
        active.append(1)
        assert len(active) == 1
        seen.append(request.title)
        time.sleep(0.01)
        active.pop()
        return IngestResult()

    monkeypatch.setattr(jobs, "run_request", record)
    ids = [tclient.post("/api/articles", headers=auth, json={"title": f"t{i}", "text": BODY}).json()["job"]["id"] for i in range(5)]
    for i in ids:
        _wait(tclient, auth, i)
    assert seen == [f"t{i}" for i in range(5)]


def test_failed_job_reports_an_actionable_error(tclient: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(request: Any, store: Store, settings: Any) -> IngestResult:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "run_request", boom)
    job = _wait(tclient, auth, tclient.post("/api/articles", headers=auth, json={"title": "T", "text": BODY}).json()["job"]["id"])
    assert job["state"] == "failed" and job["error"]["code"] == "internal" and "disk on fire" in job["error"]["message"]
    monkeypatch.undo()
    ok = _wait(tclient, auth, tclient.post("/api/articles", headers=auth, json={"title": "T2", "text": BODY + " More."}).json()["job"]["id"])
    assert ok["state"] == "done"  # the worker survived


def test_stories_are_refreshed_after_ingestion(db: Path, tmp_path: Path, stories: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.api import data
    from storyline.api.app import create_app

    calls: list[list[str]] = []
    monkeypatch.setattr(data, "refresh_stories", lambda store, ids: calls.append(ids) or {"updated": ["st-new"]})
    app = create_app(db, tmp_path / "t", refresh_stories=True, ingest_isolation="thread")
    try:
        auth = {"Authorization": "Bearer " + (tmp_path / "t").read_text().strip()}
        with TestClient(app, base_url="http://127.0.0.1:8000") as c:
            job = _wait(c, auth, c.post("/api/articles", headers=auth, json={"title": "T", "text": BODY}).json()["job"]["id"])
        assert job["stories"] == {"updated": ["st-new"]} and calls == [job["result"]["added"]]
    finally:
        app.close()


def test_queue_full_is_503(tclient: TestClient, auth: dict[str, str], tapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(jobs, "run_request", lambda r, s, st: (release.wait(30), IngestResult())[1])
    worker = tapp.state.worker
    monkeypatch.setattr(worker._queue, "maxsize", 1)
    try:
        codes = [tclient.post("/api/articles", headers=auth, json={"title": f"{i}", "text": BODY}).status_code for i in range(4)]
        assert 503 in codes
        r = tclient.post("/api/articles", headers=auth, json={"title": "x", "text": BODY})
        assert r.status_code == 503 and r.headers["retry-after"] and r.json()["error"]["code"] == "queue_full"
    finally:
        release.set()


def test_jobs_run_in_a_separate_low_priority_process(client: TestClient, auth: dict[str, str], app: Any) -> None:
    """Ingestion is CPU-heavy Python: it runs in a niced child process, not in the server's threads."""
    import os
    import signal

    from storyline.api.jobs import CHILD_NICENESS

    first = _wait(client, auth, client.post("/api/articles", headers=auth, json={"title": "T", "text": BODY}).json()["job"]["id"])
    assert first["state"] == "done"
    pids = app.state.worker.child_pids()
    assert len(pids) == 1 and pids[0] != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pids[0]) >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICENESS)
    os.kill(pids[0], signal.SIGKILL)  # the process dies between jobs ...
    time.sleep(0.5)
    again = _wait(client, auth, client.post("/api/articles", headers=auth, json={"title": "T2", "text": BODY + " Again."}).json()["job"]["id"])
    assert again["state"] == "done" and len(again["result"]["added"]) == 1  # ... and the next job still runs
    assert app.state.worker.child_pids() and app.state.worker.child_pids() != pids
    app.close()
    time.sleep(0.5)
    for pid in app.state.worker.child_pids() or pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        with open(f"/proc/{pid}/stat") as fh:
            assert fh.read().split()[2] == "Z", "the ingestion process outlived the app"
