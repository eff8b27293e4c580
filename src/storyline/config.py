"""Settings, validated once. Values come from defaults, then env (STORYLINE_*), then CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from storyline.errors import ConfigError

MB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    db: str = "storyline.db"
    max_document_bytes: int = 20 * MB  # one text/HTML file, one feed, one fetched body
    max_record_bytes: int = 20 * MB  # one decompressed WARC/JSONL record
    max_warc_bytes: int = 4096 * MB  # a whole decompressed WARC file
    fetch_timeout: float = 20.0
    fetch_max_redirects: int = 5
    fetch_delay: float = 1.0  # seconds between requests to one host
    allow_private: bool = False
    user_agent: str = "Storyline/0.1 (+https://github.com/storyline-news/storyline; news analysis)"
    workers: int = 1

    def __post_init__(self) -> None:
        for name in ("max_document_bytes", "max_record_bytes", "max_warc_bytes", "fetch_max_redirects"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)}.", fix=f"Set {name} to a positive number.")
        if self.fetch_timeout <= 0:
            raise ConfigError("fetch_timeout must be positive.", fix="Use e.g. STORYLINE_FETCH_TIMEOUT=20.")


def from_env(base: Settings | None = None) -> Settings:
    """Overlay STORYLINE_<FIELD> environment variables on `base`."""
    base = base or Settings()
    changes: dict[str, object] = {}
    for f in fields(Settings):
        raw = os.environ.get(f"STORYLINE_{f.name.upper()}")
        if raw is None:
            continue
        try:
            if f.type in ("bool", bool):
                changes[f.name] = raw.lower() in ("1", "true", "yes")
            elif f.type in ("int", int):
                changes[f.name] = int(raw)
            elif f.type in ("float", float):
                changes[f.name] = float(raw)
            else:
                changes[f.name] = raw
        except ValueError as exc:
            raise ConfigError(f"STORYLINE_{f.name.upper()}={raw!r} is not a valid {f.type}.", fix="Correct or unset it.") from exc
    return replace(base, **changes)  # type: ignore[arg-type]
