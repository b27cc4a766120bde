"""Query building: synonym expansion, query plans, and the planner of queries and long texts."""

from __future__ import annotations

import heapq
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from legaldesk.kb.search_analysis import QUESTION_WORDS, FrenchAnalysis, WordToken, stem_terms
from legaldesk.kb.search_state import SearchState
from legaldesk.kb.search_types import TEXT_FIELDS, RankingConfig
from legaldesk.kb.synonyms import SynonymTable

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


_COMPILED: dict[tuple[int, FrenchAnalysis], tuple[SynonymTable, ExpansionMap]] = {}
_COMPILED_LOCK = threading.Lock()


def compiled_expansions(table: SynonymTable, analysis: FrenchAnalysis) -> ExpansionMap:
    """Compile a synonym table once per process (several indexes may share a table)."""
    key = (id(table), analysis)
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
        if found is None or found[0] is not table:
            found = _COMPILED[key] = (table, ExpansionMap(table, analysis))
            if len(_COMPILED) > 8:
                _COMPILED.pop(next(iter(_COMPILED)))
        return found[1]


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
# Planning


class QueryPlanner:
    """Turns a query, or a long text, into a plan with an index's analysis and synonyms."""

    def __init__(self, analysis: FrenchAnalysis, config: RankingConfig,
                 expansions: Callable[[], ExpansionMap]):
        self.analysis = analysis
        self.config = config
        self.expansions = expansions

    def plan(self, query: str, state: SearchState) -> QueryPlan:
        """Turn the user's query into groups: words, phrases, synonyms and typo corrections."""
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

    def key_term_plan(self, text: str, state: SearchState, count: int = 14) -> QueryPlan:
        """OR plan of the most distinctive terms of a long text (tf × idf), plus the synonyms
        of the acronyms and terms it spells (a note saying "CDDI" is like one spelling it out)."""
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


def _word_weights(state: SearchState, words: Sequence[WordToken]) -> list[float]:
    """Each user word weighs its idf, so missing a rare word costs more than a common one."""
    weights = []
    for word in words:
        df = max((state.doc_frequency(f, t) for f in ("title", "body") for t in word.terms),
                 default=0)
        weights.append(max(0.5, state.idf(df)) if df else 1.0)
    return weights


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


