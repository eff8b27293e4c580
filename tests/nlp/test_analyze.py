"""analyze_article / analyze_articles: purity, order, progress, process pool."""

from __future__ import annotations

import pickle

from storyline.nlp import analyze_article, analyze_articles

from .conftest import make_article

TEXTS = [
    'ANKARA, Oct 15 (Reuters) - A magnitude 6.1 earthquake struck on Tuesday, killing at least 41 people, officials said.',
    '"We will rebuild," Mayor Lena Holm said on Wednesday.\n\nThe city will spend $2 billion on housing.',
]


def test_offsets_point_into_the_text(analyze):
    a = analyze(TEXTS[1])
    for item in (*a.entities, *a.quotes, *a.quantities, *a.times, *a.sentences):
        assert TEXTS[1][item.start:item.end] == item.text


def test_sentences_never_cross_paragraphs(analyze):
    a = analyze(TEXTS[1])
    assert all("\n" not in s.text for s in a.sentences)


def test_results_are_plain_picklable_values(analyze):
    a = analyze(TEXTS[0], published="2024-10-16")
    assert pickle.loads(pickle.dumps(a)) == a
    assert a.to_dict()["event_date"]["value"] == "2024-10-15"


def test_batch_matches_single_and_reports_progress():
    articles = [make_article(t, id=f"a{i}") for i, t in enumerate(TEXTS)]
    seen = []
    batch = analyze_articles(articles, on_progress=lambda n, aid: seen.append((n, aid)))
    assert [b.article_id for b in batch] == ["a0", "a1"]
    assert batch[0] == analyze_article(articles[0])
    assert seen[-1] == (2, "a1")


def test_process_pool_gives_the_same_results():
    articles = [make_article(t, id=f"a{i}") for i, t in enumerate(TEXTS * 3)]
    assert analyze_articles(articles, n_process=2, batch_size=2) == analyze_articles(articles)
