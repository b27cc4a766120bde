"""What the search engine takes and gives: documents, hits, results, ranking knobs, errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

TEXT_FIELDS = ("title", "summary", "tags", "body")
AUDIENCES = ("public", "members", "staff")
# The index's audience of a need-to-know draft (made from a confidential ticket): no reader's
# audiences include it, except a manager searching unpublished notes.
RESTRICTED = "restricted"
PUBLISHED = "published"


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

