"""Excerpts of search results: the densest window of query terms, HTML-escaped, in <mark>."""

from __future__ import annotations

import html
import re
from collections.abc import Collection

from legaldesk.kb.search_analysis import TOKEN_RE, FrenchAnalysis, strip_elision

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
