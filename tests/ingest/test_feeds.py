"""Feed parsing and feed-to-document conversion. Nothing here touches the internet."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from storyline.config import Settings
from storyline.errors import InputError
from storyline.ingest.feeds import FeedItem, feed_documents, parse_feed
from storyline.ingest.fetch import Fetcher
from storyline.models import RawDocument, Rejection

LONG_TEXT = " ".join(f"word{i}" for i in range(120))  # over the 80-word fallback threshold


def rss(base: str = "https://news.example") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example News</title>
  <link>{base}/</link>
  <item>
    <title>First story</title>
    <link>{base}/article/1</link>
    <guid>story-1</guid>
    <pubDate>Thu, 02 Jan 2025 03:04:05 +0000</pubDate>
    <dc:creator>Ada Writer</dc:creator>
    <description>Short &lt;b&gt;teaser&lt;/b&gt;.</description>
    <content:encoded><![CDATA[<p>Full <em>body</em> of the first story.</p>]]></content:encoded>
  </item>
  <item>
    <title>Second story</title>
    <link>{base}/article/missing</link>
    <guid>story-2</guid>
    <pubDate>Fri, 03 Jan 2025 10:00:00 +0100</pubDate>
    <description>Only a teaser.</description>
  </item>
  <item>
    <title>Third story</title>
    <link>{base}/article/gone</link>
    <description>{LONG_TEXT}</description>
  </item>
  <item>
    <title>Fourth story</title>
    <link>{base}/article/2</link>
  </item>
</channel>
</rss>""".encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Times</title>
  <id>urn:uuid:feed</id>
  <updated>2025-02-01T00:00:00Z</updated>
  <entry>
    <title>Atom entry</title>
    <link href="https://atom.example/entry/1"/>
    <id>urn:uuid:entry-1</id>
    <published>2025-02-01T12:30:00+02:00</published>
    <updated>2025-02-02T00:00:00Z</updated>
    <author><name>Grace Reporter</name></author>
    <summary>Atom summary</summary>
    <content type="html">&lt;p&gt;Atom body&lt;/p&gt;</content>
  </entry>
</feed>"""

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON Daily",
        "authors": [{"name": "Desk"}],
        "items": [
            {
                "id": "j1",
                "url": "https://json.example/1",
                "title": "JSON one",
                "content_html": "<p>JSON body</p>",
                "summary": "JSON summary",
                "date_published": "2025-03-04T05:06:07Z",
                "authors": [{"name": "Linus Byline"}],
            },
            {"id": "j2", "content_text": "Plain <text> only.\n\nSecond paragraph."},
        ],
    }
).encode()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title>
<item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>
<rss version="2.0"><channel><title>Leak</title><item><title>x</title></item></channel></rss>"""

# Entities in a feed that is also not well-formed: the strict check cannot read it, so a byte scan refuses it.
MALFORMED_WITH_ENTITY = b"""garbage<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title></item></channel></rss>"""

RSS_091_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old school</title><link>https://old.example/</link><description>d</description>
<item><title>Old item</title><link>https://old.example/1</link></item></channel></rss>"""


# -- a small local site for the item pages ----------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        pages = {
            "/article/1": b"<html><head><meta charset='utf-8'><title>One</title></head><body><p>Caf\xc3\xa9 story one.</p></body></html>",
            "/article/2": b"<html><body><p>Story two.</p></body></html>",
        }
        body = pages.get(self.path)
        if body is None:
            self.send_response(404)
            body = b"no such page"
            content_type = "text/plain"
        else:
            self.send_response(200)
            content_type = "text/html"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(Settings(allow_private=True, fetch_delay=0.0, fetch_timeout=2.0)) as f:
        yield f


# -- parsing -----------------------------------------------------------------------------


def test_rss_parsed() -> None:
    items = parse_feed(rss(), "rss.xml")
    assert [i.title for i in items] == ["First story", "Second story", "Third story", "Fourth story"]
    first = items[0]
    assert isinstance(first, FeedItem)
    assert first.url == "https://news.example/article/1"
    assert first.published == "2025-01-02T03:04:05+00:00"
    assert first.author == "Ada Writer"
    assert first.feed_title == "Example News"
    assert "<em>body</em>" in first.content_html
    assert "teaser" in first.summary_html
    assert items[1].published == "2025-01-03T09:00:00+00:00"  # normalised to UTC
    assert items[3].content_html == "" and items[3].published is None


def test_atom_parsed() -> None:
    (item,) = parse_feed(ATOM, "atom.xml")
    assert item.title == "Atom entry"
    assert item.url == "https://atom.example/entry/1"
    assert item.published == "2025-02-01T10:30:00+00:00"
    assert item.author == "Grace Reporter"
    assert item.content_html == "<p>Atom body</p>"
    assert item.summary_html == "<p>Atom summary</p>"  # type="text" by default, so escaped into HTML
    assert item.feed_title == "Atom Times"


def test_json_feed_parsed() -> None:
    first, second = parse_feed(JSON_FEED, "feed.json")
    assert first.title == "JSON one"
    assert first.url == "https://json.example/1"
    assert first.published == "2025-03-04T05:06:07+00:00"
    assert first.author == "Linus Byline"
    assert first.content_html == "<p>JSON body</p>"
    assert first.feed_title == "JSON Daily"
    assert second.url is None
    assert second.author == "Desk"  # falls back to the feed's author
    assert second.content_html == "<p>Plain &lt;text&gt; only.</p><p>Second paragraph.</p>"


def test_json_feed_1_0_author() -> None:
    doc = {"version": "https://jsonfeed.org/version/1", "title": "Old JSON", "items": [{"id": "1", "content_text": "x", "author": {"name": "Solo"}}]}
    (item,) = parse_feed(json.dumps(doc).encode(), "feed.json")
    assert item.author == "Solo"


def test_doctype_without_entities_allowed() -> None:
    (item,) = parse_feed(RSS_091_DOCTYPE, "old.xml")
    assert item.title == "Old item"


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, MALFORMED_WITH_ENTITY])
def test_entity_attacks_rejected(data: bytes) -> None:
    with pytest.raises(InputError, match="evil.xml") as info:
        parse_feed(data, "evil.xml")
    assert "entit" in str(info.value)
    assert "root:" not in str(info.value)


def test_external_entity_names_the_resource() -> None:
    with pytest.raises(InputError, match="file:///etc/passwd"):
        parse_feed(EXTERNAL_ENTITY, "evil.xml")


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a feed",
        b"<html><body><p>A web page, not a feed</p></body></html>",
        b"<rss><channel><title>cut off</ch",
        b"",
        b'{"not": "a feed"}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "no items"}',
        b"/etc/passwd",  # feedparser would open bytes like these as a file name; we never let it
    ],
)
def test_malformed_feed_rejected(data: bytes) -> None:
    with pytest.raises(InputError, match="broken.xml") as info:
        parse_feed(data, "broken.xml")
    assert "root:" not in str(info.value)


def test_empty_but_valid_feed() -> None:
    assert parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "quiet.xml") == []


# -- documents ---------------------------------------------------------------------------


def test_offline_feed_items_use_feed_content() -> None:
    out = list(feed_documents(rss(), "rss.xml", None))
    assert len(out) == 4
    first, second, third, fourth = out
    assert isinstance(first, RawDocument)
    assert first.kind == "feed-item"
    assert first.input == "rss.xml#story-1"
    assert "<em>body</em>" in first.html  # content preferred over summary
    assert first.url == "https://news.example/article/1"
    assert first.outlet == "Example News" and first.author == "Ada Writer"
    assert isinstance(second, RawDocument) and "teaser" in second.html
    assert isinstance(third, RawDocument) and third.input == "rss.xml#2"  # no guid: index
    assert isinstance(fourth, Rejection) and fourth.input == "rss.xml#3"


def test_offline_json_feed_documents() -> None:
    out = list(feed_documents(JSON_FEED, "feed.json", None))
    assert [d.input for d in out] == ["feed.json#j1", "feed.json#j2"]
    assert all(isinstance(d, RawDocument) and d.kind == "feed-item" for d in out)


def test_feed_items_fetched_with_fallback_and_rejection(base: str, fetcher: Fetcher) -> None:
    out = list(feed_documents(rss(base), f"{base}/feed.xml", fetcher))
    assert len(out) == 4
    one, missing, gone, two = out

    assert isinstance(one, RawDocument)
    assert one.kind == "html"
    assert one.input == one.url == f"{base}/article/1"
    assert "Café story one." in one.html
    assert (one.title, one.author, one.outlet) == ("First story", "Ada Writer", "Example News")
    assert one.published == "2025-01-02T03:04:05+00:00"

    # Fetch failed and the feed has only a teaser: rejected, but the feed went on.
    assert isinstance(missing, Rejection)
    assert missing.input == f"{base}/article/missing"
    assert "404" in missing.reason

    # Fetch failed but the feed carries a full text: that text is used instead.
    assert isinstance(gone, RawDocument)
    assert gone.kind == "feed-item"
    assert gone.input == f"{base}/article/gone"
    assert "word119" in gone.html

    assert isinstance(two, RawDocument) and two.kind == "html" and "Story two." in two.html


def test_blocked_item_link_is_a_rejection_not_a_crash(base: str) -> None:
    with Fetcher(Settings(allow_private=False, fetch_delay=0.0)) as guarded:
        out = list(feed_documents(rss(base), "feed.xml", guarded))
    assert [type(d) for d in out] == [Rejection, Rejection, RawDocument, Rejection]
    assert "non-public address" in out[0].reason  # type: ignore[union-attr]


def test_unparsable_feed_raises_on_iteration() -> None:
    with pytest.raises(InputError):
        list(feed_documents(BILLION_LAUGHS, "evil.xml", None))
