"""Every kind of bad input is rejected with a message naming it; the rest of the batch is ingested."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.config import Settings
from storyline.ingest import SourceOptions, iter_sources, sniff_kind
from storyline.ingest.decode import decode_bytes
from storyline.models import RawDocument, Rejection
from storyline.service import ingest

BODY = (
    "The city council approved a new budget on Tuesday after a long debate about school funding and road repairs. "
    "Council members voted seven to two in favour, and the mayor said the plan would take effect in January."
)


def _good(tmp: Path) -> Path:
    p = tmp / "good.txt"
    p.write_text("Council approves budget\n\n" + BODY, encoding="utf-8")
    return p


def _warc(records: list[tuple[str, bytes, list[tuple[str, str]]]]) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body, headers in records:
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


def _run(tmp_path: Path, bad: Path, store, settings: Settings | None = None):
    good = _good(tmp_path)
    result = ingest([str(bad), str(good)], store, settings or Settings(), SourceOptions(fetch=False))
    assert len(result.added) == 1, "the good input must still be ingested"
    return result


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n  ", "empty"),
        ("truncated.html", b"<html><head><title>Broken</title></head><body><div><p>Only a few words", "article text"),
        ("stub.txt", b"Just a title\n\nand a line.", "words of article text"),
    ],
)
def test_bad_file_rejected_rest_ingested(tmp_path: Path, store, name: str, content: bytes, needle: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    result = _run(tmp_path, bad, store)
    assert len(result.rejected) == 1
    rejection = result.rejected[0]
    assert name in rejection.input
    assert needle in rejection.reason
    assert store.rejections()[0].input == rejection.input


def test_oversized_file_refused_without_reading(tmp_path: Path, store) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # a 60 MB sparse file
    result = _run(tmp_path, big, store)
    assert "limit" in result.rejected[0].reason and "huge.txt" in result.rejected[0].input


@pytest.mark.parametrize(
    "encoding,prefix",
    [("cp1252", b""), ("latin-1", b""), ("utf-16", b""), ("utf-8", b"\xef\xbb\xbf")],
)
def test_encodings_decoded(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "Café owners in Zürich said the “new rules” cost them €300 — a lot. " * 3
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"').replace("€", "EUR").replace("—", "-")
    data = prefix + text.encode(encoding)
    decoded = decode_bytes(data, "x.txt")
    assert "Café" in decoded and "Zürich" in decoded


def test_mixed_encoding_does_not_crash(tmp_path: Path, store) -> None:
    bad = tmp_path / "mixed.txt"
    bad.write_bytes(("Headline about prices\n\n" + BODY).encode("utf-8") + " Caf\xe9 cr\xe8me.".encode("latin-1"))
    result = ingest([str(bad)], store, Settings(), SourceOptions(fetch=False))
    assert len(result.added) == 1
    assert "Caf" in store.articles()[0].text


def test_gzip_bomb_in_warc_is_capped(tmp_path: Path, store) -> None:
    bomb = gzip.compress(b"<html><body>" + b"A" * (30 * 1024 * 1024) + b"</body></html>")
    page = f"<html><head><title>Budget</title></head><body><article><h1>Budget</h1><p>{BODY}</p></article></body></html>".encode()
    data = _warc([
        ("https://example.org/bomb", bomb, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]),
        ("https://example.org/ok", page, [("Content-Type", "text/html")]),
    ])
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    settings = Settings(max_record_bytes=5 * 1024 * 1024)
    result = ingest([str(path)], store, settings, SourceOptions(fetch=False))
    assert len(result.added) == 1
    assert any("bomb" in r.input and "decompression" in r.reason for r in result.rejected)


def test_truncated_warc_keeps_earlier_records(tmp_path: Path, store) -> None:
    page = f"<html><body><article><h1>Budget vote</h1><p>{BODY}</p></article></body></html>".encode()
    data = _warc([("https://example.org/a", page, [("Content-Type", "text/html")])])
    second = _warc([("https://example.org/b", page.replace(b"Budget", b"Tax"), [("Content-Type", "text/html")])])
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data + second[: len(second) // 2])
    result = ingest([str(path)], store, Settings(), SourceOptions(fetch=False))
    assert len(result.added) == 1
    assert result.rejected and "cut.warc.gz" in result.rejected[0].input


def test_jsonl_bad_lines_rejected_good_lines_kept(tmp_path: Path, store) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"title": "Budget approved", "text": BODY, "outlet": "Daily", "url": "https://d.example/1", "published": "2024-01-02"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "No body"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest([str(path)], store, Settings(), SourceOptions(fetch=False))
    assert len(result.added) == 1 and len(result.rejected) == 3
    assert all("batch.jsonl:" in r.input for r in result.rejected)
    art = store.articles()[0]
    assert (art.outlet, art.published, art.title) == ("Daily", "2024-01-02", "Budget approved")


def test_missing_path_rejected(store, tmp_path: Path) -> None:
    result = _run(tmp_path, tmp_path / "nope.txt", store)
    assert "no such file" in result.rejected[0].reason


def test_hostile_feed_rejected_rest_ingested(tmp_path: Path, store) -> None:
    laughs = tmp_path / "laughs.rss"
    laughs.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        "<rss><channel><title>&lol2;</title></channel></rss>"
    )
    result = _run(tmp_path, laughs, store)
    assert "laughs.rss" in result.rejected[0].input


def test_sidecar_and_outlet_option(tmp_path: Path) -> None:
    good = _good(tmp_path)
    (tmp_path / "good.txt.meta.json").write_text(json.dumps({"outlet": "Sidecar Times", "published": "2024-05-01"}))
    other = tmp_path / "other.txt"
    other.write_text("Another headline here\n\n" + BODY)
    docs = [d for d in iter_sources([str(tmp_path)], Settings(), SourceOptions(outlet="Fallback", fetch=False)) if isinstance(d, RawDocument)]
    by_name = {Path(d.input).name: d for d in docs}
    assert by_name["good.txt"].outlet == "Sidecar Times" and by_name["good.txt"].published == "2024-05-01"
    assert by_name["other.txt"].outlet == "Fallback"
    assert "good.txt.meta.json" not in by_name


def test_url_needs_network_when_offline() -> None:
    items = list(iter_sources(["https://example.org/a"], Settings(), SourceOptions(fetch=False)))
    assert isinstance(items[0], Rejection) and "offline" in items[0].reason


@pytest.mark.parametrize("data,suffix,kind", [
    (b"WARC/1.0\r\n", "", "warc"),
    (b"<rss version='2.0'>", "", "feed"),
    (b"<!DOCTYPE html><html>", "", "html"),
    (b'{"title": "x"}', "", "jsonl"),
    (b"https://a.example/1\nhttps://b.example/2\n", "", "urls"),
    (b"Plain words", "", "text"),
    (b"# Heading", ".md", "markdown"),
])
def test_sniff_kind(data: bytes, suffix: str, kind: str) -> None:
    assert sniff_kind(data, suffix) == kind


def test_jsonl_reads_the_field_names_of_common_exports(tmp_path: Path, store) -> None:
    path = tmp_path / "exports.jsonl"
    lines = [
        # news-please
        json.dumps({"title": "Budget approved", "maintext": BODY, "source_domain": "daily.example",
                    "date_publish": "2024-01-02 08:00:00", "url": "https://daily.example/1", "authors": ["A. Writer", "B. Writer"]}),
        # NewsAPI
        json.dumps({"title": "Budget passes", "content": BODY.replace("Budget", "Spending plan"), "source": {"id": None, "name": "Herald"},
                    "publishedAt": "2024-01-03T09:00:00Z", "url": "https://herald.example/2"}),
        # epoch timestamp, schema.org names; the canonical field wins over its alias
        json.dumps({"headline": "Budget vote", "text": BODY.replace("Budget", "Finance bill"), "body": "ignored",
                    "outlet": "Post", "datePublished": 1704268800}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest([str(path)], store, Settings(), SourceOptions(fetch=False))
    assert len(result.added) == 3 and not result.rejected
    got = {a.title: (a.outlet, a.published, a.author) for a in store.articles()}
    assert got["Budget approved"] == ("daily.example", "2024-01-02 08:00:00", "A. Writer, B. Writer")
    assert got["Budget passes"][:2] == ("Herald", "2024-01-03T09:00:00Z")
    assert got["Budget vote"][:2] == ("Post", "2024-01-03T08:00:00+00:00")
    assert "ignored" not in {a.text for a in store.articles()}
