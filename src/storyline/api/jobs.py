"""Background ingestion: one worker thread, one job at a time, its own Store connection.

Requests are queued and answered at once with a job id. The worker thread runs the jobs
in order (SQLite has one writer) and then rebuilds the story documents the new articles
touch. Readers use their own connections and WAL lets them read while the worker writes,
so pages and API reads never wait for ingestion.

By default (`isolation="process"`) the worker thread hands each job to one long-lived
child process that holds the writing Store connection. Ingestion is CPU-heavy Python
(extraction, duplicate index, language analysis); run in a thread of the server it
would hold the GIL for seconds and stall every request. `isolation="thread"` runs jobs
in the worker thread itself (tests use it to substitute the job function).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from storyline.config import Settings
from storyline.errors import StorylineError
from storyline.models import IngestResult, RawDocument
from storyline.store import Store

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class IngestRequest:
    """What to ingest: an article given inline (text or HTML), a page URL or a feed URL."""

    kind: str  # article | html | url | feed
    title: str | None = None
    text: str | None = None
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None

    def describe(self) -> str:
        if self.kind in ("url", "feed"):
            return str(self.url)
        return self.url or f"inline {self.kind}: {(self.title or '')[:80]}"

    def input_id(self) -> str:
        """The article's `input`: its URL, else a stable id of the posted content."""
        if self.url:
            return self.url
        digest = hashlib.sha256(f"{self.title or ''}\n{self.text or self.html or ''}".encode()).hexdigest()[:16]
        return f"api:{digest}"

    def raw_document(self) -> RawDocument:
        common = {"input": self.input_id(), "title": self.title, "url": self.url, "outlet": self.outlet,
                  "published": self.published, "author": self.author}
        if self.kind == "html":
            return RawDocument(kind="html", html=self.html or "", **common)
        return RawDocument(kind="text", text=self.text or "", **common)


@dataclass
class Job:
    id: str
    kind: str
    input: str
    state: str = "queued"  # queued | running | done | failed
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    stories: dict[str, Any] | None = None
    error: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "input": self.input, "state": self.state,
            "created_at": self.created_at, "started_at": self.started_at, "finished_at": self.finished_at,
            "result": self.result, "stories": self.stories, "error": self.error,
        }


class QueueFull(Exception):
    pass


def ingest_documents(docs: Iterable[RawDocument], store: Store, settings: Settings) -> IngestResult:
    """Ingest already-read documents (no paths, no fetching) exactly as `service.ingest` does."""
    from storyline.service import ingest_documents as ingest_docs

    return ingest_docs(list(docs), store, settings)


def run_request(request: IngestRequest, store: Store, settings: Settings) -> IngestResult:
    if request.kind in ("url", "feed"):
        from storyline.ingest import SourceOptions
        from storyline.service import ingest

        assert request.url and request.url.startswith(("http://", "https://"))  # validated by the API
        return ingest([request.url], store, settings, SourceOptions(outlet=request.outlet, fetch=True))
    return ingest_documents([request.raw_document()], store, settings)


def _error(code: str, message: str, fix: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fix": fix}}


def execute_job(request: IngestRequest, store: Store, settings: Settings, refresh: bool) -> dict[str, Any]:
    """Run one job; a dict with `result` (and `stories`) or `error`. Never raises."""
    try:
        result = run_request(request, store, settings)
    except StorylineError as exc:
        return _error(exc.code, exc.message, exc.fix or "")
    except Exception as exc:  # a job must never take the worker down
        log.exception("ingestion failed")
        return _error("internal", f"ingestion failed: {type(exc).__name__}: {exc}",
                      "Check the server log; if it repeats with this input, report it with the input attached.")
    out: dict[str, Any] = {"result": {
        "added": result.added,
        "skipped": result.skipped,
        "rejected": [{"input": r.input, "reason": r.reason} for r in result.rejected],
    }}
    if refresh and result.added:
        from storyline.api import data

        try:
            out["stories"] = data.refresh_stories(store, result.added)
        except Exception as exc:  # the articles are stored; story building failing must not hide that
            log.exception("story refresh after ingestion failed")
            out["stories"] = {"updated": [], "error": f"{type(exc).__name__}: {exc}"}
    return out


# -- the child process of isolation="process" ---------------------------------------------
_CHILD_STORE: Store | None = None
CHILD_NICENESS = 10


def _child_init(db_path: str, log_level: int) -> None:
    import signal

    global _CHILD_STORE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server; the server stops us
    if hasattr(os, "nice"):
        try:
            os.nice(CHILD_NICENESS)  # background work: when CPU is short, serving reads comes first
        except OSError:
            pass
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    _CHILD_STORE = Store(db_path)


def _child_job(request: IngestRequest, settings: Settings, refresh: bool) -> dict[str, Any]:
    assert _CHILD_STORE is not None
    return execute_job(request, _CHILD_STORE, settings, refresh)


class IngestWorker:
    """A queue of ingestion jobs run one at a time by a single background thread."""

    def __init__(self, db_path: str, settings: Settings, max_queued: int = 100, keep: int = 1000,
                 refresh_stories: bool = True, isolation: str = "process") -> None:
        if isolation not in ("process", "thread"):
            raise ValueError("isolation must be 'process' or 'thread'")
        self.db_path = db_path
        self.settings = settings
        self.refresh = refresh_stories
        self.isolation = isolation
        self.keep = keep
        self._queue: queue.Queue[tuple[Job, IngestRequest] | None] = queue.Queue(maxsize=max_queued)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._stopping = False

    # -- public ---------------------------------------------------------------------
    def submit(self, request: IngestRequest) -> Job:
        if self._stopping:
            raise QueueFull("the server is shutting down")
        job = Job(id=secrets.token_hex(8), kind=request.kind, input=request.describe())
        with self._lock:
            self._ensure_thread()
            try:
                self._queue.put_nowait((job, request))
            except queue.Full as exc:
                raise QueueFull(f"{self._queue.maxsize} jobs are already waiting") from exc
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].state in ("queued", "running"):
                    break
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def status(self) -> dict[str, int]:
        with self._lock:
            states = [j.state for j in self._jobs.values()]
        return {"queued": states.count("queued"), "running": states.count("running"),
                "done": states.count("done"), "failed": states.count("failed")}

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every submitted job has finished (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.status()
            if not s["queued"] and not s["running"]:
                return True
            time.sleep(0.02)
        return False

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the running job, drop the queued ones, stop the thread and the child process."""
        self._stopping = True
        with self._lock:
            thread = self._thread
        if thread is None:
            return
        while True:  # queued jobs are dropped: they were never started
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].state, item[0].finished_at = "failed", _now()
                item[0].error = {"code": "shutdown", "message": "the server stopped before this job ran",
                                 "fix": "Submit it again after the server restarts."}
        self._queue.put(None)
        thread.join(timeout)

    # -- worker -------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="storyline-ingest", daemon=True)
            self._thread.start()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_child_init,
                                   initargs=(self.db_path, logging.getLogger().getEffectiveLevel()))

    def _run(self) -> None:
        store = Store(self.db_path) if self.isolation == "thread" else None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                job, request = item
                job.started_at = _now()
                job.state = "running"
                out = execute_job(request, store, self.settings, self.refresh) if store is not None else self._in_child(request)
                job.result = out.get("result")
                job.stories = out.get("stories")
                job.error = out.get("error")
                job.finished_at = _now()
                job.state = "failed" if job.error else "done"  # last: a reader that sees done sees the result
        finally:
            if store is not None:
                store.close()
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    def _in_child(self, request: IngestRequest) -> dict[str, Any]:
        """Run the job in the child process; if that process has died (killed, out of memory), start
        a new one and try once more: ingestion is idempotent, so a repeated job adds nothing twice."""
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = self._new_pool()
            try:
                return self._pool.submit(_child_job, request, self.settings, self.refresh).result()  # type: ignore[no-any-return]
            except BrokenProcessPool:
                log.error("the ingestion process died (attempt %d); starting a new one", attempt)
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        return _error("ingest_process_died", "the ingestion process stopped twice while running this job (out of memory or killed?).",
                      "Check the server log; ingest this input with `storyline ingest` to see what happens.")

    def child_pids(self) -> list[int]:
        """Process ids of the ingestion process (empty before the first job or with isolation='thread')."""
        pool = self._pool
        return list(getattr(pool, "_processes", None) or {}) if pool is not None else []
