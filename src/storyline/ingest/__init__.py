"""Read every common news input: text, Markdown, HTML, feeds, WARC, JSONL, URL lists, stdin."""

from storyline.ingest.sources import SourceOptions, iter_sources, sniff_kind

__all__ = ["SourceOptions", "iter_sources", "sniff_kind"]
