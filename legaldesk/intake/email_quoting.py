"""Quote folding: split a plain-text body into what the sender just wrote and the quoted history."""

from __future__ import annotations

import re
from dataclasses import dataclass

from legaldesk.intake.email_text import normalise_newlines, tidy

_FORWARD_MARKER_RE = re.compile(
    r"^(?:-{3,}\s*(?:forwarded message|message transf[ée]r[ée]|mail transf[ée]r[ée]|"
    r"courriel transf[ée]r[ée])\s*-{3,}|(?:d[ée]but du message r[ée]exp[ée]di[ée]|"
    r"begin forwarded message)\s*:?)$",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(
    r"^-{3,}\s*(?:message d['’]origine|original message|mail original|message original|"
    r"courriel original)\s*-{3,}$",
    re.IGNORECASE,
)
_ATTRIBUTION_START_RE = re.compile(r"^(?:le|on)\s", re.IGNORECASE)
_ATTRIBUTION_END_RE = re.compile(r"(?:a\s+[ée]crit|wrote|schrieb)\s*:\s*$", re.IGNORECASE)
_HEADER_FROM_RE = re.compile(r"^\*?(?:de|from|exp[ée]diteur)\s*\*?\s*:\s*\*?\s*\S", re.IGNORECASE)
_HEADER_FIELD_RE = re.compile(
    r"^\*?(?:envoy[ée]|sent|date|[àa]|to|cc|objet|subject|destinataire)\s*\*?\s*:", re.IGNORECASE
)
_SIGNATURE_START_RE = re.compile(
    r"^(?:--|envoy[ée] (?:de|depuis) (?:mon|ma|un|une|l['’]application) .{1,60}|"
    r"sent from my .{1,60}|(?:t[ée]l[ée]charg(?:ez|er)|obtenir|get) outlook (?:pour|for) .{1,30})$",
    re.IGNORECASE,
)
_SIGNOFF_RE = re.compile(
    r"^(?:bien\s+|tr[èe]s\s+)?(?:cordialement|sinc[èe]rement|amicalement|"
    r"(?:sinc[èe]res\s+)?salutations(?:\s+distingu[ée]es)?|bien\s+[àa]\s+(?:vous|toi)|"
    r"bonne\s+(?:journ[ée]e|soir[ée]e|fin\s+de\s+journ[ée]e)|best\s+regards|kind\s+regards|"
    r"regards|merci(?:\s+(?:d['’]avance|par\s+avance|beaucoup))?)"
    r"[\s.!]*(?:,\s*(?P<name>[A-ZÀ-Ý][\w'’.\- ]{1,40}))?[\s,.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fold:
    """A folded body: the new text, the quoted history and signature, and whether it forwards."""

    new: str
    quoted: str
    forward: bool


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def fold_quoted(text: str) -> tuple[str, str]:
    """Split plain text into (what the sender just wrote, quoted history and signature)."""
    fold = fold_history(text, forward_hint=False)
    return fold.new, fold.quoted


def fold_history(text: str, *, forward_hint: bool) -> Fold:
    """Split text into new and quoted parts; forwarded content stays in the new part."""
    lines = normalise_newlines(text).split("\n")
    new: list[str] = []
    quoted: list[str] = []
    forward = False
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if _FORWARD_MARKER_RE.match(stripped):
            forward = True
            new.extend(lines[index:])
            break
        span = _attribution_span(lines, index)
        block_end = _quote_block_end(lines, index + span) if span else index
        if block_end > index + span:
            # attribution followed by '>' lines: a quoted block, new text may follow it
            quoted.extend(lines[index:block_end])
            index = block_end
            continue
        if span or _is_history_start(lines, index):
            forward = forward or forward_hint
            (new if forward_hint else quoted).extend(lines[index:])
            break
        if _is_quoted(line):
            quoted.append(line)
            index += 1
        elif _SIGNATURE_START_RE.match(stripped):
            end = _signature_end(lines, index)
            quoted.extend(lines[index:end])
            index = end
        else:
            new.append(line)
            index += 1
    if not forward:
        new, signature = _split_signoff(new)
        quoted = signature + quoted
    return Fold(tidy("\n".join(new)), tidy("\n".join(quoted)), forward)


def _attribution_span(lines: list[str], index: int) -> int:
    """Return how many lines an attribution ('Le ... a écrit :') takes at index, or 0."""
    stripped = lines[index].strip()
    if _is_attribution(stripped):
        return 1
    # Gmail wraps long attribution lines in its plain-text part
    wrapped = index + 1 < len(lines) and _ATTRIBUTION_START_RE.match(stripped)
    if wrapped and _is_attribution(stripped + " " + lines[index + 1].strip()):
        return 2
    return 0


def _is_attribution(stripped: str) -> bool:
    if not stripped.endswith(":") or len(stripped) > 300 or stripped.startswith(">"):
        return False
    return bool(_ATTRIBUTION_END_RE.search(stripped)) and bool(re.search(r"[\d@]", stripped))


def _quote_block_end(lines: list[str], start: int) -> int:
    end = start
    index = start
    while index < len(lines) and (not lines[index].strip() or _is_quoted(lines[index])):
        if _is_quoted(lines[index]):
            end = index + 1
        index += 1
    return end


def _is_history_start(lines: list[str], index: int) -> bool:
    stripped = lines[index].strip()
    if _SEPARATOR_RE.match(stripped):
        return True
    if len(stripped) >= 10 and set(stripped) == {"_"}:
        following = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        return following is not None and _is_header_block(lines, following)
    return _is_header_block(lines, index)


def _is_header_block(lines: list[str], index: int) -> bool:
    """True at an Outlook/Zimbra 'De : / Envoyé : / À : / Objet :' block."""
    if not _HEADER_FROM_RE.match(lines[index].strip()):
        return False
    following = lines[index + 1 : index + 6]
    return sum(1 for line in following if _HEADER_FIELD_RE.match(line.strip())) >= 2


def _signature_end(lines: list[str], start: int) -> int:
    """A signature runs to the end, or to a forwarded message (whose content is the question)."""
    for index in range(start + 1, len(lines)):
        if _FORWARD_MARKER_RE.match(lines[index].strip()):
            return index
    return len(lines)


def _split_signoff(lines: list[str]) -> tuple[list[str], list[str]]:
    """Keep 'Cordialement,' and the name; move the title/phone block after them aside."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    signoff = next((i for i in reversed(filled[-12:]) if _SIGNOFF_RE.match(lines[i].strip())), None)
    if signoff is None:
        return lines, []
    tail_start = signoff + 1
    match = _SIGNOFF_RE.match(lines[signoff].strip())
    if match and not match.group("name"):
        name_line = next((i for i in filled if i > signoff), None)
        if name_line is None or not _looks_like_name(lines[name_line].strip()):
            return lines, []
        tail_start = name_line + 1
    tail = lines[tail_start:]
    if not any(line.strip() for line in tail) or not _looks_like_signature(tail):
        return lines, []
    return lines[:tail_start], tail


def _looks_like_name(line: str) -> bool:
    return len(line) <= 40 and len(line.split()) <= 5 and not line.endswith((".", "?", "!", ":"))


def _looks_like_signature(tail: list[str]) -> bool:
    """A contact block: a few short lines, none ending like a sentence, no PS."""
    filled = [line.strip() for line in tail if line.strip()]
    return len(filled) <= 10 and all(
        len(line) <= 80
        and not line.endswith((".", "?", "!", ":"))
        and not line.lower().startswith(("ps", "p.s"))
        for line in filled
    )
