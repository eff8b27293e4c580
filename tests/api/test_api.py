"""Reads: stories, articles, outlets, search; paging, filters, JSON errors, OpenAPI."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from storyline.api import data
from storyline.store import Store


def _error(r: Any, status: int, code: str) -> dict[str, str]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fix"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["fix"]
    return body["error"]  # type: ignore[no-any-return]


def test_health_reports_counts_and_capabilities(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["stories"] == 3 and body["articles"] == 6
    assert {"stories", "framing", "notes"} <= set(body["capabilities"])


def test_openapi_document_lists_every_route(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    assert {"/api/health", "/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
            "/api/outlets/{name}", "/api/search", "/api/jobs/{job_id}"} <= paths
    assert "post" in doc["paths"]["/api/articles"] and "401" in doc["paths"]["/api/articles"]["post"]["responses"]
    params = {p["name"] for p in doc["paths"]["/api/stories"]["get"]["parameters"]}
    assert {"q", "outlet", "from", "to", "limit", "offset"} <= params
    assert not any(p.startswith(("/stories", "/search")) for p in paths)  # pages are not API


def test_docs_pages_that_would_load_external_scripts_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_story_list_paging(client: TestClient) -> None:
    first = client.get("/api/stories", params={"limit": 2}).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert second["offset"] == 2 and len(second["items"]) == 1 and second["next"] is None
    ids = [s["id"] for s in first["items"] + second["items"]]
    assert len(set(ids)) == 3
    dates = [s["date"] for s in first["items"] + second["items"]]
    assert dates == sorted(dates, reverse=True)  # newest first


def test_story_summary_says_how_contested(client: TestClient) -> None:
    items = client.get("/api/stories").json()["items"]
    xi = next(s for s in items if s["id"] == "st-xi2025")
    assert xi["n_articles"] == 3 and xi["independent_sources"] == 3
    assert xi["n_claims"] == 4 and xi["n_corroborated"] == 2 and xi["n_contested"] == 2  # 1 contested claim + 1 conflict
    assert xi["outlets"] == ["Reuters", "AP", "TASS"] and xi["date"] == "2025-05-07"


def test_story_filters(client: TestClient) -> None:
    def ids(**params: Any) -> list[str]:
        r = client.get("/api/stories", params=params)
        assert r.status_code == 200, r.text
        return sorted(s["id"] for s in r.json()["items"])

    assert ids(outlet="TASS") == ["st-xi2025"]
    assert ids(outlet="tass") == ["st-xi2025"]  # outlet names match case-insensitively
    assert ids(outlet="Nobody") == []
    assert ids(**{"from": "2025-01-01"}) == ["st-hostile", "st-xi2025"]
    assert ids(**{"to": "2023-12"}) == ["st-xi2023"]
    assert ids(**{"from": "2025-05", "to": "2025-05"}) == ["st-xi2025"]
    assert ids(q="Siberia pipeline") == ["st-xi2025"]
    assert ids(q="ICC warrant") == ["st-xi2023"]
    assert ids(q="Moscow", outlet="Daily Planet") == ["st-xi2023"]
    assert ids(q="\"*(") == []  # no words: nothing, not an FTS syntax error


def test_bad_filters_are_json_errors_with_a_fix(client: TestClient) -> None:
    err = _error(client.get("/api/stories", params={"from": "May 2025"}), 422, "invalid_request")
    assert "from" in err["message"]
    _error(client.get("/api/stories", params={"limit": 0}), 422, "invalid_request")
    _error(client.get("/api/articles", params={"offset": -1}), 422, "invalid_request")


def test_story_document_has_analysis_and_articles(client: TestClient, stories: dict[str, Any]) -> None:
    r = client.get("/api/stories/st-xi2025")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    story = r.json()
    for key in ("id", "title", "article_ids", "outlets", "independent_sources", "first_seen", "last_seen",
                "related_story_ids", "event_date", "claims", "conflicts", "quotes", "entities", "quantities",
                "omissions", "briefing", "articles"):
        assert key in story
    assert story == stories["xi"]
    assert client.get("/api/stories/st-hos").json()["id"] == "st-hostile"  # unique prefix


def test_unknown_story_404_names_the_id_and_how_to_list(client: TestClient) -> None:
    err = _error(client.get("/api/stories/nope123"), 404, "story_not_found")
    assert "nope123" in err["message"] and "GET /api/stories" in err["fix"]
    _error(client.get("/api/stories/st-xi"), 404, "story_not_found")  # ambiguous prefix
    _error(client.get("/api/stories/%25"), 404, "story_not_found")  # LIKE wildcard is not a prefix


def test_articles_list_filters_and_detail(client: TestClient, stories: dict[str, Any]) -> None:
    body = client.get("/api/articles", params={"outlet": "AP"}).json()
    assert body["total"] == 1
    art = body["items"][0]
    assert art["outlet"] == "AP" and art["story_id"] == "st-xi2025"
    detail = client.get(f"/api/articles/{art['id']}").json()
    assert detail["text"].startswith("Xi Jinping began") and detail["story_id"] == "st-xi2025"
    assert detail["framing"]["phrases"][0]["text"] == "a shocking escalation"
    assert "content_hash" not in detail
    dated = client.get("/api/articles", params={"from": "2025-05-08", "to": "2025-05-08"}).json()
    assert [a["outlet"] for a in dated["items"]] == ["AP"]
    found = client.get("/api/articles", params={"q": "Zakharova"}).json()
    assert [a["outlet"] for a in found["items"]] == ["TASS"]
    reuters = next(a for a in stories["xi"]["articles"] if a["outlet"] == "Reuters")
    removed = client.get(f"/api/articles/{reuters['id']}").json()["removed"]
    assert [r["text"] for r in removed] == ["Related Posts", "LEAVE A REPLY"]


def test_unknown_article_404(client: TestClient) -> None:
    err = _error(client.get("/api/articles/0000000000000000"), 404, "article_not_found")
    assert "GET /api/articles" in err["fix"]


def test_outlet_profile(client: TestClient) -> None:
    body = client.get("/api/outlets/Reuters").json()
    assert body["name"] == "Reuters" and body["n_articles"] == 1 and body["n_stories"] == 1
    assert body["stories"][0]["id"] == "st-xi2025"
    assert body["profile"] is not None or body["profile_note"]
    assert client.get("/api/outlets/Daily%20Planet").json()["n_articles"] == 1
    _error(client.get("/api/outlets/Nobody"), 404, "outlet_not_found")


def test_search(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "power of siberia"}).json()
    assert body["total"] == 2
    assert {a["outlet"] for a in body["articles"]} == {"Reuters", "TASS"}
    assert [s["id"] for s in body["stories"]] == ["st-xi2025"] and body["stories"][0]["matching_articles"] == 2
    hit = body["articles"][0]
    assert "\x02" not in hit["snippet"] and hit["snippet_marks"]
    words = {hit["snippet"][s:e].lower() for s, e in hit["snippet_marks"]}
    assert words <= {"power", "of", "siberia"}
    paged = client.get("/api/search", params={"q": "power of siberia", "limit": 1, "offset": 1}).json()
    assert len(paged["articles"]) == 1 and paged["articles"][0]["id"] != hit["id"]
    assert client.get("/api/search", params={"q": "diacritics café"}).json()["total"] == 0
    _error(client.get("/api/search", params={"q": "!!!"}), 422, "query_empty")
    _error(client.get("/api/search"), 422, "invalid_request")


def test_unknown_api_route_is_json_404(client: TestClient) -> None:
    _error(client.get("/api/nothing"), 404, "not_found")
    _error(client.delete("/api/stories"), 405, "method_not_allowed")


def test_fts_index_is_populated_for_rows_stored_before_the_migration(tmp_path: Any) -> None:
    """Migration 5 on a database that already holds articles indexes them (and triggers keep it in step)."""
    import sqlite3

    from storyline.store.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT 'x')")
    for version, name, sql in MIGRATIONS:
        if version < 5:
            conn.executescript(sql)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))
    conn.execute("INSERT INTO articles (id, input, kind, title, text, content_hash) VALUES ('a1', 'x', 'text', 'Old title', 'Kelby ferry sank', 'h')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert 5 in dict(store.migrations())
        assert data.search(store, "kelby")["total"] == 1
        store.conn.execute("UPDATE articles SET text = 'Calder fire spread' WHERE id = 'a1'")
        assert data.search(store, "kelby")["total"] == 0 and data.search(store, "calder")["total"] == 1
        assert data.search(store, "old title")["total"] == 1
        store.conn.execute("DELETE FROM articles WHERE id = 'a1'")
        assert data.search(store, "calder")["total"] == 0
        assert store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')") is not None


def test_put_stories_replaces_a_merged_story(db: Any, stories: dict[str, Any]) -> None:
    with Store(db) as store:
        merged = {**stories["old"], "id": "st-merged", "article_ids": stories["old"]["article_ids"] + stories["xi"]["article_ids"]}
        data.put_stories(store, [merged])
        ids = {s["id"] for s in data.list_stories(store, limit=50)[0]}
        assert ids == {"st-merged", "st-hostile"}  # both stories that shared its articles are gone
        assert data.get_story(store, "st-xi2025") is None
