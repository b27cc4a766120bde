"""Synonym and acronym table of the knowledge-base search: shipped data, ambiguity flagged."""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
LABOUR_LAW_FILE = DATA_DIR / "acronyms_synonyms.jsonl.gz"
SECTOR_FILE = DATA_DIR / "sector_glossary.json"

_BRACES = re.compile(r"\{[^}]*\}")
_PARENS = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"\s+")
_ACRONYM_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9'’.&+-]{0,11}$")
_WORD = re.compile(r"[^\W_]+")
_FRAGMENT = re.compile(r"^(?:de|du|des|d'|d’|et|à|au|aux|la|le|les|l'|l’)(?:\s|$|(?<=['’]))", re.I)


@dataclass(frozen=True)
class SynonymGroup:
    """Terms that mean the same thing; with `targets`, the terms only expand one way to them."""

    terms: tuple[str, ...]
    targets: tuple[str, ...] = ()
    origin: str = ""
    acronyms: frozenset[str] = frozenset()

    def expansions_of(self, term: str) -> tuple[str, ...]:
        """Return what `term` expands to inside this group (never itself)."""
        pool = self.terms if not self.targets else () if term in self.targets else self.targets
        return tuple(other for other in pool if other != term)


@dataclass
class SynonymTable:
    """All synonym groups plus the acronyms that must never be expanded."""

    groups: list[SynonymGroup] = field(default_factory=list)
    ambiguous: frozenset[str] = frozenset()
    lowercase_words: frozenset[str] = frozenset()
    extra_protected: frozenset[str] = frozenset()

    @classmethod
    def load(cls, labour_law: Path | None = LABOUR_LAW_FILE,
             sector: Path | None = SECTOR_FILE) -> SynonymTable:
        """Build the table from the labour-law file and the sector glossary (sector wins)."""
        sector_data = _read_json(sector) if sector else {}
        sector_groups = list(_sector_groups(sector_data))
        labour_groups = list(_labour_law_groups(labour_law)) if labour_law else []
        declared = {_key(a) for a in sector_data.get("ambiguous", [])}
        owned = {_key(t) for g in sector_groups for t in g.terms if " " not in _key(t)}
        labour_groups = [_drop_terms(g, owned) for g in labour_groups]
        groups = [g for g in sector_groups + labour_groups if len(g.terms) > 1]
        ambiguous = declared | _conflicting_acronyms(groups)
        groups = [_drop_terms(g, ambiguous) for g in groups]
        lowercase = frozenset(_key(w) for w in sector_data.get("lowercase_words", []))
        declared_acronyms = frozenset(_key(a) for a in sector_data.get("ambiguous", [])
                                      if a.isupper())
        groups = [g for g in groups if len(g.terms) > 1]
        return cls(groups, frozenset(ambiguous), lowercase, declared_acronyms)

    @property
    def acronyms(self) -> frozenset[str]:
        """Lower-case single-word acronyms, protected from stemming by the analyzer."""
        words = {_key(a) for g in self.groups for a in g.acronyms} | self.extra_protected
        return frozenset(w for w in words if _WORD.fullmatch(w))

    def is_acronym(self, term: str) -> bool:
        """Tell whether `term` is a known acronym (its case then matters when it is a word)."""
        return _key(term) in self._acronym_keys()

    def _acronym_keys(self) -> frozenset[str]:
        cached = getattr(self, "_acronym_cache", None)
        if cached is None:
            cached = frozenset(_key(a) for g in self.groups for a in g.acronyms)
            self._acronym_cache = cached
        return cached

    def pairs(self) -> Iterator[tuple[str, str, str]]:
        """Yield (term, expansion, origin) for every directed synonym relation."""
        for group in self.groups:
            for term in group.terms:
                for other in group.expansions_of(term):
                    yield term, other, group.origin


def _key(term: str) -> str:
    return _SPACES.sub(" ", term.strip().lower())


def _read_json(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _clean(term: str) -> str:
    """Remove disambiguation braces and parenthesised remarks from a data term."""
    term = _PARENS.sub(" ", _BRACES.sub(" ", term))
    return _SPACES.sub(" ", term).strip(" ,;")


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for term in terms:
        cleaned = _clean(term)
        if cleaned and _key(cleaned) not in seen:
            seen[_key(cleaned)] = cleaned
    return tuple(seen.values())


def _initials(phrase: str) -> str:
    words = _WORD.findall(phrase.lower())
    return "".join(w[0] for w in words)


def looks_like_acronym_of(short: str, phrase: str) -> bool:
    """Tell whether the letters of `short` appear in order among the initials of `phrase`."""
    letters = [c for c in short.lower() if c.isalnum()]
    initials = iter(_initials(_strip_accents(phrase)))
    return len(letters) >= 2 and all(c in initials for c in letters)


def _strip_accents(text: str) -> str:
    import unicodedata
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _detect_acronyms(terms: tuple[str, ...], declared: Iterable[str] = ()) -> frozenset[str]:
    """Declared acronyms plus short single words matching the initials of a longer member."""
    found = {t for t in declared if t in terms}
    longs = [t for t in terms if " " in t]
    for term in terms:
        if " " in term or not _ACRONYM_SHAPE.match(term):
            continue
        if (term.isupper() and len(term) <= 8) or any(looks_like_acronym_of(term, p)
                                                       for p in longs):
            found.add(term)
    return frozenset(found)


def _sector_groups(data: dict) -> Iterator[SynonymGroup]:
    for entry in data.get("groups", []):
        terms = _unique(entry["terms"])
        if "acronyms" in entry:
            acronyms = frozenset(_unique(entry["acronyms"]))
        else:
            acronyms = _detect_acronyms(terms)
        yield SynonymGroup(terms, origin="sector", acronyms=acronyms)


def _labour_law_rows(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _labour_law_groups(path: Path) -> Iterator[SynonymGroup]:
    for row in _labour_law_rows(path):
        group = _rule_group(row) if "rule" in row else _glossary_group(row)
        if group is not None:
            yield group


def _glossary_group(row: dict) -> SynonymGroup | None:
    abbrs = _unique(row.get("abbrs", []))
    terms = _unique([row["term"], *abbrs, *row.get("variants", [])])
    return SynonymGroup(terms, origin=row["origin"], acronyms=_detect_acronyms(terms, abbrs))


def _split_items(side: str) -> list[str]:
    """Comma/slash separated items; drop fragments of names that held commas ("de la ...")."""
    items = [item.strip() for part in side.split(",") for item in part.split("/")]
    return [item for item in items if item and not _FRAGMENT.match(item)]


def _rule_group(row: dict) -> SynonymGroup | None:
    """Parse a Solr-style rule: `a, b` (equivalent) or `a, b => c` (one-way, c preferred)."""
    left, _, right = row["rule"].partition("=>")
    terms = [t for t in _unique(_split_items(left)) if "_" not in t]
    targets = [t for t in _unique(_split_items(right)) if "_" not in t]
    acronyms = _detect_acronyms(_unique(terms + targets))
    if targets and not _is_acronym_pair(terms, targets, acronyms):
        return SynonymGroup(_unique(terms + targets), tuple(targets), row["origin"], acronyms)
    return SynonymGroup(_unique(terms + targets), origin=row["origin"], acronyms=acronyms)


def _is_acronym_pair(terms: list[str], targets: list[str], acronyms: frozenset[str]) -> bool:
    """An acronym and its spelled-out form are exact synonyms: expand both ways."""
    members = set(terms) | set(targets)
    return len(members) == 2 and len(members & acronyms) == 1


def _drop_terms(group: SynonymGroup, keys: set[str] | frozenset[str]) -> SynonymGroup:
    """Remove `keys` (lower-case) from a group; they are owned elsewhere or ambiguous."""
    if not any(_key(t) in keys for t in group.terms):
        return group
    terms = tuple(t for t in group.terms if _key(t) not in keys)
    targets = tuple(t for t in group.targets if _key(t) not in keys)
    if group.targets and not targets:
        terms = ()
    acronyms = frozenset(a for a in group.acronyms if _key(a) not in keys)
    return SynonymGroup(terms, targets, group.origin, acronyms)


def _conflicting_acronyms(groups: list[SynonymGroup]) -> set[str]:
    """Acronyms spelled out by unrelated groups (CA: cour d'appel, chiffre d'affaires)."""
    meanings: dict[str, list[set[str]]] = defaultdict(list)
    for group in groups:
        longs = {_key(t) for t in group.terms if t not in group.acronyms}
        for acronym in group.acronyms:
            if longs:
                meanings[_key(acronym)].append(longs)
    return {a for a, sets in meanings.items() if _disjoint_meanings(sets)}


def _disjoint_meanings(meaning_sets: list[set[str]]) -> bool:
    """True when the spelled-out forms fall into two or more unrelated meanings."""
    merged: list[set[str]] = []
    for meaning in meaning_sets:
        words = {w for phrase in meaning for w in _rough_words(phrase)}
        for known in merged:
            if len(known & words) / max(1, len(known | words)) >= 0.6:
                known |= words
                break
        else:
            merged.append(words)
    return len(merged) > 1


def _rough_words(phrase: str) -> set[str]:
    """Accent-free five-letter word prefixes, enough to tell two spelled-out forms apart."""
    words = _WORD.findall(_strip_accents(phrase.lower()))
    return {w[:5] for w in words if len(w) > 3}
