"""French-aware Whoosh search engine of the knowledge base: analysis, index, ranking, snippets.

Whoosh stores the index (segments, postings, stored fields, write lock). Ranking is done here,
term at a time over cached posting lists, so that query expansion, typo tolerance, filters and
facets stay fast: BM25 per field, a coordination factor over the user's words, synonym and
typo alternatives that weigh less than the user's words, and a title re-ranking of the top.
The engine knows nothing of the database: the app feeds `SearchDocument`s after commit.
"""

from __future__ import annotations

import heapq
import html
import math
import os
import re
import shutil
import threading
import time
import unicodedata
import weakref
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from whoosh import columns, fields, formats, index
from whoosh.analysis import Analyzer, Token
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.query import Phrase
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import CLEAR

from legaldesk.kb.synonyms import SynonymTable

# ---------------------------------------------------------------------------------------------
# Text analysis

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


# ---------------------------------------------------------------------------------------------
# Documents, results, errors

TEXT_FIELDS = ("title", "summary", "tags", "body")
_FIELDS_BIGGEST_FIRST = ("body", "title", "summary", "tags")
AUDIENCES = ("public", "members", "staff")
PUBLISHED = "published"
_PARALLEL_FROM = 2000  # below this many documents a rebuild indexes in one process
_META_SEP, _LIST_SEP = "\x1f", "\x1e"
_FILTER_NAMES = frozenset({"audiences", "include_unpublished", "topics", "kinds"})


@dataclass
class SearchDocument:
    """A knowledge-base document as the app feeds it to the index."""

    id: str
    title: str
    body: str
    summary: str = ""
    tags: Sequence[str] = ()
    topics: Sequence[str] = ()
    kind: str = "note"
    audience: str = "members"
    status: str = "published"
    external_ref: str | None = None
    url: str | None = None
    updated_at: datetime | None = None


@dataclass
class Hit:
    """One search result; `snippet` is HTML-escaped text with <mark> around matches."""

    id: str
    external_ref: str | None
    title: str
    score: float
    snippet: str
    topics: list[str]
    kind: str
    url: str | None = None


@dataclass
class SearchResult:
    """A page of hits with the total count, facet counts and the "did you mean" suggestion."""

    hits: list[Hit]
    total: int
    page: int
    pagelen: int
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    expanded_query: str


class IndexBusy(Exception):
    """Another writer holds the index lock; the caller's queue should retry later."""


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class RankingConfig:
    """Ranking knobs; defaults tuned on half of the dev queries (bench/search_quality.py --tune).

    field_boosts, field_b, k1: BM25 per field (a summary and tags weigh more than the body).
    coordination: exponent on the idf-weighted share of the user's words a document holds.
    expansion_weight, typo_weight: weight of synonym/acronym and typo alternatives (< 1).
    common_ratio: words in more than this share of documents add score but recruit no document.
    min_cover: share of the user's words a document must hold to match at all.
    title_bonus, title_exact_bonus: re-ranking of the top `rerank_depth` by title coverage and
    by how little else the title says.
    kind_priors: score multipliers per document kind (e.g. favour curated notes).
    question_weight: weight of question-frame words ("quelle", "comment", "peut").
    shared_idf: score every field with the body's (larger) document frequency, so that a word
    rare in titles but common in bodies does not dominate.
    """

    field_boosts: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {"title": 5.0, "summary": 2.0, "tags": 2.0, "body": 1.0}))
    field_b: Mapping[str, float] = field(default_factory=lambda: _frozen(
        {"title": 0.5, "summary": 0.5, "tags": 0.3, "body": 0.5}))
    k1: float = 1.2
    coordination: float = 1.0
    expansion_weight: float = 0.6
    typo_weight: float = 0.7
    common_ratio: float = 0.2
    min_cover: float = 0.0
    title_bonus: float = 1.0
    title_exact_bonus: float = 0.5
    rerank_depth: int = 50
    kind_priors: Mapping[str, float] = field(default_factory=lambda: _frozen({}))
    max_expansions_per_term: int = 3
    max_expansions: int = 8
    typo_max_df: int = 1
    max_typos: int = 3
    question_weight: float = 0.1
    shared_idf: bool = True


# ---------------------------------------------------------------------------------------------
# Synonyms compiled against the analysis


@dataclass(frozen=True)
class Expansion:
    """An alternative wording: the index terms of each of its words, in order."""

    text: str
    terms: tuple[tuple[str, ...], ...]
    key: tuple[str, ...] = ()


class ExpansionMap:
    """Synonym keys (tuples of accent-free terms) to ordered expansions, ambiguity removed."""

    def __init__(self, table: SynonymTable, analysis: FrenchAnalysis):
        self.by_key: dict[tuple[str, ...], list[Expansion]] = {}
        self.upper_only: set[tuple[str, ...]] = set()
        self.max_len = 1
        for term, other, _origin in table.pairs():
            self._add(table, analysis, term, other)

    def _add(self, table: SynonymTable, analysis: FrenchAnalysis, term: str, other: str) -> None:
        key = tuple(w.key for w in analysis.words(term) if w.terms)
        words = [w for w in analysis.words(other) if w.terms]
        other_key = tuple(w.key for w in words)
        if not key or not words or other_key == key:
            return
        expansions = self.by_key.setdefault(key, [])
        if any(e.key == other_key for e in expansions):
            return
        expansions.append(Expansion(other, tuple(w.terms for w in words), other_key))
        if len(key) == 1 and table.is_acronym(term) and term.lower() in table.lowercase_words:
            self.upper_only.add(key)
        self.max_len = max(self.max_len, len(key))

    def lookup(self, words: Sequence[WordToken], start: int) -> tuple[int, list[Expansion]]:
        """Longest synonym key starting at `start`: (its length, its expansions) or (0, [])."""
        for length in range(min(self.max_len, len(words) - start), 0, -1):
            key = tuple(w.key for w in words[start:start + length])
            found = self.by_key.get(key)
            if found and not (key in self.upper_only and not words[start].upper):
                return length, found
        return 0, []


# ---------------------------------------------------------------------------------------------
# Query plans


@dataclass
class Alternative:
    """One way to match a concept: a single word's terms, or a phrase of words."""

    terms: tuple[tuple[str, ...], ...]
    weight: float = 1.0
    label: str = ""

    @property
    def is_phrase(self) -> bool:
        """True when the alternative spans several words."""
        return len(self.terms) > 1


@dataclass
class Group:
    """A concept of the query: its alternatives and the user words it covers (a bit mask)."""

    alternatives: list[Alternative]
    covers: int
    required: bool = False
    weight: float = 1.0


@dataclass
class QueryPlan:
    """What to look for: groups, the user's words (with their weights) and the suggestion."""

    groups: list[Group]
    words: list[WordToken]
    word_weights: list[float]
    suggestion: str | None = None
    coordination: float = 1.0
    min_cover: float = 0.0
    exclude: int | None = None

    def describe(self) -> str:
        """Human-readable expanded query (debugging, logs, the `expanded_query` field)."""
        parts = []
        for group in self.groups:
            labels = [a.label for a in group.alternatives]
            text = labels[0] if len(labels) == 1 else "(" + " | ".join(labels) + ")"
            parts.append(("+" if group.required else "") + text)
        return " ".join(parts)


_QUOTED = re.compile(r'"([^"]+)"|«\s*([^»]+?)\s*»')


def split_quoted(query: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Split a query into free-text parts and quoted phrases, each with its start offset."""
    free, quoted, last = [], [], 0
    for match in _QUOTED.finditer(query):
        free.append((query[last:match.start()], last))
        group = 1 if match.group(1) is not None else 2
        quoted.append((match.group(group), match.start(group)))
        last = match.end()
    free.append((query[last:], last))
    return free, quoted


# ---------------------------------------------------------------------------------------------
# Per-segment data shared by all searchers (segments are immutable, deletions aside)


@dataclass
class SegmentData:
    """Column data of one segment: document kinds, audiences, statuses, topics and lengths."""

    kinds: list[str]
    audiences: list[str]
    statuses: list[str]
    topics: list[tuple[str, ...]]
    lengths: dict[str, bytes] = field(default_factory=dict)
    masks: dict[tuple, bytes] = field(default_factory=dict)

    def mask(self, key: tuple) -> bytes:
        """1 for each document matching a filter (audiences, statuses, topics, kinds)."""
        found = self.masks.get(key)
        if found is None:
            audiences, statuses, topics, kinds = key
            found = bytes(
                audience in audiences and (statuses is None or status in statuses)
                and (not kinds or kind in kinds) and (not topics or not topics.isdisjoint(doc))
                for audience, status, kind, doc in zip(self.audiences, self.statuses, self.kinds,
                                                       self.topics, strict=True))
            if len(self.masks) > 32:
                self.masks.clear()
            self.masks[key] = found
        return found


def _read_segment_meta(reader) -> SegmentData:
    """Kinds, audiences, statuses and topics of a segment (one shared object per value)."""
    kinds, audiences, statuses, topics = [], [], [], []
    shared: dict = {}
    for raw in reader.column_reader("meta", translate=False):
        parts = (raw.decode("utf-8") if raw else "").split(_META_SEP)
        parts += [""] * (4 - len(parts))
        kinds.append(shared.setdefault(parts[0], parts[0]))
        audiences.append(shared.setdefault(parts[1], parts[1]))
        statuses.append(shared.setdefault(parts[2], parts[2]))
        doc_topics = tuple(t for t in parts[3].split(_LIST_SEP) if t)
        topics.append(shared.setdefault(doc_topics, doc_topics))
    return SegmentData(kinds, audiences, statuses, topics)


def _read_lengths(reader, fieldname: str) -> bytes:
    """Byte-encoded field lengths of a segment (Whoosh's length column, read once)."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "column_reader"):
        lenfield = f"_{fieldname}_len"
        if perdoc.has_column(lenfield):
            return bytes(perdoc.column_reader(lenfield, LENGTHS_COLUMN))
        return bytes(reader.doc_count_all())
    return bytes(length_to_byte(reader.doc_field_length(n, fieldname, 0) or 0)
                 for n in range(reader.doc_count_all()))


class PostingCache:
    """LRU cache of raw posting lists (doc ids, term frequencies) per segment, field and term."""

    def __init__(self, max_postings: int = 6_000_000):
        self._items: OrderedDict[tuple, tuple[array, array]] = OrderedDict()
        self._size = 0
        self._max = max_postings
        self._lock = threading.Lock()

    def get(self, key: tuple, load, *args) -> tuple[array, array]:
        """Return the cached postings for `key`, loading them with `load(*args)` on a miss."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = load(*args)
        with self._lock:
            self._items[key] = found
            self._size += len(found[0])
            while self._size > self._max and len(self._items) > 1:
                _, (ids, _tfs) = self._items.popitem(last=False)
                self._size -= len(ids)
        return found

    def forget_segments(self, live: set[str]) -> None:
        """Drop postings of segments that no longer exist."""
        with self._lock:
            for key in [k for k in self._items if k[0] not in live]:
                self._size -= len(self._items.pop(key)[0])


@dataclass
class Postings:
    """Posting list of one term (or phrase) in one segment."""

    offset: int
    lengths: bytes
    ids: array
    tfs: array


def _read_postings(reader, fieldname: str, text: str) -> tuple[array, array]:
    ids, tfs = array("i"), array("f")
    if (fieldname, text) not in reader:
        return ids, tfs
    matcher = reader.postings(fieldname, text)
    while matcher.is_active():
        ids.append(matcher.id())
        tfs.append(matcher.weight())
        matcher.next()
    return ids, tfs


def _read_phrase(searcher, fieldname: str, words: Sequence[str]) -> tuple[array, array]:
    ids, tfs = array("i"), array("f")
    matcher = Phrase(fieldname, list(words)).matcher(searcher)
    while matcher.is_active():
        ids.append(matcher.id())
        tfs.append(float(len(matcher.spans())) or 1.0)
        matcher.next()
    return ids, tfs


# ---------------------------------------------------------------------------------------------
# A searcher state: one open Whoosh searcher plus what ranking needs


class SearchState:
    """An open searcher on one index generation with its filter masks and statistics."""

    def __init__(self, searcher, engine: KnowledgeIndex, signature: tuple):
        self.searcher = searcher
        self.signature = signature
        self.engine = engine
        self.reader = searcher.reader()
        self.leaves = [(leaf, offset, engine._segment_data(leaf))
                       for leaf, offset in self.reader.leaf_readers()]
        self.leaf_searchers = [s for s, _ in searcher.leaf_searchers()]
        self.doc_count_all = self.reader.doc_count_all()
        self.doc_count = max(1, self.reader.doc_count())
        self.kinds = [k for _leaf, _offset, data in self.leaves for k in data.kinds]
        self.topics = [t for _leaf, _offset, data in self.leaves for t in data.topics]
        self.title_lengths = b"".join(self.lengths(data, leaf, "title")
                                      for leaf, _offset, data in self.leaves)
        self._masks: OrderedDict[tuple, bytearray] = OrderedDict()
        self._avg: dict[str, float] = {}
        self._norms: dict[tuple[str, float], list[float]] = {}
        self._df: dict[tuple[str, str], int] = {}
        self._corrections: dict[str, list[tuple[str, int]]] = {}

    def close(self) -> None:
        """Close the underlying searcher (once)."""
        if not getattr(self.searcher, "is_closed", False):
            self.searcher.close()

    # statistics -----------------------------------------------------------------------------

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """Documents containing `text` in `fieldname` (cached for this generation)."""
        key = (fieldname, text)
        found = self._df.get(key)
        if found is None:
            if len(self._df) > 200_000:
                self._df.clear()
            found = self._df[key] = self.reader.doc_frequency(fieldname, text)
        return found

    def idf(self, df: int) -> float:
        """BM25 inverse document frequency."""
        return math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))

    def norms(self, fieldname: str, k1: float, b: float) -> list[float]:
        """k1·(1 − b + b·len/avglen) for each of the 256 encoded field lengths."""
        key = (fieldname, k1, b)
        found = self._norms.get(key)
        if found is None:
            avg = self._avg.get(fieldname)
            if avg is None:
                avg = self._avg[fieldname] = max(
                    1.0, self.reader.field_length(fieldname) / self.doc_count)
            found = [k1 * (1 - b + b * byte_to_length(i) / avg) for i in range(256)]
            self._norms[key] = found
        return found

    # filters --------------------------------------------------------------------------------

    def mask(self, audiences: frozenset[str], statuses: frozenset[str] | None,
             topics: frozenset[str], kinds: frozenset[str]) -> bytearray:
        """1 for each live document the caller may see and asked for (cached per filter)."""
        key = (audiences, statuses, topics, kinds)
        found = self._masks.get(key)
        if found is not None:
            return found
        parts = []
        for leaf, _offset, data in self.leaves:
            part = data.mask(key)
            deleted = _deleted_docs(leaf)
            if deleted:
                part = bytearray(part)
                for n in deleted:
                    part[n] = 0
            parts.append(part)
        mask = bytearray(b"".join(parts))
        self._masks[key] = mask
        if len(self._masks) > 32:
            self._masks.popitem(last=False)
        return mask

    # postings -------------------------------------------------------------------------------

    def term_postings(self, fieldname: str, text: str) -> list[Postings]:
        """Postings of a term in each segment holding it."""
        cache, found = self.engine._postings, []
        for leaf, offset, data in self.leaves:
            key = (_segment_key(leaf), fieldname, text)
            ids, tfs = cache.get(key, _read_postings, leaf, fieldname, text)
            if ids:
                found.append(Postings(offset, self.lengths(data, leaf, fieldname), ids, tfs))
        return found

    def phrase_postings(self, fieldname: str, words: Sequence[str]) -> list[Postings]:
        """Postings of a phrase (count of occurrences as frequency) in each segment."""
        cache, found = self.engine._postings, []
        for (leaf, offset, data), sub in zip(self.leaves, self.leaf_searchers, strict=True):
            if any((fieldname, w) not in leaf for w in words):
                continue
            key = (_segment_key(leaf), fieldname, "\x00".join(words))
            ids, tfs = cache.get(key, _read_phrase, sub, fieldname, words)
            if ids:
                found.append(Postings(offset, self.lengths(data, leaf, fieldname), ids, tfs))
        return found

    def lengths(self, data: SegmentData, leaf, fieldname: str) -> bytes:
        """Encoded lengths of `fieldname` in a segment (read once per segment)."""
        found = data.lengths.get(fieldname)
        if found is None:
            found = data.lengths[fieldname] = _read_lengths(leaf, fieldname)
        return found

    # spelling -------------------------------------------------------------------------------

    def corrections(self, word: str) -> list[tuple[str, int]]:
        """Indexed words within a small edit distance of `word`, most frequent first."""
        found = self._corrections.get(word)
        if found is not None:
            return found
        maxdist = 1 if len(word) < 8 else 2
        candidates: set[str] = set()
        for leaf, _offset, _data in self.leaves:
            candidates.update(leaf.terms_within("spell", word, maxdist, prefix=1))
        candidates.discard(word)
        scored = [(c, self.doc_frequency("spell", c)) for c in candidates]
        scored.sort(key=lambda item: (_edit_rank(word, item[0]), -item[1]))
        self._corrections[word] = scored
        if len(self._corrections) > 4096:
            self._corrections.clear()
        return scored


def _edit_rank(word: str, candidate: str) -> int:
    """Rough closeness: an accent-only difference counts as no edit."""
    return 0 if fold_accents(candidate) == fold_accents(word) else 1


def _deleted_docs(leaf) -> set[int]:
    if not leaf.has_deletions():
        return set()
    segment = getattr(leaf, "segment", None)
    if segment is not None:
        return set(segment().deleted_docs())
    return set(range(leaf.doc_count_all())) - set(leaf.all_doc_ids())


def _segment_key(leaf) -> str:
    segment = getattr(leaf, "segment", None)
    if segment is not None:
        return segment().segment_id()
    return str(id(leaf))


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Scored:
    """Accumulated scores and matched-word masks per global document number."""

    scores: dict[int, float] = field(default_factory=dict)
    cover: dict[int, int] = field(default_factory=dict)
    title_cover: dict[int, int] = field(default_factory=dict)


class Ranker:
    """Term-at-a-time BM25 scoring of a query plan over one search state."""

    def __init__(self, state: SearchState, config: RankingConfig):
        self.state = state
        self.config = config

    def alternative_scores(self, alt: Alternative, fieldname: str,
                           only: dict | None) -> dict[int, float]:
        """BM25 of one alternative in one field; restricted to the docs of `only` if given."""
        config, state = self.config, self.state
        boost = config.field_boosts.get(fieldname, 1.0) * alt.weight
        b = config.field_b.get(fieldname, 0.5)
        norms = state.norms(fieldname, config.k1, b)
        k1p = config.k1 + 1.0
        out: dict[int, float] = {}
        for text, postings in self._alternative_postings(alt, fieldname):
            df = sum(len(p.ids) for p in postings)
            if not df:
                continue
            if config.shared_idf and text is not None:
                df = max(df, state.doc_frequency("body", text))
            factor = state.idf(df) * k1p * boost
            for p in postings:
                if only is not None:
                    _accumulate_restricted(out, p, norms, factor, only)
                elif out:
                    _accumulate_max(out, p, norms, factor)
                else:
                    out = _bm25_dict(p, norms, factor)
        return out

    def _alternative_postings(self, alt: Alternative,
                              fieldname: str) -> Iterator[tuple[str | None, list[Postings]]]:
        if alt.is_phrase:
            yield None, self.state.phrase_postings(fieldname, [t[0] for t in alt.terms])
            return
        for text in alt.terms[0]:
            yield text, self.state.term_postings(fieldname, text)

    def group_scores(self, group: Group, only: dict | None) -> tuple[dict[int, float], set[int]]:
        """Max over alternatives of the field-summed BM25; also the docs matching in the title."""
        best: dict[int, float] = {}
        in_title: set[int] = set()
        for alt in group.alternatives:
            summed: dict[int, float] = {}
            for fieldname in _FIELDS_BIGGEST_FIRST:
                scores = self.alternative_scores(alt, fieldname, only)
                if fieldname == "title":
                    in_title.update(scores)
                if not summed:
                    summed = scores
                    continue
                get = summed.get
                for doc, score in scores.items():
                    summed[doc] = get(doc, 0.0) + score
            if not best:
                best = summed
                continue
            get = best.get
            for doc, score in summed.items():
                if score > get(doc, 0.0):
                    best[doc] = score
        return best, in_title

    def group_df(self, group: Group) -> int:
        """Largest document frequency among the group's single-word alternatives."""
        state = self.state
        dfs = [state.doc_frequency(f, t) for a in group.alternatives if not a.is_phrase
               for t in a.terms[0] for f in ("title", "body")]
        return max(dfs, default=0)

    def score(self, plan: QueryPlan) -> Scored:
        """Accumulate group scores; very common words only score documents already found.

        Required groups (quoted phrases) go first and fix the candidates; then the other
        groups from the rarest; a word found in more than `common_ratio` of the documents
        adds to the score of candidates but recruits none (unless every word is that common).
        """
        limit = self.config.common_ratio * self.state.doc_count
        dfs = [self.group_df(g) for g in plan.groups]
        common = [df > limit and not g.required for g, df in zip(plan.groups, dfs, strict=True)]
        if all(common):
            common = [False] * len(common)
        order = sorted(range(len(plan.groups)),
                       key=lambda i: (not plan.groups[i].required, common[i], dfs[i]))
        result, restricted = Scored(), False
        for i in order:
            group = plan.groups[i]
            only = result.scores if (restricted or common[i]) else None
            scores, in_title = self.group_scores(group, only)
            if group.required and restricted:
                result = _keep_only(result, scores)
            _merge(result, scores, in_title, group)
            restricted = restricted or group.required
        return result


def _bm25_dict(postings: Postings, norms: list[float], factor: float) -> dict[int, float]:
    """BM25 of every posting, keyed by global document number."""
    offset, lengths = postings.offset, postings.lengths
    return {offset + local: factor * tf / (tf + norms[lengths[local]])
            for local, tf in zip(postings.ids, postings.tfs, strict=True)}


def _accumulate_max(out: dict[int, float], postings: Postings, norms: list[float],
                    factor: float) -> None:
    """out[doc] = max(out[doc], BM25): spelling variants of one word are not added up."""
    get, offset, lengths = out.get, postings.offset, postings.lengths
    for local, tf in zip(postings.ids, postings.tfs, strict=True):
        score = factor * tf / (tf + norms[lengths[local]])
        doc = offset + local
        if score > get(doc, 0.0):
            out[doc] = score


def _accumulate_restricted(out: dict[int, float], postings: Postings, norms: list[float],
                           factor: float, only: Mapping[int, float]) -> None:
    """Like `_accumulate_max` for the documents of `only`; looks them up when they are few."""
    get, offset, lengths, ids, tfs = out.get, postings.offset, postings.lengths, \
        postings.ids, postings.tfs
    if len(only) * 8 < len(ids):
        size = len(ids)
        for doc in only:
            local = doc - offset
            if local < 0:
                continue
            i = bisect_left(ids, local)
            if i < size and ids[i] == local:
                tf = tfs[i]
                score = factor * tf / (tf + norms[lengths[local]])
                if score > get(doc, 0.0):
                    out[doc] = score
        return
    for local, tf in zip(ids, tfs, strict=True):
        doc = offset + local
        if doc in only:
            score = factor * tf / (tf + norms[lengths[local]])
            if score > get(doc, 0.0):
                out[doc] = score


def _merge(result: Scored, scores: dict[int, float], in_title: set[int], group: Group) -> None:
    """Add a group's scores and its covered-words mask to the accumulators."""
    totals, cover, title_cover = result.scores, result.cover, result.title_cover
    weight, mask = group.weight, group.covers
    if not totals:
        result.scores = {doc: score * weight for doc, score in scores.items()}
        result.cover = dict.fromkeys(scores, mask)
    else:
        get_total, get_cover = totals.get, cover.get
        for doc, score in scores.items():
            totals[doc] = get_total(doc, 0.0) + score * weight
            cover[doc] = get_cover(doc, 0) | mask
    for doc in in_title:
        title_cover[doc] = title_cover.get(doc, 0) | mask


def _keep_only(result: Scored, allowed: Mapping[int, float]) -> Scored:
    """Documents of `result` that are also in `allowed` (an AND of required groups)."""
    keep = Scored()
    for doc, score in result.scores.items():
        if doc in allowed:
            keep.scores[doc] = score
            keep.cover[doc] = result.cover[doc]
            if doc in result.title_cover:
                keep.title_cover[doc] = result.title_cover[doc]
    return keep


# ---------------------------------------------------------------------------------------------
# Snippets

_SNIPPET_CHARS = 240
_SNIPPET_SCANS = ((0, 1_500), (1_500, 20_000), (20_000, 60_000))
STORED_BODY_CHARS = 60_000
_ACCENT_CLASSES = {"a": "[aàâäá]", "c": "[cç]", "e": "[eéèêë]", "i": "[iîïí]", "o": "[oôöó]",
                   "u": "[uùûüú]", "y": "[yÿ]", "n": "[nñ]"}


def _accent_pattern(term: str) -> str:
    """Regex matching a folded term prefix in accented text ("oe" also matches "œ")."""
    escaped = "".join(_ACCENT_CLASSES.get(c, re.escape(c)) for c in term)
    return escaped.replace(_ACCENT_CLASSES["o"] + _ACCENT_CLASSES["e"],
                           "(?:" + _ACCENT_CLASSES["o"] + _ACCENT_CLASSES["e"] + "|œ)")


class SnippetMaker:
    """Excerpts around the densest cluster of query terms, HTML-escaped, matches in <mark>."""

    def __init__(self, terms: Collection[str], analysis: FrenchAnalysis,
                 width: int = _SNIPPET_CHARS):
        self.terms = frozenset(terms)
        self.analysis = analysis
        self.width = width
        prefixes = sorted({t for t in self.terms if len(t) >= 2}, key=len, reverse=True)
        alternation = "|".join(_accent_pattern(p) for p in prefixes)
        self.pattern = re.compile(rf"(?<!\w)(?:{alternation})") if prefixes else None
        self.wanted = min(2, len(prefixes))

    def __call__(self, text: str) -> tuple[str, bool]:
        """The excerpt of `text` and whether it holds a match."""
        if not text:
            return "", False
        hits = self._hits(text)
        start = self._best_window(hits)
        end = min(len(text), start + self.width)
        if start > 0:
            space = text.find(" ", start, start + 30)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", end - 30, end)
            end = space if space > start else end
        pieces, last = [], start
        for position, _prefix in hits:
            if position < last or position >= end:
                continue
            word = TOKEN_RE.match(text, position)
            if word is None or word.end() > end:
                continue
            if self.terms.isdisjoint(self.analysis.word_terms(strip_elision(word.group())[0])):
                continue
            pieces.append(html.escape(text[last:position], quote=False))
            pieces.append("<mark>" + html.escape(word.group(), quote=False) + "</mark>")
            last = word.end()
        matched = bool(pieces)
        pieces.append(html.escape(text[last:end], quote=False))
        body = "".join(pieces).strip()
        return ("… " if start > 0 else "") + body + (" …" if end < len(text) else ""), matched

    def _hits(self, text: str) -> list[tuple[int, str]]:
        """Positions of word starts matching a term prefix; scans further only if needed."""
        hits: list[tuple[int, str]] = []
        if self.pattern is None:
            return hits
        for start, end in _SNIPPET_SCANS:
            chunk = text[start:end].lower()
            if len(chunk) != len(text[start:end]):
                chunk = text[start:end]
            hits += [(start + m.start(), m.group()) for m in self.pattern.finditer(chunk)]
            if len({h[1] for h in hits}) >= self.wanted or end >= len(text):
                break
        return hits

    def _best_window(self, hits: list[tuple[int, str]]) -> int:
        """Start of the window with the most distinct terms."""
        if not hits:
            return 0
        best_start, best_count, left = hits[0][0], 0, 0
        for right in range(len(hits)):
            while hits[right][0] - hits[left][0] > self.width * 0.7:
                left += 1
            count = len({h[1] for h in hits[left:right + 1]}) * 10 + (right - left)
            if count > best_count:
                best_count, best_start = count, hits[left][0]
        return max(0, best_start - self.width // 5)


def make_snippet(text: str, terms: Collection[str], analysis: FrenchAnalysis,
                 width: int = _SNIPPET_CHARS) -> tuple[str, bool]:
    """HTML-escaped excerpt around the densest match (<mark> around matches); and whether any."""
    return SnippetMaker(terms, analysis, width)(text)


# ---------------------------------------------------------------------------------------------
# The index


class KnowledgeIndex:
    """The knowledge-base search index on disk: readers never wait, writes take the lock."""

    def __init__(self, path: str | Path, synonyms: SynonymTable | None = None,
                 config: RankingConfig | None = None):
        self.path = Path(path)
        self.synonyms = synonyms if synonyms is not None else SynonymTable.load()
        self.config = config or RankingConfig()
        self._postings = PostingCache()
        self._segments: dict[str, SegmentData] = {}
        self._local = threading.local()
        self._states: list[SearchState] = []
        self._lock = threading.Lock()
        self._expansions: ExpansionMap | None = None
        self._expansions_for: FrenchAnalysis | None = None
        # Searchers hold open segment files: close them even if the owner forgets to.
        self._finalizer = weakref.finalize(self, _close_states, self._states, self._lock)
        self.path.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(self.path)):
            self._ix = index.open_dir(str(self.path))
        else:
            self._ix = index.create_in(str(self.path), self.build_schema())

    # schema and analysis --------------------------------------------------------------------

    def build_schema(self) -> fields.Schema:
        """The schema for the current synonym table (its acronyms are kept unstemmed)."""
        analyzer = FrenchAnalyzer(self.synonyms.acronyms, self.synonyms.lowercase_words)
        # scorable only so that Whoosh keeps its length column (it stats files without one).
        spell = fields.FieldType(formats.Existence(), analyzer=SpellAnalyzer(), scorable=True)
        return fields.Schema(
            id=fields.ID(stored=True, unique=True),
            external_ref=fields.STORED(),
            url=fields.STORED(),
            updated_at=fields.STORED(),
            title=fields.TEXT(analyzer=analyzer, stored=True),
            summary=fields.TEXT(analyzer=analyzer, stored=True),
            tags=fields.TEXT(analyzer=analyzer, stored=True),
            body=fields.TEXT(analyzer=analyzer),
            excerpt_source=fields.STORED(),
            topics=fields.KEYWORD(stored=True, commas=True),
            kind=fields.ID(stored=True),
            audience=fields.ID(stored=True),
            status=fields.ID(stored=True),
            spell=spell,
            meta=fields.COLUMN(columns.VarBytesColumn()),
        )

    @property
    def analysis(self) -> FrenchAnalysis:
        """The analysis of the open index (the one its documents were indexed with)."""
        schema = getattr(self._local, "schema", None) or self._ix.schema
        return schema["body"].analyzer.analysis

    def expansions(self) -> ExpansionMap:
        """Synonym map compiled with the index's analysis (built once per table and analysis)."""
        analysis = self.analysis
        if self._expansions is None or self._expansions_for != analysis:
            self._expansions = _compiled_expansions(self.synonyms, analysis)
            self._expansions_for = analysis
        return self._expansions

    # writes ---------------------------------------------------------------------------------

    def _open_writer(self, ix, timeout: float, **kwargs):
        """The one way to a Whoosh writer: wait up to `timeout` s for the lock, else IndexBusy.

        Segments are written as separate files: Whoosh copies a compound segment file into
        memory when it opens it, which would cost each reader process the index size in RAM.
        """
        try:
            return ix.writer(timeout=timeout, compound=False, **kwargs)
        except index.LockError as exc:
            raise IndexBusy(f"search index {self.path} is locked by another writer") from exc

    def upsert(self, docs: Iterable[SearchDocument], timeout: float = 5.0) -> int:
        """Add or replace documents by id; raises IndexBusy if the lock is not free in time."""
        unique = {doc.id: doc for doc in docs}
        if not unique:
            return 0
        writer = self._open_writer(self._ix, timeout)
        try:
            for doc in unique.values():
                writer.update_document(**_to_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return len(unique)

    def delete(self, ids: Iterable[str], timeout: float = 5.0) -> int:
        """Delete documents by id; returns how many were in the index."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        writer = self._open_writer(self._ix, timeout)
        try:
            count = sum(writer.delete_by_term("id", doc_id) for doc_id in ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def rebuild(self, docs: Iterable[SearchDocument], procs: int | None = None,
                limitmb: int = 256, timeout: float = 30.0) -> int:
        """Replace the whole index with `docs` atomically (readers see old or new, never empty)."""
        schema = self.build_schema()
        remaining = iter(docs)
        head = list(islice(remaining, _PARALLEL_FROM))
        docs = chain(head, remaining)
        if procs is None:
            procs = min(2, os.cpu_count() or 1) if len(head) >= _PARALLEL_FROM else 1
        if self._ix.schema != schema:
            return self._rebuild_by_swap(docs, schema, procs, limitmb, timeout)
        writer = self._bulk_writer(self._ix, procs, limitmb, timeout)
        count = _add_all(writer, docs)
        writer.commit(mergetype=CLEAR)
        return count

    def _bulk_writer(self, ix, procs: int, limitmb: int, timeout: float):
        if procs > 1:
            return self._open_writer(ix, timeout, limitmb=limitmb, procs=procs, multisegment=True)
        return self._open_writer(ix, timeout, limitmb=limitmb)

    def _rebuild_by_swap(self, docs: Iterable[SearchDocument], schema: fields.Schema,
                         procs: int, limitmb: int, timeout: float) -> int:
        """Schema changed: build beside the index under its lock, then swap the directories."""
        lock = self._ix.lock("WRITELOCK")
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise IndexBusy(f"search index {self.path} is locked by another writer")
            time.sleep(0.05)
        fresh = self.path.with_name(self.path.name + ".rebuild")
        try:
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir(parents=True)
            new_ix = index.create_in(str(fresh), schema)
            writer = self._bulk_writer(new_ix, procs, limitmb, timeout)
            count = _add_all(writer, docs)
            writer.commit()
            old = self.path.with_name(self.path.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.path, old)
            os.rename(fresh, self.path)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            lock.release()
        self._ix = index.open_dir(str(self.path))
        self._expansions = None
        return count

    # reading --------------------------------------------------------------------------------

    def _signature(self) -> tuple | None:
        """Generation and TOC file identity (a swapped directory changes it); None if absent."""
        try:
            generation = self._ix.latest_generation()
            stat = (self.path / f"_{self._ix.indexname}_{generation}.toc").stat()
        except OSError:
            return None
        return (generation, stat.st_ino, stat.st_mtime_ns)

    def _state(self) -> SearchState:
        """This thread's search state, reopened when the index changed on disk."""
        signature = self._signature()
        state: SearchState | None = getattr(self._local, "state", None)
        if state is not None and (signature is None or state.signature == signature):
            return state  # unchanged, or mid-swap by a rebuild: the open searcher still reads
        self._ix = index.open_dir(str(self.path))
        searcher = self._ix.searcher()
        self._local.schema = searcher.schema
        new_state = SearchState(searcher, self, signature)
        with self._lock:
            self._states.append(new_state)
            if state is not None:
                self._states.remove(state)
                state.close()
            self._forget_dead_segments()
        self._local.state = new_state
        return new_state

    def _segment_data(self, leaf) -> SegmentData:
        key = _segment_key(leaf)
        data = self._segments.get(key)
        if data is None:
            data = self._segments[key] = _read_segment_meta(leaf)
        return data

    def _forget_dead_segments(self) -> None:
        live = {_segment_key(leaf) for s in self._states for leaf, _o, _d in s.leaves}
        for key in [k for k in self._segments if k not in live]:
            del self._segments[key]
        self._postings.forget_segments(live)

    def close(self) -> None:
        """Close every open searcher of this object (it reopens one if used again)."""
        _close_states(self._states, self._lock)
        self._local = threading.local()

    def doc_count(self) -> int:
        """Number of live documents."""
        return self._state().reader.doc_count()

    def warm(self) -> None:
        """Load what the first search would (columns, lengths, synonym map); call at start-up."""
        state = self._state()
        self.expansions()
        for fieldname in TEXT_FIELDS:
            for leaf, _offset, data in state.leaves:
                state.lengths(data, leaf, fieldname)
        _visible_mask(state, AUDIENCES, False, (), ())

    # search ---------------------------------------------------------------------------------

    def search(self, query: str, *, audiences: Collection[str] = AUDIENCES,
               include_unpublished: bool = False, topics: Collection[str] = (),
               kinds: Collection[str] = (), page: int = 1, pagelen: int = 10) -> SearchResult:
        """Search with expansion, typo tolerance, filters, facets, pagination and snippets."""
        state = self._state()
        page, pagelen = max(1, page), max(1, pagelen)
        plan = self.plan(query, state)
        mask = _visible_mask(state, audiences, include_unpublished, topics, kinds)
        if not plan.groups:
            return SearchResult([], 0, page, pagelen, {"topic": {}, "kind": {}},
                                plan.suggestion, "")
        ranked, total, facets = self._rank(state, plan, mask, page * pagelen, with_facets=True)
        page_docs = ranked[(page - 1) * pagelen:page * pagelen]
        snippets = self._snippet_maker(plan)
        hits = [self._hit(state, doc, score, snippets) for doc, score in page_docs]
        return SearchResult(hits, total, page, pagelen, facets, plan.suggestion, plan.describe())

    def similar(self, doc_id: str, limit: int = 5, **same_filters) -> list[Hit]:
        """Notes like the given one (its key terms, OR-ed), excluding itself."""
        state = self._state()
        docnum = state.searcher.document_number(id=doc_id)
        if docnum is None:
            return []
        stored = state.searcher.stored_fields(docnum)
        text = " ".join([stored.get("title", "")] * 3 + [stored.get("summary", ""),
                                                         stored.get("tags", ""),
                                                         stored.get("excerpt_source", "")[:20000]])
        return self._key_term_search(state, text, limit, docnum, same_filters)

    def suggest_for_text(self, text: str, limit: int = 5, **same_filters) -> list[Hit]:
        """Notes for a long free text (a ticket, a question): its key terms, OR-ed."""
        return self._key_term_search(self._state(), text[:20000], limit, None, same_filters)

    def _key_term_search(self, state: SearchState, text: str, limit: int, exclude: int | None,
                         filters: Mapping) -> list[Hit]:
        unknown = set(filters) - _FILTER_NAMES
        if unknown:
            raise TypeError(f"unknown search filters: {', '.join(sorted(unknown))}")
        plan = self.key_term_plan(text, state)
        plan.exclude = exclude
        if not plan.groups:
            return []
        mask = _visible_mask(state, filters.get("audiences", AUDIENCES),
                             filters.get("include_unpublished", False), filters.get("topics", ()),
                             filters.get("kinds", ()))
        ranked, _total, _facets = self._rank(state, plan, mask, limit, with_facets=False)
        snippets = self._snippet_maker(plan)
        return [self._hit(state, doc, score, snippets) for doc, score in ranked[:limit]]

    # planning -------------------------------------------------------------------------------

    def plan(self, query: str, state: SearchState | None = None) -> QueryPlan:
        """Turn the user's query into groups: words, phrases, synonyms and typo corrections."""
        state = state or self._state()
        analysis, config = self.analysis, self.config
        free, quoted = split_quoted(query)
        words = [w for text, start in free for w in analysis.words(text, start) if w.terms]
        phrases = [[w for w in analysis.words(text, start) if w.terms] for text, start in quoted]
        all_words = words + [w for phrase in phrases for w in phrase]
        groups = [Group([Alternative((w.terms,), 1.0, w.surface)], 1 << i,
                        weight=self._frame_weight(w)) for i, w in enumerate(all_words)]
        self._add_phrases(groups, phrases, len(words))
        suggestion = self._add_typos(state, query, all_words, groups)
        self._add_synonyms(groups, words)
        weights = [weight * self._frame_weight(word)
                   for weight, word in zip(_word_weights(state, all_words), all_words,
                                           strict=True)]
        return QueryPlan(groups, all_words, weights, suggestion, config.coordination,
                         config.min_cover)

    def _frame_weight(self, word: WordToken) -> float:
        """Question-frame words ("quelle", "comment", "peut") count less than content words."""
        return self.config.question_weight if word.surface.lower() in QUESTION_WORDS else 1.0

    def _add_phrases(self, groups: list[Group], phrases: list[list[WordToken]], first: int) -> None:
        index_of_word = first
        for phrase in phrases:
            if len(phrase) > 1:
                mask = sum(1 << (index_of_word + i) for i in range(len(phrase)))
                label = '"' + " ".join(w.surface for w in phrase) + '"'
                terms = tuple((w.terms[0],) for w in phrase)
                groups.append(Group([Alternative(terms, 1.0, label)], mask, required=True))
            index_of_word += len(phrase)

    def _add_synonyms(self, groups: list[Group], words: list[WordToken]) -> None:
        """Bounded expansion: per key and per query caps; the span's own words stay as they are."""
        config, expansions = self.config, self.expansions()
        budget, start = config.max_expansions, 0
        while start < len(words) and budget > 0:
            length, found = expansions.lookup(words, start)
            if not length:
                start += 1
                continue
            chosen = found[:min(config.max_expansions_per_term, budget)]
            budget -= len(chosen)
            mask = sum(1 << i for i in range(start, start + length))
            alternatives = [Alternative(e.terms, config.expansion_weight, e.text) for e in chosen]
            if length == 1:
                groups[start].alternatives.extend(alternatives)
            else:
                groups.append(Group(alternatives, mask, weight=1.0))
            start += length

    def _add_typos(self, state: SearchState, query: str, words: list[WordToken],
                   groups: list[Group]) -> str | None:
        """Add corrections of unknown or near-unknown words; return the corrected query."""
        config, analysis = self.config, self.analysis
        replacements: list[tuple[int, int, str]] = []
        fixes = 0
        for i, word in enumerate(words):
            if fixes >= config.max_typos or not _typo_candidate(word):
                continue
            df = max(state.doc_frequency(f, t) for f in TEXT_FIELDS for t in word.terms)
            if df > config.typo_max_df:
                continue
            fix = _glued_elision(state, word) or _best_correction(state, word.surface.lower(), df)
            if fix is None:
                continue
            fixes += 1
            terms = analysis.word_terms(fix)
            if terms:
                groups[i].alternatives.append(Alternative((terms,), config.typo_weight, fix))
            if df == 0:
                replacements.append((word.start, word.end, fix))
        corrected = query
        for start, end, fix in reversed(replacements):
            corrected = corrected[:start] + fix + corrected[end:]
        return corrected if replacements else None

    def key_term_plan(self, text: str, state: SearchState | None = None,
                      count: int = 14) -> QueryPlan:
        """OR plan of the most distinctive terms of a long text (tf × idf), plus the synonyms
        of the acronyms and terms it spells (a note saying "CDDI" is like one spelling it out)."""
        state = state or self._state()
        words = [w for w in self.analysis.words(text) if w.terms]
        frequencies: Counter[str] = Counter()
        surfaces: dict[str, WordToken] = {}
        for word in words:
            if len(word.surface) > 2 and not word.surface.isdigit():
                frequencies[word.terms[0]] += 1
                surfaces.setdefault(word.terms[0], word)
        limit = 0.2 * state.doc_count
        weighted = []
        for term, tf in frequencies.items():
            df = max(state.doc_frequency("body", term), state.doc_frequency("title", term))
            if 0 < df <= limit:
                weighted.append((math.sqrt(tf) * state.idf(df), term))
        top = heapq.nlargest(count, weighted)
        if not top:
            return QueryPlan([], [], [])
        best = top[0][0]
        groups = [Group([Alternative(((term,),), 1.0, surfaces[term].surface)], 1 << i,
                        weight=w / best) for i, (w, term) in enumerate(top)]
        groups += self._text_synonyms(words, len(top))
        return QueryPlan(groups, [surfaces[t] for _w, t in top], [w for w, _t in top], None,
                         0.5, 0.0)

    def _text_synonyms(self, words: list[WordToken], first_bit: int, limit: int = 4) -> list[Group]:
        """Groups for the synonyms most often spelled in a text (bounded)."""
        expansions, found, start = self.expansions(), Counter(), 0
        while start < len(words):
            length, alternatives = expansions.lookup(words, start)
            for expansion in alternatives[:1]:
                found[expansion] += 1
            start += max(1, length)
        weight = self.config.expansion_weight
        return [Group([Alternative(e.terms, 1.0, e.text)], 1 << (first_bit + i), weight=weight)
                for i, (e, _n) in enumerate(found.most_common(limit))]

    # ranking --------------------------------------------------------------------------------

    def _rank(self, state: SearchState, plan: QueryPlan, mask: bytearray, depth: int,
              with_facets: bool) -> tuple[list[tuple[int, float]], int, dict[str, dict[str, int]]]:
        """The best `depth` visible matches (re-ranked), the match count and facet counts."""
        config = self.config
        scored = Ranker(state, config).score(plan)
        total_weight = sum(plan.word_weights) or 1.0
        weights = plan.word_weights
        priors, kinds = config.kind_priors, state.kinds
        ranked: list[tuple[float, int]] = []
        cover_cache: dict[int, float] = {}
        for doc, score in scored.scores.items():
            if not mask[doc] or doc == plan.exclude:
                continue
            bits = scored.cover[doc]
            fraction = cover_cache.get(bits)
            if fraction is None:
                fraction = cover_cache[bits] = _covered(bits, weights) / total_weight
            if fraction < plan.min_cover:
                continue
            final = score * fraction ** plan.coordination
            if priors:
                final *= priors.get(kinds[doc], 1.0)
            ranked.append((final, doc))
        facets = _facets(state, [doc for _s, doc in ranked]) if with_facets else {}
        top = heapq.nlargest(max(depth, config.rerank_depth), ranked)
        top = self._rerank(state, plan, scored, top)
        return [(doc, score) for score, doc in top], len(ranked), facets

    def _rerank(self, state: SearchState, plan: QueryPlan, scored: Scored,
                top: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Bonus for titles holding the user's words, more so when the title is little else."""
        config = self.config
        weights, total = plan.word_weights, sum(plan.word_weights) or 1.0
        title_lengths = state.title_lengths
        reranked = []
        for score, doc in top:
            bits = scored.title_cover.get(doc, 0)
            if bits:
                covered = _covered(bits, weights) / total
                precision = min(1.0, bits.bit_count() / max(1, byte_to_length(title_lengths[doc])))
                score *= 1.0 + covered * (config.title_bonus * covered
                                          + config.title_exact_bonus * precision)
            reranked.append((score, doc))
        reranked.sort(reverse=True)
        return reranked

    def _snippet_maker(self, plan: QueryPlan) -> SnippetMaker:
        terms = {t for g in plan.groups for a in g.alternatives for word in a.terms for t in word}
        return SnippetMaker(terms, self.analysis)

    def _hit(self, state: SearchState, doc: int, score: float, snippets: SnippetMaker) -> Hit:
        stored = state.searcher.stored_fields(doc)
        snippet, matched = snippets(stored.get("excerpt_source", ""))
        if not matched and stored.get("summary"):
            snippet, matched = snippets(stored["summary"])
        topics = [t for t in (stored.get("topics") or "").split(",") if t]
        return Hit(stored["id"], stored.get("external_ref"), stored.get("title", ""),
                   round(score, 4), snippet, topics, stored.get("kind", ""), stored.get("url"))


# ---------------------------------------------------------------------------------------------
# Helpers


def _close_states(states: list[SearchState], lock: threading.Lock) -> None:
    with lock:
        for state in states:
            state.close()
        states.clear()


_COMPILED: dict[tuple[int, FrenchAnalysis], tuple[SynonymTable, ExpansionMap]] = {}
_COMPILED_LOCK = threading.Lock()


def _compiled_expansions(table: SynonymTable, analysis: FrenchAnalysis) -> ExpansionMap:
    """Compile a synonym table once per process (several indexes may share a table)."""
    key = (id(table), analysis)
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
        if found is None or found[0] is not table:
            found = _COMPILED[key] = (table, ExpansionMap(table, analysis))
            if len(_COMPILED) > 8:
                _COMPILED.pop(next(iter(_COMPILED)))
        return found[1]


def _to_fields(doc: SearchDocument) -> dict:
    """Whoosh field values of a document."""
    topics = [t.strip() for t in doc.topics if t and t.strip()]
    tags = [t.strip() for t in doc.tags if t and t.strip()]
    meta = _META_SEP.join([doc.kind, doc.audience, doc.status, _LIST_SEP.join(topics)])
    return {
        "id": doc.id,
        "external_ref": doc.external_ref,
        "url": doc.url,
        "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
        "title": doc.title or "",
        "summary": doc.summary or "",
        "tags": " ; ".join(tags),
        "body": doc.body or "",
        "excerpt_source": (doc.body or "")[:STORED_BODY_CHARS],
        "topics": ",".join(topics),
        "kind": doc.kind,
        "audience": doc.audience,
        "status": doc.status,
        "spell": spelling_words(" ".join([doc.title or "", doc.summary or "", " ".join(tags),
                                          doc.body or ""])),
        "meta": meta.encode("utf-8"),
    }


def _add_all(writer, docs: Iterable[SearchDocument]) -> int:
    count = 0
    try:
        for doc in docs:
            writer.add_document(**_to_fields(doc))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    return count


def _visible_mask(state: SearchState, audiences: Collection[str], include_unpublished: bool,
                  topics: Collection[str], kinds: Collection[str]) -> bytearray:
    statuses = None if include_unpublished else frozenset({PUBLISHED})
    return state.mask(frozenset(audiences), statuses, frozenset(topics), frozenset(kinds))


def _covered(bits: int, weights: Sequence[float]) -> float:
    total, i = 0.0, 0
    while bits:
        if bits & 1:
            total += weights[i] if i < len(weights) else 0.0
        bits >>= 1
        i += 1
    return total


def _word_weights(state: SearchState, words: Sequence[WordToken]) -> list[float]:
    """Each user word weighs its idf, so missing a rare word costs more than a common one."""
    weights = []
    for word in words:
        df = max((state.doc_frequency(f, t) for f in ("title", "body") for t in word.terms),
                 default=0)
        weights.append(max(0.5, state.idf(df)) if df else 1.0)
    return weights


def _facets(state: SearchState, docs: list[int]) -> dict[str, dict[str, int]]:
    kinds, all_topics = state.kinds, state.topics
    kind_counts = Counter(kinds[doc] for doc in docs)
    topic_counts = Counter(t for doc in docs for t in all_topics[doc])
    return {"topic": dict(topic_counts.most_common()), "kind": dict(kind_counts.most_common())}


def _typo_candidate(word: WordToken) -> bool:
    surface = word.surface
    return len(surface) >= 5 and surface.isalpha() and not word.upper


def _glued_elision(state: SearchState, word: WordToken) -> str | None:
    """"dessai", "lemployeur": an elided article typed without its apostrophe."""
    low = word.surface.lower()
    for prefix in ("qu", "d", "l", "j", "n", "s", "c", "m", "t"):
        rest = low[len(prefix):]
        if low.startswith(prefix) and len(rest) >= 4 and rest[0] in "aeiouyhéèêâîôû":
            terms = stem_terms(rest)
            if any(state.doc_frequency(f, t) for f in ("title", "body") for t in terms):
                return rest
    return None


def _best_correction(state: SearchState, word: str, df: int) -> str | None:
    for candidate, candidate_df in state.corrections(word):
        if candidate_df >= max(3, 5 * df):
            return candidate
    return None


__all__ = [
    "AUDIENCES", "FrenchAnalysis", "FrenchAnalyzer", "Hit", "IndexBusy", "KnowledgeIndex",
    "RankingConfig", "SearchDocument", "SearchResult", "SynonymTable", "fold_accents",
    "make_snippet",
]
