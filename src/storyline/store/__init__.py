"""Persistence. SQLite is the default backend; others implement the same methods."""

from storyline.store.sqlite import Store

__all__ = ["Store"]
