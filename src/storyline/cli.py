"""Command-line interface: thin commands over `storyline.service` and the store.

Exit codes: 0 success; 1 error (bad database, bad option value); 2 usage error;
3 some inputs were rejected (the rest were stored); 4 every input was rejected;
5 the requested id does not exist.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import __version__
from storyline.config import Settings, from_env
from storyline.errors import StorylineError
from storyline.ingest import SourceOptions
from storyline.models import IngestResult
from storyline.report import build_report, write_reports
from storyline.service import ingest as ingest_inputs
from storyline.store import Store

EXIT_PARTIAL = 3
EXIT_ALL_REJECTED = 4
EXIT_NOT_FOUND = 5

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Storyline: multi-source news intelligence. Read articles from files, feeds, crawls and URLs; "
    "clean them, find duplicates and write reports.",
)
out = Console()
err = Console(stderr=True)


@dataclass
class State:
    db: str = "storyline.db"
    as_json: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        out.print(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[str, typer.Option("--db", help="SQLite database file.", envvar="STORYLINE_DB")] = "storyline.db",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on standard output.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    state.db = db
    state.as_json = as_json
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")


def _open_store() -> Store:
    return Store(state.db)


def _settings(allow_private: bool, workers: int) -> Settings:
    return replace(from_env(Settings(db=state.db)), allow_private=allow_private, workers=max(1, workers))


def _source_options(outlet: str | None, outlet_map: Path | None, offline: bool) -> SourceOptions:
    mapping: dict[str, str] = {}
    if outlet_map is not None:
        try:
            data = json.loads(outlet_map.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StorylineError(f"--outlet-map {outlet_map}: cannot read it as JSON ({exc}).", fix='Write {"file.txt": "Outlet"}.') from exc
        if not isinstance(data, dict):
            raise StorylineError(f"--outlet-map {outlet_map}: must be a JSON object.", fix='Write {"file.txt": "Outlet"}.')
        mapping = {str(k): str(v) for k, v in data.items()}
    return SourceOptions(outlet=outlet, outlet_map=mapping, fetch=not offline)


OutletOpt = Annotated[str | None, typer.Option("--outlet", help="Outlet name for inputs that do not say.")]
OutletMapOpt = Annotated[Path | None, typer.Option("--outlet-map", help="JSON file mapping file names or URL hosts to outlets.")]
PrivateOpt = Annotated[bool, typer.Option("--allow-private", help="Allow fetching from private, loopback and link-local addresses.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Never use the network (feed items are read from the feed itself).")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="Processes for extraction and language analysis (1 = in-process).")]
InputsArg = Annotated[list[str], typer.Argument(help="Files, folders, URLs, or - for standard input.")]


def _run_ingest(inputs: list[str], store: Store, settings: Settings, options: SourceOptions) -> IngestResult:
    if state.as_json or not sys.stderr.isatty():
        return ingest_inputs(inputs, store, settings, options)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} documents"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("Ingesting", total=None)
        return ingest_inputs(inputs, store, settings, options, on_progress=lambda n, _src: bar.update(task, completed=n))


def _ingest_exit_code(result: IngestResult) -> int:
    if result.rejected and not (result.added or result.skipped):
        return EXIT_ALL_REJECTED
    return EXIT_PARTIAL if result.rejected else 0


def _print_ingest(result: IngestResult) -> None:
    err.print(f"[bold]{len(result.added)}[/] added, {len(result.skipped)} already stored, [bold]{len(result.rejected)}[/] rejected")
    for r in result.rejected:
        err.print(f"  rejected {r.input}: {r.reason}", markup=False, highlight=False)


@app.command()
def ingest(
    inputs: InputsArg,
    outlet: OutletOpt = None,
    outlet_map: OutletMapOpt = None,
    allow_private: PrivateOpt = False,
    offline: OfflineOpt = False,
    workers: WorkersOpt = 1,
) -> None:
    """Read, clean, de-duplicate and store articles. Running it twice on the same inputs adds nothing."""
    with _open_store() as store:
        result = _run_ingest(inputs, store, _settings(allow_private, workers), _source_options(outlet, outlet_map, offline))
    if state.as_json:
        out.print_json(data={"added": result.added, "skipped": result.skipped, "rejected": [r.__dict__ for r in result.rejected]})
    else:
        _print_ingest(result)
    raise typer.Exit(_ingest_exit_code(result))


@app.command()
def analyze(
    inputs: InputsArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.json, report.md and report.html.")] = Path("storyline-report"),
    outlet: OutletOpt = None,
    outlet_map: OutletMapOpt = None,
    allow_private: PrivateOpt = False,
    offline: OfflineOpt = False,
    workers: WorkersOpt = 1,
    briefing: Annotated[int, typer.Option("--briefing", help="Sentences per story briefing.")] = 5,
) -> None:
    """Ingest INPUTS, group them into stories, compare the outlets and write a report to --out."""
    from storyline.analysis import analyze as analyze_articles

    with _open_store() as store:
        result = _run_ingest(inputs, store, _settings(allow_private, workers), _source_options(outlet, outlet_map, offline))
        ids = list(dict.fromkeys(result.added + result.skipped))
        with _stage_progress() as on_progress:
            report = analyze_articles(store, ids, result.rejected, briefing_sentences=briefing, on_progress=on_progress,
                                      workers=workers)
    paths = write_reports(report, out_dir)
    if state.as_json:
        out.print_json(data={k: str(v) for k, v in paths.items()})
    else:
        _print_ingest(result)
        err.print(f"{len(report['stories'])} stories from {len(report['articles'])} articles")
        out.print(f"Report: {paths['html']} (also {paths['json'].name}, {paths['md'].name})")
    raise typer.Exit(_ingest_exit_code(result))


class _stage_progress:
    """A progress bar per analysis stage on an interactive terminal; silent otherwise."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        if state.as_json or not sys.stderr.isatty():
            self.bar = None
            return None
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), console=err, transient=True)
        self.bar.start()
        self.tasks: dict[str, Any] = {}
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        assert self.bar is not None
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage.capitalize(), total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def stories(
    limit: Annotated[int, typer.Option(help="How many to list.")] = 50,
    consolidate: Annotated[bool, typer.Option(
        "--consolidate", help="First run the merge/move/split pass over all stored stories (logged in story_changes).")] = False,
) -> None:
    """List stories (clustering any stored articles not yet in one), largest first."""
    from storyline.cluster import all_stories, cluster_store, consolidate_store

    with _open_store() as store:
        items = cluster_store(store)
        if consolidate:
            changes = consolidate_store(store)
            kinds = Counter(c.kind for c in changes)
            summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no changes"
            err.print(f"Consolidation: {summary}.", markup=False)
            items = all_stories(store)  # as the pass wrote them
    items = sorted(items, key=lambda s: (-len(s.article_ids), s.first_seen or ""))[:limit]
    if state.as_json:
        out.print_json(data=[s.to_dict() for s in items])
        return
    rows = [[s.id, str(len(s.article_ids)), str(s.independent_sources), ", ".join(o or "?" for o in s.outlets),
             (s.first_seen or "-")[:10], (s.last_seen or "-")[:10], s.title or ""] for s in items]
    _print_listing([("id", 1), ("articles", 0), ("sources", 0), ("outlets", -24), ("first seen", 1), ("last seen", 1),
                    ("title", -1)], rows, optional=("last seen", "sources"))


def _print_listing(columns: list[tuple[str, int]], rows: list[list[str]], optional: tuple[str, ...] = ()) -> None:
    """Print a table that fits the terminal, one line per row. A column's width: positive, never cut
    (ids and dates: they are copied into other commands); 0, as wide as its contents; -k, at most k
    characters, cut with an ellipsis; -1, the width left over (titles). On a narrow terminal the
    cut columns shrink first, then the `optional` columns are left out."""
    keep = list(range(len(columns)))
    natural = [max([len(name)] + [len(r[i]) for r in rows]) for i, (name, _) in enumerate(columns)]
    widths = [n if w >= 0 else min(n, max(-w, len(name))) for (name, w), n in zip(columns, natural)]
    flex = [i for i, (_, w) in enumerate(columns) if w == -1]

    def room() -> int:  # width left for the flexible columns: 3 per column for padding and rule, 1 for the border
        return out.width - sum(widths[i] + 3 for i in keep if i not in flex) - 3 * len(flex) - 1

    names = [name for name, _ in columns]
    for step in ("cut", *optional):  # shrink the cut columns, then leave optional ones out, one at a time
        if not flex or room() >= _MIN_TITLE * len(flex):
            break
        if step != "cut":
            keep.remove(names.index(step))
            continue
        for i, (name, w) in enumerate(columns):
            if w < -1:
                widths[i] = min(widths[i], max(6, len(name)))
    for i in flex:
        widths[i] = max(len(columns[i][0]), min(natural[i], room() // len(flex)))
    table = Table()
    for i in keep:
        table.add_column(columns[i][0], no_wrap=True, width=widths[i], justify="right" if columns[i][1] == 0 else "left")
    for r in rows:
        table.add_row(*(r[i] if len(r[i]) <= widths[i] else r[i][: widths[i] - 1] + "\u2026" for i in keep))
    out.print(table)


_MIN_TITLE = 24  # narrowest title column before the listing leaves optional columns out


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="Story id (see `storyline stories`).")],
    briefing: Annotated[int, typer.Option("--briefing", help="Sentences in the briefing.")] = 5,
) -> None:
    """One story with its briefing, claims, conflicts and quotes."""
    from storyline.analysis import analyze as analyze_articles
    from storyline.cluster import cluster_store

    with _open_store() as store:
        match = [s for s in cluster_store(store) if s.id == story_id or s.id.startswith(story_id)]
        if len(match) != 1:
            err.print(f"No story with id {story_id!r}; list them with `storyline stories`.", markup=False)
            raise typer.Exit(EXIT_NOT_FOUND)
        report = analyze_articles(store, match[0].article_ids, [], briefing_sentences=briefing)
    data = next(s for s in report["stories"] if s["id"] == match[0].id)
    if state.as_json:
        out.print_json(data=data)
        return
    out.print(f"[bold]{data.get('title') or '(untitled)'}[/]", highlight=False)
    ev = data.get("event_date") or {}
    out.print(f"{data['id']} · {len(data['article_ids'])} articles · {data['independent_sources']} independent sources · "
              f"event {ev.get('value') or 'undated'}", markup=False)
    out.print("\n[bold]Briefing[/]")
    for b in data.get("briefing") or []:
        out.print(f"  - {b['text']} [{', '.join(x[:8] for x in b['article_ids'])}]", markup=False, highlight=False)
    out.print("\n[bold]Claims[/]")
    for c in data.get("claims") or []:
        out.print(f"  [{c['status']}, {c['independent_sources']} src] {c['text']}", markup=False, highlight=False)
    for c in data.get("conflicts") or []:
        values = "; ".join(f"{v['value']} ({v['article_id'][:8]})" for v in c["values"])
        out.print(f"  [conflict: {c['kind']}] {c['about']}: {values}", markup=False, highlight=False)


@app.command()
def framing() -> None:
    """Score sentences for loaded language: one text per line on stdin, one JSON object per line on stdout."""
    from storyline.framing.cli_io import run_framing_stream

    for result in run_framing_stream(line.rstrip("\n") for line in sys.stdin):
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    token_file: Annotated[Path | None, typer.Option(help="Where the write token is kept (created at first start, mode 0600).")] = None,
    allow_private: PrivateOpt = False,
) -> None:
    """Serve the HTTP API (/api/...) and the web UI on the database given with --db."""
    from storyline.api.server import serve as run_server

    run_server(state.db, host=host, port=port, token_file=token_file, allow_private=allow_private)


@app.command()
def articles(limit: Annotated[int, typer.Option(help="How many to list.")] = 50) -> None:
    """List stored articles."""
    with _open_store() as store:
        items = store.articles(limit=limit)
    if state.as_json:
        out.print_json(data=[_summary(a) for a in (x.to_dict() for x in items)])
        return
    rows = [[a.id, a.outlet or "-", a.title or "(untitled)", (a.published or "-")[:10], a.duplicate_of or "-"] for a in items]
    _print_listing([("id", 1), ("outlet", -20), ("title", -1), ("published", 1), ("copy of", 1)], rows, optional=("copy of",))


def _summary(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] for k in ("id", "input", "outlet", "title", "url", "published", "language", "duplicate_of", "syndication_group")}


@app.command()
def show(article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")]) -> None:
    """Show one article with the debris removed from it."""
    with _open_store() as store:
        article = store.get_article(article_id)
    if article is None:
        err.print(f"No article with id {article_id!r}; list them with `storyline articles`.", markup=False)
        raise typer.Exit(EXIT_NOT_FOUND)
    if state.as_json:
        out.print_json(data=article.to_dict())
        return
    out.print(f"[bold]{article.title or '(untitled)'}[/]", highlight=False)
    out.print(f"{article.id} · {article.outlet or 'unknown outlet'} · {article.published or 'no date'} · {article.input}", markup=False)
    out.print()
    out.print(article.text, markup=False, highlight=False)
    if article.removed:
        out.print("\n[dim]Removed:[/]")
        for r in article.removed:
            out.print(f"  - {r.text}  ({r.reason})", markup=False, highlight=False)


def main() -> None:
    try:
        app()
    except StorylineError as exc:
        err.print(f"Error: {exc}", markup=False)
        sys.exit(1)
