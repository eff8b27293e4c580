"""Fixtures for the NLP tests: one spaCy model per test process (models_registry caches it)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from storyline.models import Article  # noqa: E402
from storyline.nlp import analyze_article  # noqa: E402
from storyline.nlp.types import ArticleAnalysis  # noqa: E402


def make_article(text: str, published: str | None = None, id: str = "t") -> Article:
    return Article(id=id, input=f"test:{id}", kind="text", title=None, text=text, published=published)


@pytest.fixture(scope="session")
def analyze() -> Callable[..., ArticleAnalysis]:
    def run(text: str, published: str | None = None, id: str = "t") -> ArticleAnalysis:
        return analyze_article(make_article(text, published, id))

    return run
