"""Event-level story clustering (work in progress)."""
from storyline.cluster.features import embedding_text

__all__ = ["embedding_text"]
