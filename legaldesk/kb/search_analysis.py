"""French text analysis of the search engine: words, elisions, stop words, stems and accents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from typing import NamedTuple

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language

TOKEN_RE = re.compile(r"[^\W_]+(?:['’‘ʼ][^\W_]+)*")
APOSTROPHES = "'’‘ʼ"
_APOSTROPHE_RE = re.compile("['’‘ʼ]")
ELIDED = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu",
                    "quoiqu"})
STOP_WORDS = frozenset(stopwords_for_language("fr")) | frozenset(
    {"a", "les", "leurs", "cet", "cette", "ceux", "celle", "celles", "celui", "cela", "ceci",
     "dont", "où", "ou", "ça", "si", "donc", "car", "ainsi", "entre", "chez", "vers"})
# Words of a question's frame ("quelle est...", "comment faire...") weigh less in queries.
QUESTION_WORDS = frozenset({
    "quel", "quelle", "quels", "quelles", "comment", "combien", "pourquoi", "quand", "peut",
    "peuvent", "puis", "peux", "dois", "doit", "doivent", "faut", "faire", "fait", "veux",
    "voudrais", "savoir", "question", "possible", "obligatoire", "quoi", "lequel", "laquelle",
    "est-ce", "existe", "avoir", "être", "etre"})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_french_stem = stemmer_for_language("fr")
_STEM_CACHE: dict[str, tuple[str, ...]] = {}
_STEM_CACHE_LIMIT = 200_000


def fold_accents(text: str) -> str:
    """Remove diacritics and expand ligatures (é → e, œ → oe)."""
    text = text.translate(_LIGATURES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem_terms(word: str) -> tuple[str, ...]:
    """Index terms of a lower-case word: stemmed THEN folded, plus the stem of the folded form.

    Snowball needs the accents, so folding comes after stemming; but users often type without
    accents ("indemnite" stems differently from "indemnité"), so the stem of the accent-free
    spelling is indexed too when it differs. Queries get the same pair, so both spellings meet.
    """
    terms = _STEM_CACHE.get(word)
    if terms is None:
        first = fold_accents(_french_stem(word))
        folded = fold_accents(word)
        second = fold_accents(_french_stem(folded)) if folded != word else first
        terms = (first,) if second == first else (first, second)
        if len(_STEM_CACHE) >= _STEM_CACHE_LIMIT:
            _STEM_CACHE.clear()
        _STEM_CACHE[word] = terms
    return terms


def light_key(word: str) -> str:
    """Lower case, no accents, no plural s/x, no feminine e, no final double consonant."""
    key = fold_accents(word.lower())
    if len(key) > 3 and key[-1] in "sx":
        key = key[:-1]
    if len(key) > 3 and key[-1] == "e":
        key = key[:-1]
    if len(key) > 3 and key[-1] == key[-2] and key[-1] not in "aeiouy":
        key = key[:-1]
    return key


def strip_elision(word: str) -> tuple[str, int]:
    """Drop a French elided article (l', d', qu'...); return the word and the chars removed."""
    for i, char in enumerate(word):
        if char in APOSTROPHES:
            if word[:i].lower() in ELIDED:
                return _APOSTROPHE_RE.sub("", word[i + 1:]), i + 1
            return _APOSTROPHE_RE.sub("", word), 0  # aujourd'hui, prud'hommes
    return word, 0


class WordToken(NamedTuple):
    """One word of a text with its index terms (empty for a stop word)."""

    surface: str
    terms: tuple[str, ...]
    start: int
    end: int
    upper: bool

    @property
    def key(self) -> str:
        """Light, accent-free form matching synonym keys: plural and feminine endings removed.

        Lighter than the index stem on purpose: "rendez" and "rendement" share a stem, not a
        key, so a synonym of one is never applied to the other.
        """
        return light_key(self.surface) if self.terms else ""


class FrenchAnalysis:
    """Tokenise French text: elisions, lower case, stop words, acronyms, stemming, folding."""

    def __init__(self, acronyms: Collection[str] = (), word_like: Collection[str] = ()):
        self.acronyms = frozenset(acronyms)
        self.word_like = frozenset(word_like)
        self._cache: dict[str, tuple[str, ...]] = {}

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, FrenchAnalysis) and self.acronyms == other.acronyms
                and self.word_like == other.word_like)

    def __hash__(self) -> int:
        return hash((self.acronyms, self.word_like))

    def __getstate__(self) -> dict:
        # The schema (and so this object) is pickled into the index: leave the cache out.
        return {"acronyms": self.acronyms, "word_like": self.word_like}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["acronyms"], state["word_like"])

    def word_terms(self, word: str) -> tuple[str, ...]:
        """Index terms of one (elision-free) word as written; () for a stop word."""
        terms = self._cache.get(word)
        if terms is None:
            terms = self._word_terms(word)
            if len(self._cache) >= _STEM_CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = terms
        return terms

    def _word_terms(self, word: str) -> tuple[str, ...]:
        low = word.lower()
        upper = len(word) > 1 and word.isupper()
        if low in self.acronyms and (upper or (low not in self.word_like
                                               and low not in STOP_WORDS)):
            return (fold_accents(low),)
        if low in STOP_WORDS:
            return ()
        if upper:
            # An unknown acronym: keep it whole, and its stem for users typing it in lower case.
            whole = fold_accents(low)
            return (whole,) + tuple(t for t in stem_terms(low) if t != whole)
        return stem_terms(low)

    def spans(self, text: str, start_char: int = 0) -> Iterator[tuple[str, int, int]]:
        """Yield (word without elided article, start, end) for each word of `text`."""
        for match in TOKEN_RE.finditer(text):
            surface, removed = match.group(), 0
            if not surface.isalnum():
                surface, removed = strip_elision(surface)
            yield surface, start_char + match.start() + removed, start_char + match.end()

    def words(self, text: str, start_char: int = 0) -> Iterator[WordToken]:
        """Yield the words of `text`, stop words included (with no terms)."""
        word_terms = self.word_terms
        for surface, start, end in self.spans(text, start_char):
            yield WordToken(surface, word_terms(surface), start, end,
                            len(surface) > 1 and surface.isupper())

    def terms(self, text: str) -> list[tuple[str, ...]]:
        """Terms of each non-stop word of `text`, in order."""
        word_terms = self.word_terms
        return [t for t in (word_terms(s) for s, _b, _e in self.spans(text)) if t]


class FrenchAnalyzer(Analyzer):
    """Whoosh analyzer wrapping `FrenchAnalysis` (same analysis at index and query time)."""

    def __init__(self, acronyms: Collection[str] = (), word_like: Collection[str] = ()):
        self.analysis = FrenchAnalysis(acronyms, word_like)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        """Yield Whoosh tokens; alternative terms of a word share its position."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        word_terms = self.analysis.word_terms
        for surface, start, end in self.analysis.spans(value, start_char):
            terms = word_terms(surface)
            if not terms:
                continue
            for text in terms:
                token.text, token.boost, token.stopped = text, 1.0, False
                if keeporiginal:
                    token.original = surface
                if positions:
                    token.pos = position
                if chars:
                    token.startchar, token.endchar = start, end
                yield token
            position += 1


_SPELL_WORD = re.compile(r"[^\W\d_]{4,}")


def spelling_words(text: str) -> str:
    """Distinct lower-case words of four letters or more (accents kept), stop words removed."""
    return " ".join(set(_SPELL_WORD.findall(text.lower())) - STOP_WORDS)


class SpellAnalyzer(Analyzer):
    """Splits the output of `spelling_words` (the "did you mean" vocabulary)."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 removestops: bool = True, mode: str = "", **kwargs):
        """Yield each space-separated word."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in enumerate(value.split()):
            token.text, token.boost, token.stopped = word, 1.0, False
            if positions:
                token.pos = position
            yield token
