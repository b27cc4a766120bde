"""The knowledge-base search engine: `KnowledgeIndex`, the Whoosh index on disk, read and written.

Whoosh stores the index (segments, postings, stored fields, write lock). Ranking is done by the
engine, term at a time over cached posting lists, so that query expansion, typo tolerance,
filters and facets stay fast: BM25 per field, a coordination factor over the user's words,
synonym and typo alternatives that weigh less than the user's words, and a title re-ranking of
the top. The engine knows nothing of the database: the app feeds `SearchDocument`s after commit.

Its parts: search_analysis (French words), search_writing (schema, writer lock, rebuilds),
search_state (open searchers and their caches), search_query (expansion, query plans),
search_ranking (scores), search_snippets (excerpts) and search_types (what goes in and out).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from whoosh import fields, index

# Indexes written before the engine was split in modules pickled their schema with these
# classes as `legaldesk.kb.search.*`: keep the names here so that such an index still opens.
from legaldesk.kb.search_analysis import (  # noqa: F401
    FrenchAnalysis,
    FrenchAnalyzer,
    SpellAnalyzer,
)
from legaldesk.kb.search_query import ExpansionMap, QueryPlan, QueryPlanner, compiled_expansions
from legaldesk.kb.search_ranking import Ranker
from legaldesk.kb.search_snippets import SnippetMaker
from legaldesk.kb.search_state import SearchState, SegmentCache, visible_mask
from legaldesk.kb.search_types import (
    AUDIENCES,
    TEXT_FIELDS,
    Hit,
    RankingConfig,
    SearchDocument,
    SearchResult,
)
from legaldesk.kb.search_writing import (
    build_schema,
    delete_documents,
    rebuild_by_swap,
    rebuild_in_place,
    rebuild_processes,
    upsert_documents,
)
from legaldesk.kb.synonyms import SynonymTable

_FILTER_NAMES = frozenset({"audiences", "include_unpublished", "topics", "kinds"})


class KnowledgeIndex:
    """The knowledge-base search index on disk: readers never wait, writes take the lock."""

    def __init__(self, path: str | Path, synonyms: SynonymTable | None = None,
                 config: RankingConfig | None = None):
        self.path = Path(path)
        self.synonyms = synonyms if synonyms is not None else SynonymTable.load()
        self.config = config or RankingConfig()
        self._segment_cache = SegmentCache()
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
        return build_schema(self.synonyms)

    @property
    def analysis(self) -> FrenchAnalysis:
        """The analysis of the open index (the one its documents were indexed with)."""
        schema = getattr(self._local, "schema", None) or self._ix.schema
        return schema["body"].analyzer.analysis

    def expansions(self) -> ExpansionMap:
        """Synonym map compiled with the index's analysis (built once per table and analysis)."""
        analysis = self.analysis
        if self._expansions is None or self._expansions_for != analysis:
            self._expansions = compiled_expansions(self.synonyms, analysis)
            self._expansions_for = analysis
        return self._expansions

    # writes ---------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[SearchDocument], timeout: float = 5.0) -> int:
        """Add or replace documents by id; raises IndexBusy if the lock is not free in time."""
        return upsert_documents(self._ix, self.path, docs, timeout)

    def delete(self, ids: Iterable[str], timeout: float = 5.0) -> int:
        """Delete documents by id; returns how many were in the index."""
        return delete_documents(self._ix, self.path, ids, timeout)

    def rebuild(self, docs: Iterable[SearchDocument], procs: int | None = None,
                limitmb: int = 256, timeout: float = 30.0) -> int:
        """Replace the whole index with `docs` atomically (readers see old or new, never empty)."""
        schema = self.build_schema()
        docs, default_procs = rebuild_processes(docs)
        procs = default_procs if procs is None else procs
        if self._ix.schema != schema:
            count = rebuild_by_swap(self._ix, self.path, docs, schema, procs, limitmb, timeout)
            self._ix = index.open_dir(str(self.path))
            self._expansions = None
            return count
        return rebuild_in_place(self._ix, self.path, docs, procs, limitmb, timeout)

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
        new_state = SearchState(searcher, self._segment_cache, signature)
        with self._lock:
            self._states.append(new_state)
            if state is not None:
                self._states.remove(state)
                state.close()
            self._segment_cache.forget_dead_segments(self._states)
        self._local.state = new_state
        return new_state

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
        visible_mask(state, AUDIENCES, False, (), ())

    # search ---------------------------------------------------------------------------------

    def search(self, query: str, *, audiences: Collection[str] = AUDIENCES,
               include_unpublished: bool = False, topics: Collection[str] = (),
               kinds: Collection[str] = (), page: int = 1, pagelen: int = 10) -> SearchResult:
        """Search with expansion, typo tolerance, filters, facets, pagination and snippets."""
        state = self._state()
        page, pagelen = max(1, page), max(1, pagelen)
        plan = self.plan(query, state)
        mask = visible_mask(state, audiences, include_unpublished, topics, kinds)
        if not plan.groups:
            return SearchResult([], 0, page, pagelen, {"topic": {}, "kind": {}},
                                plan.suggestion, "")
        ranker = Ranker(state, self.config)
        ranked, total, facets = ranker.rank(plan, mask, page * pagelen, with_facets=True)
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
        mask = visible_mask(state, filters.get("audiences", AUDIENCES),
                            filters.get("include_unpublished", False), filters.get("topics", ()),
                            filters.get("kinds", ()))
        ranker = Ranker(state, self.config)
        ranked, _total, _facets = ranker.rank(plan, mask, limit, with_facets=False)
        snippets = self._snippet_maker(plan)
        return [self._hit(state, doc, score, snippets) for doc, score in ranked[:limit]]

    # planning -------------------------------------------------------------------------------

    def plan(self, query: str, state: SearchState | None = None) -> QueryPlan:
        """Turn the user's query into groups: words, phrases, synonyms and typo corrections."""
        state = state or self._state()
        return self._planner().plan(query, state)

    def key_term_plan(self, text: str, state: SearchState | None = None,
                      count: int = 14) -> QueryPlan:
        """OR plan of the most distinctive terms of a long text (tf × idf), plus the synonyms
        of the acronyms and terms it spells (a note saying "CDDI" is like one spelling it out)."""
        state = state or self._state()
        return self._planner().key_term_plan(text, state, count)

    def _planner(self) -> QueryPlanner:
        return QueryPlanner(self.analysis, self.config, self.expansions)

    # hits -----------------------------------------------------------------------------------

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


def _close_states(states: list[SearchState], lock: threading.Lock) -> None:
    with lock:
        for state in states:
            state.close()
        states.clear()


__all__ = ["KnowledgeIndex"]
