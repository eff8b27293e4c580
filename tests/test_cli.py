"""End-to-end: the commands a user runs, on the bundled example corpus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from storyline.cli import app
from storyline.report import load_schema
from tests.conftest import EXAMPLES

runner = CliRunner()


def _analyze(tmp_path: Path, *inputs: str):
    out = tmp_path / "out"
    res = runner.invoke(app, ["--db", str(tmp_path / "s.db"), "analyze", *inputs, "--out", str(out), "--offline"])
    return res, out


def test_analyze_examples_writes_valid_reports_and_groups_copies(tmp_path: Path) -> None:
    res, out = _analyze(tmp_path, str(EXAMPLES))
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text())
    jsonschema.validate(report, load_schema())
    assert report["schema_version"] == "1.1"
    arts = report["articles"]
    kinds = {a["kind"] for a in arts}
    assert {"text", "html", "feed-item", "warc"} <= kinds
    # The wire story appears three times (HTML page, feed item, WARC record): one group.
    fire = [a for a in arts if "8,000 tonnes of wheat" in a["text"]]
    assert len(fire) == 3 and len({a["syndication_group"] for a in fire}) == 1
    assert sum(a["duplicate_of"] is None for a in fire) == 1
    # Independent reporting of the same fire and the seed articles stay ungrouped.
    independent = [a for a in arts if "Petra Holm" in a["text"]]
    assert independent and independent[0]["syndication_group"] is None
    assert all(a["syndication_group"] is None for a in arts if a["input"].endswith(".txt"))
    # Stories: the fire reports together; the council vote in the same town that day apart; the
    # 2025 state visit's four reports together, and the 2023 visit (000) apart.
    story = {a["input"].rsplit("/", 1)[-1]: a["story_id"] for a in arts}
    council = [a["story_id"] for a in arts if "ferry timetable" in (a["title"] or "")]
    fire = {a["story_id"] for a in arts if "Northport" in a["text"]} - set(council)
    assert len(fire) == 1 and len(council) == 1
    seeds = [sid for name, sid in sorted(story.items()) if name.endswith(".txt")]
    assert len(set(seeds[1:])) == 1 and seeds[0] not in seeds[1:]
    html = (out / "report.html").read_text()
    assert "Content-Security-Policy" in html and not re.search(r"<(script|link|img)[^>]+(src|href)=\"http", html)
    assert (out / "report.md").read_text().startswith("# Storyline report")


def test_second_run_adds_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    first = runner.invoke(app, ["--db", db, "--json", "ingest", str(EXAMPLES), "--offline"])
    second = runner.invoke(app, ["--db", db, "--json", "ingest", str(EXAMPLES), "--offline"])
    assert first.exit_code == 0 and second.exit_code == 0
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert len(a["added"]) == 10 and b["added"] == [] and sorted(b["skipped"]) == sorted(a["added"])


def test_partial_rejection_exit_code_and_report(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    res, out = _analyze(tmp_path, str(EXAMPLES / "seeds"), str(bad))
    assert res.exit_code == 3
    report = json.loads((out / "report.json").read_text())
    assert report["rejected"][0]["input"] == str(bad) and "empty" in report["rejected"][0]["reason"]
    assert len(report["articles"]) == 5


def test_all_rejected_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    res, _ = _analyze(tmp_path, str(bad))
    assert res.exit_code == 4


def test_articles_and_show(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    runner.invoke(app, ["--db", db, "ingest", str(EXAMPLES / "seeds")])
    listing = json.loads(runner.invoke(app, ["--db", db, "--json", "articles"]).stdout)
    assert len(listing) == 5
    shown = runner.invoke(app, ["--db", db, "--json", "show", listing[1]["id"][:8]])
    art = json.loads(shown.stdout)
    assert art["id"] == listing[1]["id"] and art["removed"]
    assert runner.invoke(app, ["--db", db, "show", "doesnotexist"]).exit_code == 5


def test_stdin_input(tmp_path: Path) -> None:
    text = (EXAMPLES / "seeds").glob("*.txt").__next__().read_text()
    res = runner.invoke(app, ["--db", str(tmp_path / "s.db"), "--json", "ingest", "-"], input=text)
    assert res.exit_code == 0 and len(json.loads(res.stdout)["added"]) == 1


def test_every_command_is_documented_in_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"storyline {name}" in readme, f"README does not document `storyline {name}`"


def test_python_dash_m_works() -> None:
    res = subprocess.run([sys.executable, "-m", "storyline", "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and "storyline" in res.stdout


def test_listings_fit_the_terminal_and_never_cut_an_id(tmp_path: Path, monkeypatch) -> None:
    import storyline.cli as cli

    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["--db", db, "ingest", str(EXAMPLES / "seeds"), "--offline"]).exit_code == 0
    ids = [s["id"] for s in json.loads(runner.invoke(app, ["--db", db, "--json", "stories"]).stdout)]
    for width in (60, 80, 160):
        monkeypatch.setattr(cli.out, "width", width)
        for command in ("stories", "articles"):
            res = runner.invoke(app, ["--db", db, command])
            assert res.exit_code == 0, res.output
            assert max(len(line) for line in res.stdout.splitlines()) <= width, (command, width, res.stdout)
        listed = runner.invoke(app, ["--db", db, "stories"]).stdout
        assert all(sid in listed for sid in ids), (width, listed)
    assert "last seen" in listed  # the widest terminal shows every column


def test_stories_lists_and_consolidates_on_demand(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["--db", db, "ingest", str(EXAMPLES / "seeds"), "--offline"]).exit_code == 0
    listed = runner.invoke(app, ["--db", db, "--json", "stories"])
    assert listed.exit_code == 0, listed.output
    before = json.loads(listed.stdout)
    assert sum(len(s["article_ids"]) for s in before) == 5
    again = runner.invoke(app, ["--db", db, "--json", "stories", "--consolidate"])
    assert again.exit_code == 0, again.output
    assert "Consolidation:" in again.stderr
    after = json.loads(again.stdout)
    assert sorted(a for s in after for a in s["article_ids"]) == sorted(a for s in before for a in s["article_ids"])
