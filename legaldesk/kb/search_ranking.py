"""Ranking: term-at-a-time BM25 per field, coordination, title re-ranking and facet counts."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from whoosh.util.numeric import byte_to_length

from legaldesk.kb.search_query import Alternative, Group, QueryPlan
from legaldesk.kb.search_state import Postings, SearchState
from legaldesk.kb.search_types import RankingConfig

_FIELDS_BIGGEST_FIRST = ("body", "title", "summary", "tags")


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

    def rank(self, plan: QueryPlan, mask: bytearray, depth: int, with_facets: bool
             ) -> tuple[list[tuple[int, float]], int, dict[str, dict[str, int]]]:
        """The best `depth` visible matches (re-ranked), the match count and facet counts."""
        config, state = self.config, self.state
        scored = self.score(plan)
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
        top = self._rerank(plan, scored, top)
        return [(doc, score) for score, doc in top], len(ranked), facets

    def _rerank(self, plan: QueryPlan, scored: Scored,
                top: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Bonus for titles holding the user's words, more so when the title is little else."""
        config, state = self.config, self.state
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


def _covered(bits: int, weights: Sequence[float]) -> float:
    total, i = 0.0, 0
    while bits:
        if bits & 1:
            total += weights[i] if i < len(weights) else 0.0
        bits >>= 1
        i += 1
    return total


def _facets(state: SearchState, docs: list[int]) -> dict[str, dict[str, int]]:
    kinds, all_topics = state.kinds, state.topics
    kind_counts = Counter(kinds[doc] for doc in docs)
    topic_counts = Counter(t for doc in docs for t in all_topics[doc])
    return {"topic": dict(topic_counts.most_common()), "kind": dict(kind_counts.most_common())}

