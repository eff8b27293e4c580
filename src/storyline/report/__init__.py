"""Reports: versioned JSON, Markdown and a self-contained HTML page."""

from storyline.report.build import SCHEMA_VERSION, build_report, load_schema, write_reports

__all__ = ["SCHEMA_VERSION", "build_report", "load_schema", "write_reports"]
