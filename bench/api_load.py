"""Load benchmark of the HTTP API and web UI: 10,000 stored stories, 50 concurrent clients, loopback.

    .venv/bin/python bench/api_load.py                      # defaults: 10,000 stories, 50 clients, 10 s per scenario
    .venv/bin/python bench/api_load.py --stories 2000 --seconds 5 --check

What it does:
1. Generates synthetic stories (3 articles each, claims, a conflict, quotes, framing phrases,
   a briefing) straight into a temporary database: articles (with FTS rows via the triggers
   and MinHash signatures, so ingestion's duplicate check has a realistic index to load) and
   story documents. No models are needed.
2. Starts `storyline.api.server` in a separate process on 127.0.0.1 and a free port.
3. For each scenario, keeps the ingestion worker busy (POST /api/articles with the token,
   one synthetic article per job, two jobs queued at all times) while 50 client
   coroutines (a minimal asyncio HTTP/1.1 client, one keep-alive connection each) request random stories for a
   bounded time and number of requests. Latency is measured per request, client side.
4. Prints requests/s, p50/p90/p99/max latency, errors and the ingestion jobs finished
   meanwhile, then stops the server. With --check, exits 1 when story-JSON p99 >= 100 ms.

The load generator runs in its own process, so it does not share the server's GIL; on a
small machine it competes for CPU cores, which the printed CPU count helps to read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.api.data import story_summary_row  # noqa: E402
from storyline.dedup import signature  # noqa: E402
from storyline.store import Store  # noqa: E402

OUTLETS = ["Reuters", "AP", "AFP", "BBC", "TASS", "Xinhua", "Al Jazeera", "DW", "Le Monde", "NHK", "Kyiv Independent", "Guardian"]
SPEAKERS = ["Maria Zakharova", "Yuri Ushakov", "Wang Yiwei", "the mayor", "a spokesperson", "the minister"]
_SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "ni", "pa", "ro", "zen", "ba", "ter", "lin", "go", "mar", "es", "ul", "fi"]


def _vocabulary(n: int = 4000, seed: int = 11) -> tuple[list[str], list[float]]:
    """Pseudo-words with Zipf frequencies, so full-text queries match a realistic share of articles."""
    rng = random.Random(seed)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    cumulative, total = [], 0.0
    for rank in range(n):
        total += 1 / (rank + 1) ** 1.05
        cumulative.append(total)
    return words, cumulative


WORDS, CUM_WEIGHTS = _vocabulary()


def _sentence(rng: random.Random, n: int = 14) -> str:
    ws = rng.choices(WORDS, cum_weights=CUM_WEIGHTS, k=n)
    return ws[0].capitalize() + " " + " ".join(ws[1:]) + "."


def _text(rng: random.Random, paragraphs: int = 5) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(2)) for _ in range(paragraphs))


def _query(rng: random.Random) -> str:
    """Two words of middling frequency (ranks 30-1500): a typical search matches tens to hundreds of articles."""
    return "+".join(rng.choice(WORDS[30:1500]) for _ in range(2))


def generate(db: Path, n_stories: int, seed: int = 7) -> dict[str, Any]:
    """Fast path: rows written with executemany in a few transactions, not through ingest."""
    rng = random.Random(seed)
    t0 = time.perf_counter()
    store = Store(db)
    article_rows, sig_rows, story_rows, link_rows = [], [], [], []
    story_ids = []
    for i in range(n_stories):
        sid = f"s{i:06d}"
        story_ids.append(sid)
        outlets = rng.sample(OUTLETS, 3)
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        arts = []
        for j, outlet in enumerate(outlets):
            aid = f"{i:010x}{j:06x}"
            text = _text(rng)
            sig = signature(text)
            a = {"id": aid, "input": f"https://example.org/{sid}/{j}", "kind": "html", "title": f"{_sentence(rng, 8)[:-1]}",
                 "text": text, "outlet": outlet, "url": f"https://example.org/{sid}/{j}", "published": day, "author": None,
                 "language": "en", "removed": [{"text": "Related Posts", "reason": "navigation", "line": 3}],
                 "duplicate_of": None, "syndication_group": None}
            article_rows.append((aid, a["input"], "html", a["title"], text, outlet, a["url"], day, None, "en",
                                 json.dumps(a["removed"]), f"h{aid}", None, None))
            sig_rows.append((aid, sig.size, sig.to_bytes()))
            a["framing"] = {"score": round(rng.random(), 2), "subjectivity": round(rng.random(), 2), "headline": 0.1,
                            "phrases": [{"text": text[10:22], "start": 10, "end": 22, "category": "intensifier"}]}
            a["event_date"] = {"value": day, "precision": "day", "confidence": 0.7, "evidence": [], "conflicts": []}
            arts.append(a)
        ids = [a["id"] for a in arts]
        claims = []
        for k in range(6):
            members = ids[: 1 + k % 3]
            sents = []
            for a in arts[: len(members)]:
                start = a["text"].index(". ") + 2 if k % 2 else 0
                end = a["text"].find(".", start) + 1
                sents.append({"article_id": a["id"], "start": start, "end": end, "text": a["text"][start:end]})
            claims.append({"id": f"{sid}-c{k}", "text": _sentence(rng, 10), "article_ids": members,
                           "independent_sources": len(members),
                           "status": "contested" if k == 5 else ("corroborated" if len(members) > 1 else "single_source"),
                           "sentences": sents, "conflict_ids": []})
        story = {
            "id": sid, "title": f"{_sentence(rng, 9)[:-1]}", "article_ids": ids, "outlets": outlets, "independent_sources": 3,
            "first_seen": day, "last_seen": day, "related_story_ids": [f"s{max(0, i - 1):06d}"] if i else [],
            "event_date": {"value": day, "precision": "day", "confidence": 0.8, "evidence": ["Thursday"], "conflicts": [], "outliers": []},
            "claims": claims,
            "conflicts": [{"id": f"{sid}-k1", "about": "casualties", "kind": "contradiction", "explanation": "Different totals.",
                           "values": [{"value": 10, "text": "10", "article_id": ids[0], "quote": _sentence(rng)},
                                      {"value": 12, "text": "12", "article_id": ids[1], "quote": _sentence(rng)}], "claim_ids": []}],
            "quotes": [{"speaker": rng.choice(SPEAKERS), "text": _sentence(rng, 10), "article_id": rng.choice(ids)} for _ in range(4)],
            "entities": [], "quantities": [], "omissions": [{"article_id": ids[2], "claim_ids": [f"{sid}-c1"]}],
            "briefing": [{"text": c["text"], "article_ids": c["article_ids"], "kind": "corroborated", "claim_ids": [c["id"]]} for c in claims[:4]],
            "articles": arts,
        }
        row = story_summary_row(story)
        row["data"] = json.dumps(story, ensure_ascii=False, separators=(",", ":"))
        story_rows.append(row)
        link_rows += [(sid, a["id"], a["outlet"]) for a in arts]
    cols = ("id", "input", "kind", "title", "text", "outlet", "url", "published", "author", "language", "removed",
            "content_hash", "duplicate_of", "syndication_group")
    with store.transaction() as conn:
        conn.executemany(f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", article_rows)
        conn.executemany("INSERT INTO minhash (article_id, shingles, signature) VALUES (?, ?, ?)", sig_rows)
        keys = list(story_rows[0])
        conn.executemany(f"INSERT INTO story_documents ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
                         [tuple(r[k] for k in keys) for r in story_rows])
        conn.executemany("INSERT INTO story_document_articles (story_id, article_id, outlet) VALUES (?, ?, ?)", link_rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {"stories": n_stories, "articles": len(article_rows), "seconds": time.perf_counter() - t0,
            "db_mb": db.stat().st_size / 2**20, "story_ids": story_ids,
            "mean_story_kb": statistics.mean(len(r["data"]) for r in story_rows[:500]) / 1024}


SERVER = """
import sys
from storyline.api.server import build_server
server, sock, app = build_server(sys.argv[1], "127.0.0.1", 0, sys.argv[2], log_level="warning", access_log=False,
                                 refresh_stories=sys.argv[3] == "1")
print(sock.getsockname()[1], flush=True)
try:
    server.run(sockets=[sock])
finally:
    app.close()
"""


def start_server(db: Path, token_file: Path, refresh: bool, cpus: set[int] | None = None) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1"}
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None  # inherited by the ingestion process
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(token_file), "1" if refresh else "0"],
                            stdout=subprocess.PIPE, text=True, env=env, preexec_fn=pin)
    assert proc.stdout is not None
    port = int(proc.stdout.readline().strip())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("server did not start")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


async def _ingest_loop(base: str, token: str, stop: asyncio.Event, stats: dict[str, int]) -> None:
    """Keep the ingestion worker busy: two jobs in flight, each a fresh synthetic article."""
    rng = random.Random(99)
    headers = {"Authorization": f"Bearer {token}"}
    pending: list[str] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            while len(pending) < 2:
                body = {"title": _sentence(rng, 8), "text": _text(rng, 6), "outlet": rng.choice(OUTLETS), "published": "2025-06-01"}
                r = await client.post("/api/articles", json=body)
                if r.status_code == 202:
                    pending.append(r.json()["job"]["id"])
                    stats["submitted"] += 1
                else:
                    stats["refused"] += 1
                    break
            still = []
            for job_id in pending:
                state = (await client.get(f"/api/jobs/{job_id}")).json()["state"]
                if state in ("done", "failed"):
                    stats[state] += 1
                else:
                    still.append(job_id)
            pending = still
            await asyncio.sleep(0.05)


class RawHTTP:
    """A minimal HTTP/1.1 keep-alive client (stdlib asyncio): one connection, one request at a time.

    httpx measured the client, not the server: on 2 cores its per-request overhead capped the
    load at 53-173 req/s (shared or per-client AsyncClient) with multi-second tails, against
    ~700 req/s the server sustains. This client costs a few microseconds per request.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        """(status, body bytes)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(b":") for ln in lines[1:] if ln)}
        body = await self.reader.readexactly(int(headers.get(b"content-length", b"0")))
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, len(body)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


async def _ingest_running(base: str) -> bool:
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        return bool((await c.get("/api/health")).json()["ingestion"]["running"])


async def run_scenario(base: str, token: str, paths: list[str], clients: int, seconds: float, max_requests: int,
                       ingest: bool, client_kind: str = "raw") -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    sizes = 0
    counter = {"n": 0}
    stop = asyncio.Event()
    ing = {"submitted": 0, "done": 0, "failed": 0, "refused": 0}
    rng = random.Random(1)
    host, port = base.split("//")[1].split(":")

    conns: list[Any] = []
    if client_kind == "raw":
        conns = [RawHTTP(host, int(port)) for _ in range(clients)]
    else:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        conns = [httpx.AsyncClient(base_url=base, limits=limits, timeout=30) for _ in range(clients)]
    for c in conns:  # connect before the clock starts
        await (c.get("/api/health"))

    async def fetch(conn: Any, path: str) -> tuple[int, int]:
        if client_kind == "raw":
            return await conn.get(path)  # type: ignore[no-any-return]
        r = await conn.get(path)
        return r.status_code, len(r.content)

    ingest_task = asyncio.create_task(_ingest_loop(base, token, stop, ing)) if ingest else None
    if ingest:
        while ing["submitted"] < 1:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # the first job is running
    running = [await _ingest_running(base)] if ingest else []
    deadline = time.perf_counter() + seconds

    async def client_loop(conn: Any) -> None:
        nonlocal errors, sizes
        while time.perf_counter() < deadline and counter["n"] < max_requests:
            counter["n"] += 1
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                status, size = await fetch(conn, path)
                ok = status == 200
                sizes += size
            except (OSError, asyncio.IncompleteReadError, httpx.HTTPError):
                ok = False
                if client_kind == "raw":
                    await conn.close()
            latencies.append(time.perf_counter() - t0)
            if not ok:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client_loop(c) for c in conns))
    elapsed = time.perf_counter() - t0
    if ingest:
        running.append(await _ingest_running(base))
    stop.set()
    if ingest_task:
        await ingest_task
    for c in conns:
        await (c.close() if client_kind == "raw" else c.aclose())
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms), "seconds": elapsed, "rps": len(ms) / elapsed if elapsed else 0.0, "errors": errors,
        "p50": _percentile(ms, 50), "p90": _percentile(ms, 90), "p99": _percentile(ms, 99), "max": max(ms) if ms else float("nan"),
        "mean_kb": sizes / max(1, len(ms)) / 1024, "ingest": ing, "running": running,
    }


def warm_ingest(base: str, token: str, timeout: float = 300) -> float:
    t0 = time.perf_counter()
    rng = random.Random(3)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        job = c.post("/api/articles", json={"title": _sentence(rng, 8), "text": _text(rng, 6), "outlet": "AP"}).json()["job"]
        while time.perf_counter() - t0 < timeout:
            if c.get(f"/api/jobs/{job['id']}").json()["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stories", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of each scenario")
    ap.add_argument("--max-requests", type=int, default=50_000, help="upper bound of requests per scenario")
    ap.add_argument("--no-ingest", action="store_true", help="measure without ingestion running")
    ap.add_argument("--refresh-stories", action="store_true",
                    help="let the worker rebuild stories after each job (needs storyline.cluster/compare and their models)")
    ap.add_argument("--extra", action="store_true", help="also measure the story list, search and the feed page")
    ap.add_argument("--check", action="store_true", help="exit 1 if story-JSON p99 is not below 100 ms")
    ap.add_argument("--pin", action="store_true",
                    help="give the server (and its ingestion process) half the CPUs and the load generator the other half")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator: minimal asyncio HTTP/1.1 (default) or httpx.AsyncClient (heavier: measures itself)")
    args = ap.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}, "
          f"load average {os.getloadavg()[0]:.1f} (other processes compete for the same CPUs)")
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        gen = generate(db, args.stories)
        print(f"generated {gen['stories']:,} stories / {gen['articles']:,} articles in {gen['seconds']:.1f} s "
              f"(database {gen['db_mb']:.0f} MB, story JSON {gen['mean_story_kb']:.1f} kB on average)")
        token_file = Path(tmp) / "token"
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        server_cpus: set[int] | None = None
        if args.pin and len(cpus) >= 2:
            half = len(cpus) // 2
            server_cpus = set(cpus[:half])
            os.sched_setaffinity(0, set(cpus[half:]))
            print(f"pinned: server (and its ingestion process) on CPUs {sorted(server_cpus)}, load generator on CPUs {cpus[half:]}")
        proc, port = start_server(db, token_file, args.refresh_stories, server_cpus)
        base = f"http://127.0.0.1:{port}"
        token = token_file.read_text().strip()
        ids = gen["story_ids"]
        rng = random.Random(5)
        sample = [rng.choice(ids) for _ in range(5000)]
        scenarios = [("story JSON   GET /api/stories/{id}", [f"/api/stories/{s}" for s in sample]),
                     ("story page   GET /stories/{id}", [f"/stories/{s}" for s in sample])]
        if args.extra:
            scenarios += [("story list   GET /api/stories?limit=20&offset=..", [f"/api/stories?limit=20&offset={rng.randrange(0, 9000)}" for _ in range(500)]),
                          ("search       GET /api/search?q=..", [f"/api/search?q={_query(rng)}" for _ in range(500)]),
                          ("feed page    GET /?offset=..", [f"/?offset={rng.randrange(0, 9000)}" for _ in range(500)]),
                          ("search page  GET /search?q=..", [f"/search?q={_query(rng)}" for _ in range(500)])]
        results = {}
        try:
            if not args.no_ingest:  # start the ingestion process before measuring (spawn + imports take seconds)
                print(f"first ingestion job (starts the ingestion process): {warm_ingest(base, token):.1f} s")
            asyncio.run(run_scenario(base, token, scenarios[0][1][:200], 10, 1.5, 2000, False, args.client))  # warm-up
            print(f"\n{args.clients} concurrent clients ({args.client} HTTP/1.1 keep-alive, one connection each), "
                  f"{args.seconds:g} s per scenario, {'with' if not args.no_ingest else 'without'} ingestion running\n")
            print(f"{'scenario':<50} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7} {'kB':>6}  ingestion")
            for name, paths in scenarios:
                r = asyncio.run(run_scenario(base, token, paths, args.clients, args.seconds, args.max_requests,
                                             not args.no_ingest, args.client))
                results[name] = r
                ing = r["ingest"]
                ing_txt = "-"
                if not args.no_ingest:
                    busy = "/".join("yes" if x else "no" for x in r["running"])
                    ing_txt = f"{ing['done']} done, {ing['failed']} failed; a job running at start/end: {busy}"
                print(f"{name:<50} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p90']:>8.1f} {r['p99']:>8.1f} {r['max']:>8.1f} "
                      f"{r['errors']:>7} {r['mean_kb']:>6.1f}  {ing_txt}")
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        p99 = results[scenarios[0][0]]["p99"]
        met = p99 < 100
        print(f"\ntarget: story JSON p99 < 100 ms -> {'met' if met else 'NOT met'} ({p99:.1f} ms)")
        return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
