"""Event-level story clustering: all coverage of one event together, different occurrences apart.

Library API (the CLI, report and HTTP API call these)::

    from storyline.cluster import StoryClusterer, Story, cluster_store, stories_for

    # In memory, scikit-learn style. Embeddings default to models_registry.embed.
    cl = StoryClusterer().fit(articles, embeddings=None, event_dates=None)
    cl.labels_                      # story id per article, in input order
    stories = cl.stories()           # list[Story], creation order, with arcs

    # Streaming: attach articles as they arrive (ids of existing stories never change).
    cl.partial_fit(new_articles)     # -> story id per article
    cl.consolidate()                 # on demand: merge/move/split; -> list[StoryChange]

    # Against the SQLite store (tables of migration 3):
    stories = cluster_store(store, on_progress=None)        # attach unclustered articles, return all
    stories = stories_for(store, ["article-id", ...])         # the stories holding these articles
    changes = consolidate_store(store)                       # on-demand merge/split pass, logged

`event_dates` maps article id -> (date, precision) (e.g. from `nlp.dating`) and overrides the
published date and the text evidence of `cluster.when.text_event_date`.

A `Story` has `id`, `title`, `article_ids`, `outlets`, `independent_sources`, `first_seen`,
`last_seen`, `related_story_ids` (its arc), `event_date`, `date_precision` and `to_dict()`.
The method is described in `storyline.cluster.core`; the measurements in bench/README.md.
"""

from __future__ import annotations

from storyline.cluster.core import StoryChange, StoryClusterer
from storyline.cluster.features import embedding_text
from storyline.cluster.persist import all_stories, cluster_store, consolidate_store, stories_for, story_changes
from storyline.cluster.story import Story, build_stories, independent_sources, story_arcs
from storyline.cluster.when import DateEvidence, text_event_date

__all__ = [
    "StoryClusterer", "StoryChange", "Story", "cluster_store", "stories_for", "consolidate_store", "all_stories",
    "story_changes", "build_stories", "story_arcs", "independent_sources", "text_event_date", "DateEvidence",
    "embedding_text",
]
