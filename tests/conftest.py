"""Shared fixtures. Tests never use the network (HF_HUB_OFFLINE is set by `make test`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def store(tmp_path: Path):
    from storyline.store import Store

    s = Store(tmp_path / "test.db")
    yield s
    s.close()


def shared_data(name: str) -> Path:
    """Path to an evaluation set in ../shared/data, or skip with the reason."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared/data exists only on the developers' machines and CI)")
    return path
