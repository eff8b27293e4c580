"""Turn a RawDocument into a clean Article: extract, normalise, remove debris, detect language."""

from storyline.clean.pipeline import Prepared, clean_document, finish_document, outlet_boilerplate, prepare_document, short_lines

__all__ = ["Prepared", "clean_document", "finish_document", "outlet_boilerplate", "prepare_document", "short_lines"]
