from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from storyline.api.app import create_app
from storyline.store import Store
from tests.api.storydata import hostile_story, old_story, xi_story

BASE = "http://127.0.0.1:8000"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "api.db"


@pytest.fixture
def stories(db: Path) -> dict[str, dict[str, Any]]:
    with Store(db) as store:
        old = old_story(store)
        xi = xi_story(store, related=[old["id"]])
        hostile = hostile_story(store)
    return {"xi": xi, "old": old, "hostile": hostile}


@pytest.fixture
def app(db: Path, tmp_path: Path, stories: dict[str, Any]) -> Iterator[Any]:
    application = create_app(db, tmp_path / "secret" / "token", refresh_stories=False)
    yield application
    application.close()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE) as c:
        yield c


@pytest.fixture
def token(tmp_path: Path, app: Any) -> str:
    return (tmp_path / "secret" / "token").read_text().strip()


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
