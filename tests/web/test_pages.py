"""Server-rendered pages: what each shows, and that hostile content is only ever text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from tests.api.storydata import HOSTILE, HOSTILE_URL


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        self.elements.append((tag, d))
        if d.get("id"):
            self.ids.add(d["id"] or "")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


def assert_inert(html: str) -> Tags:
    """No script but our own file, no event handler attributes, no javascript:/data: links, no inline style."""
    tags = parse(html)
    for tag, attrs in tags.elements:
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}, attrs
        assert tag not in ("iframe", "object", "embed", "base", "img", "svg:script", "form") or tag == "form" and attrs.get("action") in ("/", "/search", "/articles"), tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name, value)
            assert name.lower() != "style", (tag, name)
            if name.lower() in ("href", "src", "action", "xlink:href", "formaction"):
                v = (value or "").strip().lower()
                assert v.startswith(("/", "#", "http://", "https://")), (tag, name, value)
                assert not v.startswith("//"), (tag, name, value)
    return tags


def test_feed_lists_stories_with_size_outlets_date_and_contest(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    tags = assert_inert(html)
    links = [a.get("href") for t, a in tags.elements if t == "a"]
    assert "/stories/st-xi2025" in links and "/stories/st-xi2023" in links
    text = " ".join(tags.text)
    assert "3 articles" in text and "2025-05-07" in text and "2 contested" in text and "2 of 4 claims corroborated" in text
    assert "/outlets/TASS" in links
    assert 'name="viewport"' in html


def test_feed_filters_and_paging(client: TestClient) -> None:
    html = client.get("/", params={"limit": 1}).text
    assert 'rel="next"' in html and "1–1 of 3" in html
    html = client.get("/", params={"outlet": "Daily Planet"}).text
    assert "/stories/st-xi2023" in html and "/stories/st-xi2025" not in html
    html = client.get("/", params={"q": "no such words anywhere"}).text
    assert "No story matches" in html
    r = client.get("/", params={"from": "bad date"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html") and "What to do" in r.text


def test_story_page_sections(client: TestClient, stories: dict[str, Any]) -> None:
    html = client.get("/stories/st-xi2025").text
    tags = assert_inert(html)
    xi = stories["xi"]
    reuters, ap, tass = xi["article_ids"]
    # briefing citations point at passages that exist on the page
    cites = [a["href"] for t, a in tags.elements if t == "a" and "cite" in (a.get("class") or "")]
    assert cites
    for href in cites:
        assert href.startswith("#") and href[1:] in tags.ids, href
    first_claim = xi["claims"][0]["sentences"][0]
    assert f"#a-{reuters}-s{first_claim['start']}" in cites
    # coverage matrix: one row per claim, one column per outlet, every state shown
    assert '<table class="matrix">' in html
    for state in ("c-corroborated", "c-contested", "c-single_source", "c-omitted"):
        assert f"cell {state}" in html, state
    assert re.search(r"<th scope=\"col\">Reuters</th><th scope=\"col\">AP</th><th scope=\"col\">TASS</th>", html)
    # conflicts side by side
    assert html.count('<figure class="side">') == 2 and "$245 billion" in html and "$240 billion" in html
    # timeline with articles, the event and the related 2023 story as an arc
    assert '<svg class="timeline"' in html and 'class="arc"' in html and 'href="/stories/st-xi2023"' in html
    # quotes by speaker, framing side by side, highlights in the text
    assert "Yuri Ushakov" in html and "Maria Zakharova" in html
    assert html.count('class="frame-card"') == 3
    assert '<mark class="sensational" title="sensational">a shocking escalation</mark>' in html
    assert '<mark class="intensifier" title="intensifier">historic milestone</mark>' in html
    # removed debris on request
    assert "<details class=\"debris\"><summary>Removed web debris (2)</summary>" in html
    assert "LEAVE A REPLY" in html
    # safe external links to the articles
    assert 'href="https://www.reuters.com/xi-moscow" rel="noopener noreferrer nofollow"' in html


def test_story_page_unique_prefix_and_404(client: TestClient) -> None:
    assert client.get("/stories/st-hos").status_code == 200
    r = client.get("/stories/nope")
    assert r.status_code == 404 and "No story with id" in r.text and 'href="/"' in r.text


def test_article_outlet_search_pages(client: TestClient, stories: dict[str, Any]) -> None:
    ap = stories["xi"]["article_ids"][1]
    html = client.get(f"/articles/{ap}").text
    assert_inert(html)
    assert "Xi in Moscow for Victory Day" in html and 'href="/stories/st-xi2025"' in html
    assert "<mark class=\"sensational\"" in html
    html = client.get("/articles").text
    assert_inert(html)
    assert html.count("/articles/") >= 6
    html = client.get("/outlets/Reuters").text
    assert_inert(html)
    assert "1 stored article" in html and "/stories/st-xi2025" in html
    assert client.get("/outlets/Nobody").status_code == 404
    html = client.get("/search", params={"q": "Power of Siberia"}).text
    tags = assert_inert(html)
    assert "/stories/st-xi2025" in html and "<mark>Power</mark>" in html
    assert "Nothing found" in client.get("/search", params={"q": "zzzqqq"}).text
    assert client.get("/search").status_code == 200


def test_static_files_are_served_same_origin(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "@media print" in css.text and "@media (max-width:640px)" in css.text
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "fetch(" not in js.text and "XMLHttpRequest" not in js.text
    assert client.get("/static/../app.py").status_code == 404


def _hostile_pages(stories: dict[str, Any]) -> list[str]:
    h = stories["hostile"]
    a, b = h["article_ids"]
    outlet = h["articles"][0]["outlet"]
    return [
        "/", "/stories/st-hostile", f"/articles/{a}", f"/articles/{b}", "/articles", f"/outlets/{quote(outlet, safe='')}",
        "/search?q=pwned", "/search?q=" + quote(HOSTILE), "/articles?q=" + quote(HOSTILE),
        "/?outlet=" + quote(HOSTILE), "/stories/" + quote(HOSTILE, safe=""), "/nothing/" + quote(HOSTILE),
        "/?from=" + quote(HOSTILE),
    ]


def test_hostile_content_is_text_on_every_page(client: TestClient, stories: dict[str, Any]) -> None:
    for path in _hostile_pages(stories):
        r = client.get(path)
        assert r.status_code in (200, 404, 422), (path, r.status_code)
        tags = assert_inert(r.text)
        assert "<script>window" not in r.text and "<img" not in r.text and "<svg onload" not in r.text, path
        assert not re.search(r"href=\"\s*javascript:", r.text, re.I), path
        assert all(t not in ("img", "svg") or path == "/stories/st-hostile" and t == "svg" for t, _ in tags.elements), path
    story = client.get("/stories/st-hostile").text
    text = " ".join(parse(story).text)
    assert "<script>window.__pwned=1</script>" in text  # shown, as text
    assert HOSTILE_URL in text  # the javascript: URL is shown but is not a link


def test_hostile_json_is_json(client: TestClient, stories: dict[str, Any]) -> None:
    r = client.get("/api/stories/st-hostile")
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    assert r.json()["title"] == f"Story {HOSTILE}"


@pytest.mark.parametrize("path", ["/", "/stories/st-xi2025", "/articles", "/search?q=x", "/outlets/AP"])
def test_pages_are_responsive_and_printable(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<link rel="stylesheet" href="/static/style.css">' in html
    assert "http://" not in re.sub(r'href="https?://[^"]*"', "", html).replace("http://127.0.0.1", "")  # no external resources


def test_templates_autoescape() -> None:
    from storyline.web.routes import env

    names = env.list_templates()
    assert "story.html" in names and "base.html" in names
    assert all(env.autoescape(name) for name in names)  # type: ignore[operator]
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
