"""French text normalisation: folding, light stemming and tokens, the engine's view of a text."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from legaldesk.tickets import vocabulary as vocab


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for codepoint in range(0x80, 0x2100):
        char = chr(codepoint)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[codepoint] = base
    table.update({ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE", ord("ß"): "ss"})
    table.update({ord(c): "'" for c in "\u2019\u2018\u02bc\u2032\u00b4`"})
    table.update({ord(c): '"' for c in "«»“”„"})
    table.update({0xA0: " ", 0x202F: " ", 0x2009: " ", ord("…"): "."})
    return table


_FOLD_TABLE = _build_fold_table()
# A word, a sentence end (not the dot of "M." or "A.G."), or a blank line.
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+|(?<!\b[A-Z])[.!?;]+(?=[\s\"')\]]|$)|\n[ \t]*\n")
_UPPER_RE = re.compile(r"[A-Z]")
_LOWER_RE = re.compile(r"[a-z]")
_WORDLIKE_ACRONYMS = frozenset({"CA", "AI", "DE", "IS", "SAS", "AG", "MAD", "PEC", "EPI", "CLE"})
_PROTECTED_STEMS = frozenset({"pass"})  # "passé", "passer" must not become the Pass IAE


@dataclass(slots=True)
class _Token:
    raw: str
    lower: str
    key: str  # matching key ("" for stopwords and elided particles)
    source: int  # 0 subject, 1 body
    start: int
    end: int
    sentence: int
    elided: bool = False  # the l' of "l'accident"


@dataclass
class Text:
    """A subject and body as tokens, with the content-token view that phrases are matched on."""

    tokens: list[_Token]
    keys: list[str]  # content tokens only, below
    sentences: list[int]
    full_index: list[int]
    subject_content: int  # content tokens [0, subject_content) come from the subject
    display: tuple[str, str]  # original text, or its folded form if folding changed offsets
    folded: tuple[str, str]


# "dès" (as soon as) must not fold into the article "des", a stopword: it keeps a key of its own.
_DES_WITH_ACCENT_RE = re.compile(r"\b([Dd])[èÈ]([sS])\b")


def _fold(text: str, keep_des: bool = True) -> str:
    """Accents and typographic signs to ASCII, offsets unchanged for ordinary French text."""
    text = unicodedata.normalize("NFC", text)
    if keep_des:
        text = _DES_WITH_ACCENT_RE.sub(_des_marker, text)
    return text.translate(_FOLD_TABLE)


def _des_marker(found: re.Match) -> str:
    return found.group(1) + ("EZ" if found.group(2).isupper() else "ez")


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Light French stemmer: plural, feminine, past participle and -er infinitive endings."""
    if len(word) <= 3 or not word.isalpha():
        return word
    stem = word
    if stem.endswith("eaux"):
        stem = stem[:-1]
    elif stem.endswith("aux") and len(stem) > 5:
        stem = stem[:-2] + "l"
    elif stem[-1] in "sx" and not stem.endswith("ss"):
        stem = stem[:-1]
    if stem.endswith("ive"):
        stem = stem[:-3] + "if"
    elif stem.endswith("ee") and len(stem) > 4:
        stem = stem[:-2]
    elif stem.endswith("e") and len(stem) > 3:
        stem = stem[:-1]
    if stem.endswith("er") and len(stem) > 4:
        stem = stem[:-2]
    if stem in _PROTECTED_STEMS and stem != word:
        return word
    return stem


def _fix_spelling(lower: str) -> list[str]:
    if lower in vocab.MISSPELLINGS:
        return vocab.MISSPELLINGS[lower].split()
    for wrong, right in vocab.MISSPELT_PREFIXES.items():
        if lower.startswith(wrong):
            return [right + lower[len(wrong):]]
    return [lower]


@functools.lru_cache(maxsize=65536)
def _word_parts(piece: str, honour_caps: bool) -> tuple[tuple[str, str, str], ...]:
    """(raw, lower, key) of each token a word gives (a glued misspelling gives several)."""
    lower = piece.lower()
    parts = _fix_spelling(lower)
    result = []
    for part in parts:
        raw = piece if len(parts) == 1 and part == lower else part
        result.append((raw, part, _token_key(raw, part, honour_caps)))
    return tuple(result)


def _token_key(raw: str, lower: str, honour_caps: bool) -> str:
    acronym = raw if raw in vocab.CASE_SENSITIVE_ACRONYMS else None
    if acronym is None and raw.endswith("s") and raw[:-1] in vocab.CASE_SENSITIVE_ACRONYMS:
        acronym = raw[:-1]
    if acronym and (honour_caps or acronym not in _WORDLIKE_ACRONYMS):
        return "§" + acronym.lower()
    if lower in vocab.STOPWORDS:
        return ""
    return _stem(lower)


def _is_shouting(folded: str) -> bool:
    upper = len(_UPPER_RE.findall(folded))
    return upper >= 12 and upper > 1.5 * len(_LOWER_RE.findall(folded))


def _tokenise(folded: str, source: int, sentence: int, honour_caps: bool) -> tuple[list, int]:
    """Cut folded text into tokens; elided particles and stopwords get an empty key."""
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(folded):
        piece = match.group()
        if not piece[0].isalnum():
            sentence += 1
            continue
        start, end = match.span()
        lower = piece.lower() if len(piece) <= 6 else ""
        if lower and _is_elision(folded, lower, end):
            tokens.append(_Token(piece, "ne" if lower == "n" else lower, "", source, start, end,
                                 sentence, elided=True))
            continue
        for raw, part, key in _word_parts(piece, honour_caps):
            tokens.append(_Token(raw, part, key, source, start, end, sentence))
    return _join_spelled_acronyms(tokens, folded, honour_caps), sentence


def _is_elision(folded: str, lower: str, end: int) -> bool:
    followed_by_word = folded[end:end + 1] == "'" and folded[end + 1:end + 2].isalpha()
    return followed_by_word and lower in vocab.ELISIONS


def _join_spelled_acronyms(tokens: list[_Token], folded: str, honour_caps: bool) -> list[_Token]:
    """Glue "c.d.d.i" or "C D D I" back into one token when it spells a known acronym."""
    letters = [token for token in tokens if len(token.raw) == 1]
    if len(letters) < 3:
        return tokens
    joined: list[_Token] = []
    index = 0
    while index < len(tokens):
        end = _spelled_run_end(tokens, index, folded)
        word = "".join(token.lower for token in tokens[index:end])
        if end - index >= 3 and word in vocab.SPELLED_ACRONYMS:
            raw = "".join(token.raw for token in tokens[index:end])
            first, last = tokens[index], tokens[end - 1]
            joined.append(_Token(raw, word, _token_key(raw, word, honour_caps), first.source,
                                 first.start, last.end, first.sentence))
            index = end
        else:
            joined.append(tokens[index])
            index += 1
    return joined


def _spelled_run_end(tokens: list[_Token], index: int, folded: str) -> int:
    end = index
    while end < len(tokens) and _is_letter(tokens[end]) and (
            end == index or _only_dots_between(tokens, end, folded)):
        end += 1
    return end


def _is_letter(token: _Token) -> bool:
    return len(token.raw) == 1 and token.raw.isalpha() and not token.elided


def _only_dots_between(tokens: list[_Token], index: int, folded: str) -> bool:
    between = folded[tokens[index - 1].end:tokens[index].start]
    return len(between) <= 2 and not between.strip(" .-")


_SUBJECT_LINE_RE = re.compile(r"\A\s*(?:objet|sujet|subject)\s*:\s*(?P<subject>[^\n]+)\n?",
                              re.IGNORECASE)


def split_subject(subject: str, text: str) -> tuple[str, str]:
    """Without a subject, an e-mail pasted with its « Objet : » line gives one."""
    if subject.strip():
        return subject, text
    found = _SUBJECT_LINE_RE.match(text)
    if not found:
        return subject, text
    return found.group("subject"), text[found.end():]


def analyse(subject: str, body: str) -> Text:
    """Fold and tokenise a subject and a body into one Text (subject tokens first)."""
    originals = (subject or "", body or "")
    folded = tuple(_fold(part) for part in originals)
    honour_caps = not _is_shouting(folded[0] + " " + folded[1])
    subject_tokens, sentence = _tokenise(folded[0], 0, 0, honour_caps)
    body_tokens, _ = _tokenise(folded[1], 1, sentence + 1, honour_caps)
    tokens = subject_tokens + body_tokens
    keys, sentences, full_index = [], [], []
    subject_content = 0
    for position, token in enumerate(tokens):
        if token.key:
            keys.append(token.key)
            sentences.append(token.sentence)
            full_index.append(position)
            subject_content += token.source == 0
    display = tuple(orig if len(orig) == len(fold) else fold
                    for orig, fold in zip(originals, folded, strict=True))
    return Text(tokens, keys, sentences, full_index, subject_content, display, folded)


def normalise(text: str) -> str:
    """Fold case and accents, drop elisions (n' → ne), fix known misspellings; no stemming."""
    tokens, _ = _tokenise(_fold(text or "", keep_des=False), 1, 0, honour_caps=False)
    return " ".join(token.lower for token in tokens if not token.elided or token.lower == "ne")


@functools.lru_cache(maxsize=8192)
def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The matching keys of a vocabulary phrase, folded and stemmed like a text's tokens."""
    tokens, _ = _tokenise(_fold(phrase), 1, 0, honour_caps=True)
    return tuple(token.key for token in tokens if token.key)
