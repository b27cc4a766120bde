"""Open searchers and their caches: per-segment columns, posting lists, filter masks, statistics."""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.query import Phrase
from whoosh.util.numeric import byte_to_length, length_to_byte

from legaldesk.kb.search_analysis import fold_accents
from legaldesk.kb.search_types import PUBLISHED
from legaldesk.kb.search_writing import LIST_SEPARATOR, META_SEPARATOR

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
        parts = (raw.decode("utf-8") if raw else "").split(META_SEPARATOR)
        parts += [""] * (4 - len(parts))
        kinds.append(shared.setdefault(parts[0], parts[0]))
        audiences.append(shared.setdefault(parts[1], parts[1]))
        statuses.append(shared.setdefault(parts[2], parts[2]))
        doc_topics = tuple(t for t in parts[3].split(LIST_SEPARATOR) if t)
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


class SegmentCache:
    """Column data and posting lists of an index's segments, shared by all its searchers."""

    def __init__(self):
        self.postings = PostingCache()
        self._segments: dict[str, SegmentData] = {}

    def segment_data(self, leaf) -> SegmentData:
        """The column data of a segment (read once)."""
        key = _segment_key(leaf)
        data = self._segments.get(key)
        if data is None:
            data = self._segments[key] = _read_segment_meta(leaf)
        return data

    def forget_dead_segments(self, states: Collection[SearchState]) -> None:
        """Drop the data of segments that none of `states` reads any more."""
        live = {_segment_key(leaf) for s in states for leaf, _o, _d in s.leaves}
        for key in [k for k in self._segments if k not in live]:
            del self._segments[key]
        self.postings.forget_segments(live)


# ---------------------------------------------------------------------------------------------
# A searcher state: one open Whoosh searcher plus what ranking needs


class SearchState:
    """An open searcher on one index generation with its filter masks and statistics."""

    def __init__(self, searcher, segments: SegmentCache, signature: tuple):
        self.searcher = searcher
        self.signature = signature
        self.segments = segments
        self.reader = searcher.reader()
        self.leaves = [(leaf, offset, segments.segment_data(leaf))
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
        cache, found = self.segments.postings, []
        for leaf, offset, data in self.leaves:
            key = (_segment_key(leaf), fieldname, text)
            ids, tfs = cache.get(key, _read_postings, leaf, fieldname, text)
            if ids:
                found.append(Postings(offset, self.lengths(data, leaf, fieldname), ids, tfs))
        return found

    def phrase_postings(self, fieldname: str, words: Sequence[str]) -> list[Postings]:
        """Postings of a phrase (count of occurrences as frequency) in each segment."""
        cache, found = self.segments.postings, []
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


def visible_mask(state: SearchState, audiences: Collection[str], include_unpublished: bool,
                 topics: Collection[str], kinds: Collection[str]) -> bytearray:
    """1 for each document of `state` matching the caller's audiences and filters."""
    statuses = None if include_unpublished else frozenset({PUBLISHED})
    return state.mask(frozenset(audiences), statuses, frozenset(topics), frozenset(kinds))
