"""Near dates in a question: « demain », dd/mm, « 12 mars », weekdays, « dans 3 jours »."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from datetime import date, timedelta

from legaldesk.tickets.triage.normalisation import Text
from legaldesk.tickets.triage.phrases import Match, snippet

_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
             "dimanche": 6}
_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
           "juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
           "decembre": 12}
_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                 "sept": 7, "huit": 8, "dix": 10, "quinze": 15}
_DATE_NUMERIC_RE = re.compile(
    r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b|\b(\d{1,2})[.-](\d{1,2})[.-](\d{4}|\d{2})\b")
_DATE_TEXT_RE = re.compile(r"\b(1er|\d{1,2})\s+(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?\b")
_HOURS_RE = re.compile(r"^(\d{1,3})h$")
_PAST_AFTER_WEEKDAY = frozenset({"dernier", "passe", "precedent"})
_RECURRING_BEFORE = frozenset({"tous", "chaque"})


def _working_days_until(today: date, target: date) -> int:
    days = 0
    current = today
    while current < target:
        current += timedelta(days=1)
        days += current.weekday() < 5
    return days


def _is_near(today: date, target: date, window_days: int) -> bool:
    calendar_days = (target - today).days
    if calendar_days < 0 or calendar_days > 2 * window_days + 4:  # cheap bound before counting
        return False
    return _working_days_until(today, target) <= window_days


def _content_position(starts: list[tuple[int, int]], source: int, offset: int) -> int:
    return min(bisect.bisect_left(starts, (source, offset)), max(len(starts) - 1, 0))


def _parsed_dates(text: Text, today: date) -> Iterator[tuple[int, date, str]]:
    """(content position, date, text) of dd/mm[/yyyy] and « 12 mars » dates."""
    starts = [(text.tokens[i].source, text.tokens[i].start) for i in text.full_index]
    for source, folded in enumerate(text.folded):
        lower = folded.lower()
        for found in _DATE_NUMERIC_RE.finditer(lower):
            groups = found.groups()
            day, month, year = groups[:3] if groups[0] else groups[3:]
            yield from _dated(starts, source, found, today, day, month, year)
        for found in _DATE_TEXT_RE.finditer(lower):
            day, month, year = found.groups()
            yield from _dated(starts, source, found, today, day, _MONTHS[month], year)


def _dated(starts: list[tuple[int, int]], source: int, found: re.Match, today: date,
           day: str, month: str | int, year: str | None) -> Iterator[tuple[int, date, str]]:
    day_number = 1 if day == "1er" else int(day)
    try:
        target = _with_year(today, int(month), day_number, year)
    except ValueError:
        return
    yield _content_position(starts, source, found.start()), target, found.group()


def _with_year(today: date, month: int, day: int, year: str | None) -> date:
    if year:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        return date(full_year, month, day)
    target = date(today.year, month, day)
    if (today - target).days > 180:  # « le 05/01 » written in December means next January
        target = date(today.year + 1, month, day)
    return target


def _weekday_dates(text: Text, today: date) -> Iterator[tuple[int, date, str]]:
    """Weekday names ("jeudi", not "jeudi dernier" nor "tous les jeudis") → next such day."""
    for position, index in enumerate(text.full_index):
        token = text.tokens[index]
        if token.lower not in _WEEKDAYS:
            continue
        before = text.tokens[index - 2].lower if index >= 2 else ""
        after = text.tokens[index + 1] if index + 1 < len(text.tokens) else None
        if before in _RECURRING_BEFORE or (after and after.lower in _PAST_AFTER_WEEKDAY):
            continue
        if after and (after.lower.isdigit() or after.lower == "1er"):
            continue  # « jeudi 12 mars » is dated by _parsed_dates
        ahead = (_WEEKDAYS[token.lower] - today.weekday()) % 7
        yield position, today + timedelta(days=ahead), token.raw


def _relative_dates(text: Text, today: date) -> Iterator[tuple[int, date, str]]:
    """« dans 3 jours », « sous 48 h », « d'ici 2 semaines », « sous 48h »."""
    tokens = text.tokens
    for position, index in enumerate(text.full_index):
        if tokens[index].lower not in {"dans", "sous", "ici"} or index + 1 >= len(tokens):
            continue
        amount_token = tokens[index + 1]
        hours = _HOURS_RE.match(amount_token.lower)
        if hours:
            days = int(hours.group(1)) / 24
        else:
            amount = _NUMBER_WORDS.get(amount_token.lower)
            if amount is None and amount_token.lower.isdigit():
                amount = int(amount_token.lower)
            unit = tokens[index + 2].lower if index + 2 < len(tokens) else ""
            days = _days_for(amount, unit)
        if days is not None:
            label = " ".join(t.raw for t in tokens[index:index + 3])
            yield position, today + timedelta(days=int(days)), label


def _days_for(amount: int | None, unit: str) -> float | None:
    if amount is None:
        return None
    factors = {"jour": 1, "jours": 1, "h": 1 / 24, "heure": 1 / 24, "heures": 1 / 24,
               "semaine": 7, "semaines": 7}
    return amount * factors[unit] if unit in factors else None


def near_dates(text: Text, found: dict, blocked: list[Match], today: date,
               window_days: int) -> list[tuple[int, str]]:
    """(content position, text) of every date within the window, outside false friends."""
    near = [(m.first, snippet(text, m)) for m in found.get("near_date", [])]
    for source in (_parsed_dates, _weekday_dates, _relative_dates):
        near.extend((position, label) for position, target, label in source(text, today)
                    if _is_near(today, target, window_days))
    return [(position, label) for position, label in near
            if not any(b.first <= position <= b.last for b in blocked)]
