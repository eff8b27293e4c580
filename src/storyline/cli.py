"""Command-line interface: thin commands over `storyline.service` and the store.

Exit codes: 0 success; 1 error (bad database, bad option value); 2 usage error;
3 some inputs were rejected (the rest were stored); 4 every input was rejected;
5 the requested id does not exist.
"""

from __future__ import annotations

import json
import logging
import sys
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
WorkersOpt = Annotated[int, typer.Option("--workers", help="Processes for extraction (1 = in-process).")]
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
) -> None:
    """Ingest INPUTS and write a report of them to --out."""
    with _open_store() as store:
        result = _run_ingest(inputs, store, _settings(allow_private, workers), _source_options(outlet, outlet_map, offline))
        ids = list(dict.fromkeys(result.added + result.skipped))
        report = build_report(store.articles(ids), result.rejected)
    paths = write_reports(report, out_dir)
    if state.as_json:
        out.print_json(data={k: str(v) for k, v in paths.items()})
    else:
        _print_ingest(result)
        out.print(f"Report: {paths['html']} (also {paths['json'].name}, {paths['md'].name})")
    raise typer.Exit(_ingest_exit_code(result))


@app.command()
def articles(limit: Annotated[int, typer.Option(help="How many to list.")] = 50) -> None:
    """List stored articles."""
    with _open_store() as store:
        items = store.articles(limit=limit)
    if state.as_json:
        out.print_json(data=[_summary(a) for a in (x.to_dict() for x in items)])
        return
    table = Table("id", "outlet", "title", "published", "copy of")
    for a in items:
        table.add_row(a.id, a.outlet or "-", (a.title or "(untitled)")[:70], a.published or "-", a.duplicate_of or "-")
    out.print(table)


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
