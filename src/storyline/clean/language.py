"""Language identification with py3langid (offline, small model inside the package)."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_chars: int = 20) -> str | None:
    """ISO 639-1 code, or None when the text is too short or the guess is weak."""
    sample = text[:5000]
    if len(sample.strip()) < min_chars:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else None
