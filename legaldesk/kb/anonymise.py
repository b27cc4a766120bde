"""Anonymise a ticket's text before it becomes a knowledge-base note (pure functions).

Detection finds spans of personal data, each with its kind; every span is then replaced by an
explicit French placeholder ([PERSONNE], [STRUCTURE], [LIEU], [DATE], [ÂGE], [E-MAIL], ...) so
the reviewing jurist sees what changed, and the replacements (original, start, end, kind,
replacement) are returned beside the text. Three sources are combined:

- the names the desk already knows for the ticket (requester, contacts, staff, structure and its
  group, territory): see `KnownIdentifiers`;
- patterns: e-mails, phones (French and overseas formats), SIRET/SIREN, NIR, IBAN, addresses,
  postcodes with towns, dates, ages, case references, civilities (« Mme Benali »), signature
  blocks and greetings;
- a French named-entity model (spaCy `fr_core_news_sm`, see `kb.ner`) for people, places and
  organisations that no pattern and no record knows.

Legal figures stay exactly as written: article numbers, amounts, and ages or durations that
state a rule (« 50 ans et plus », « moins de 26 ans », « 24 mois ») are protected spans that no
replacement may touch. A person's exact age is generalised to its legal band inside the
placeholder (« [ÂGE : entre 57 et 61 ans] »), an exact date to its month (« [DATE : mars
2024] »), because the rule in force depends on them.

Nothing here is perfect: the result is a draft that a jurist reviews before publication, and
`find_personal_data` runs the same detection again when a note is published.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

PERSON = "PERSONNE"
ORGANISATION = "STRUCTURE"
PLACE = "LIEU"
DATE = "DATE"
BIRTH_DATE = "DATE DE NAISSANCE"
AGE = "ÂGE"
EMAIL = "E-MAIL"
PHONE = "TÉLÉPHONE"
SIRET = "SIRET"
SIREN = "SIREN"
NIR = "NIR"
IBAN = "IBAN"
ADDRESS = "ADRESSE"
CASE_REFERENCE = "RÉFÉRENCE"
WEBSITE = "SITE WEB"
SIGNATURE = "SIGNATURE"
KINDS = (PERSON, ORGANISATION, PLACE, DATE, BIRTH_DATE, AGE, EMAIL, PHONE, SIRET, SIREN, NIR,
         IBAN, ADDRESS, CASE_REFERENCE, WEBSITE, SIGNATURE)
# How each kind is named to people (the placeholders themselves are already French).
KIND_LABELS = {PERSON: "nom", ORGANISATION: "structure", PLACE: "lieu", DATE: "date",
               BIRTH_DATE: "date de naissance", AGE: "âge", EMAIL: "e-mail",
               PHONE: "téléphone", SIRET: "SIRET", SIREN: "SIREN",
               NIR: "n° de sécurité sociale", IBAN: "IBAN", ADDRESS: "adresse",
               CASE_REFERENCE: "référence de dossier", WEBSITE: "site web",
               SIGNATURE: "signature"}
# Kinds that name someone: a note holding one of them is never published.
NAME_KINDS = frozenset({PERSON})

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
_MONTH_RE = "janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|" \
            "novembre|d[ée]cembre"
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}][{LOWER}]+)*"
CAPS_WORD = rf"[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})*"
CIVILITY = r"(?:M\.|Mme|Mlle|Mr|Madame|Monsieur|Mademoiselle|Maître|Me|Dr|Docteur|Pr)"
KIND_PREFIXES = ("AI", "ACI", "EI", "ETTI", "EITI", "EBE", "GES", "ETT-ESS", "Association",
                 "Régie de quartier", "Entreprise d'insertion", "Atelier chantier d'insertion")

# Age bands: the thresholds that change the applicable rules (youth schemes, seniors, CDI
# inclusion at 57, pension age). An exact age identifies a person; its band does not.
AGE_THRESHOLDS = (16, 18, 26, 50, 57, 62)


@dataclass
class KnownIdentifiers:
    """What the desk knows about the people and the structure of a ticket."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Replacement:
    """One replaced span of the original text."""

    original: str
    start: int
    end: int
    kind: str
    replacement: str

    def as_dict(self) -> dict:
        """The JSON form (`legaldesk kb anonymise --json`)."""
        return {"original": self.original, "start": self.start, "end": self.end,
                "kind": self.kind, "replacement": self.replacement}


@dataclass
class AnonymisedText:
    """The anonymised text, its replacements (offsets in the original) and counts by kind."""

    text: str
    replacements: list[Replacement] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        """How many replacements of each kind."""
        return Counter(r.kind for r in self.replacements)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    replacement: str
    rank: int  # lower wins an overlap: records before patterns before the model


# --- patterns -----------------------------------------------------------------------------

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
IBAN_RE = re.compile(r"\bFR\d{2}(?:[ ]?[A-Z0-9]{4}){5}[ ]?[A-Z0-9]{3}\b")
NIR_RE = re.compile(
    r"(?<![\d])[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[AB])[ .]?\d{3}"
    r"[ .]?\d{3}(?:[ .]?\d{2})?(?![\d])")
_SEP = r"[ .\-]?"
PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)269" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}"
    r"|(?:\+|00)(?:33|262|590|594|596)" + _SEP + r"(?:\(0\)" + _SEP + r")?[1-9](?:"
    + _SEP + r"\d{2}){4}"
    r"|0[1-9](?:" + _SEP + r"\d{2}){4}"
    r")(?!\d)")
SIRET_RE = re.compile(r"(?<![\d])\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}(?![\d])")
SIREN_RE = re.compile(r"(?<![\d])\d{3}[ .]?\d{3}[ .]?\d{3}(?![\d])")
URL_RE = re.compile(r"\b(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)(?:/[^\s)]*)?", re.I)

STREET_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|place|route|quai|cours|passage|"
    r"square|résidence|residence|lotissement|lieu-dit|rond-point|voie|sentier|cité|cite|"
    r"hameau|faubourg|promenade|esplanade|ruelle|traverse|montée|rampe|chaussée|parc|zone|za|zi")
_PARTICLE = r"(?:(?i:de|du|des|la|le|les|aux|au|à|sur|en|et|sous)\s+|(?i:l|d)['’])"
_TOWN = (rf"[{UPPER}][\w'’]*(?:[ -](?:(?:de|du|des|la|le|les|sur|en|et|sous)[ -])?"
         rf"[{UPPER}][\w'’]*){{0,3}}")
POSTCODE = r"(?:(?:0[1-9]|[1-8]\d|9[0-5]|2[AB])\s?\d{3}|9[78]\d\s?\d{2})"
ADDRESS_RE = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?i:bis|ter|quater)|[A-D])?,?\s+(?i:{STREET_TYPES})(?!\w)"
    rf"(?:\s+{_PARTICLE}*(?!{POSTCODE}\b)[{UPPER}0-9][\w'’.-]*)+"
    rf"(?:\s*,?\s*(?:BP|CS)\s*\d+)?"
    rf"(?:\s*,?\s*{POSTCODE}\s+{_TOWN}(?:\s+(?i:cedex)(?:\s+\d+)?)?)?")
POSTCODE_TOWN_RE = re.compile(rf"\b{POSTCODE}\s+{_TOWN}(?:\s+(?i:cedex)(?:\s+\d+)?)?")
BP_RE = re.compile(r"\b(?:BP|CS)\s*\d{2,6}\b")

BIRTH_DATE_RE = re.compile(
    rf"\bnée?s?\s+(?:le\s+)?((?:\d{{1,2}}(?:er)?\s+(?:{_MONTH_RE})\s+\d{{4}}"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|en\s+\d{{4}}))", re.I)
DATE_TEXT_RE = re.compile(
    rf"\b((?:lundi\s+|mardi\s+|mercredi\s+|jeudi\s+|vendredi\s+|samedi\s+|dimanche\s+)?"
    rf"\d{{1,2}}(?:er)?\s+(?P<month>{_MONTH_RE})(?:\s+(?P<year>\d{{4}}))?)\b", re.I)
DATE_NUMERIC_RE = re.compile(
    r"\b((?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4}|\d{2}))(?!\d)(?![/.-]\d)")

_NOT_AN_AGE = (r"(?!\s*(?:d['’]ancienneté|d['’]expérience|de\s+(?:contrat|parcours|service|"
               r"carrière|présence|travail|chômage|cotisation)|et\s+plus|ou\s+plus|révolus|"
               r"au\s+plus|et\s+moins))")
_AGE = r"(?P<phrase>(?P<age>\d{1,3})\s*ans)\b"
AGE_CUE_RE = re.compile(
    r"\b(?:âgée?s?\s+de\s+|agée?s?\s+de\s+|a\s+|aura\s+|avait\s+|ayant\s+|vient\s+d['’]avoir\s+|"
    r"fête\s+ses\s+|âge\s*:\s*)" + _AGE + _NOT_AN_AGE, re.I)
AGE_NOUN_RE = re.compile(
    r"\b(?:salariée?s?|personnes?|hommes?|femmes?|jeunes?|seniors?|demandeu(?:r|se)s?\s+d['’]emploi"
    r"|bénéficiaires?|candidate?s?|intérimaires?|monsieur|madame|agente?s?|ouvri(?:er|ère)s?"
    r"|employée?s?|stagiaires?|apprentie?s?|fils|fille|enfant|mère|père|veuve?)\s+de\s+"
    + _AGE + _NOT_AN_AGE, re.I)
AGE_ASIDE_RE = re.compile(r"[,(]\s*" + _AGE + r"(?=\s*[,)])")

SIGN_OFF_RE = re.compile(
    r"^\s*(?:(?:bien\s+|très\s+)?cordialement|bien\s+à\s+(?:vous|toi)|(?:sincères\s+|meilleures\s+|"
    r"mes\s+)?salutations|veuillez\s+agréer|je\s+vous\s+prie\s+d['’]agréer|merci\s+(?:d['’]avance|"
    r"par\s+avance)|(?:bonne|belle)\s+(?:journée|soirée|fin\s+de\s+journée)|--\s*$)", re.I)
GREETING_NAME_RE = re.compile(
    rf"^([ \t]*(?i:bonjour|bonsoir|hello|salut|cher|chère)),?[ \t]+(?!(?i:madame|monsieur)\b)"
    rf"((?:{CIVILITY}[ \t]+)?{NAME_WORD}(?:[ \t]+(?:{NAME_WORD}|{CAPS_WORD})){{0,2}})", re.M)
CIVILITY_RE = re.compile(
    rf"\b({CIVILITY})\s+((?:{NAME_WORD}|{CAPS_WORD})(?:\s+(?:{NAME_WORD}|{CAPS_WORD}))*)")
FIRST_LAST_RE = re.compile(rf"\b({NAME_WORD})\s+({CAPS_WORD})\b")
LAST_FIRST_RE = re.compile(rf"\b({CAPS_WORD})\s+({NAME_WORD})\b")


TICKET_REF_RE = re.compile(r"\bLD-\d{4}-\d{3,}\b")
CASE_REF_RE = re.compile(
    r"(?i:\bn°\s*RG|\bRG|\bdossier|\baffaire|\bréf\.?|\bréférence|\brequête|\bmatricule"
    r"|\bn°\s*allocataire|\bnuméro\s+(?:d['’]allocataire|de\s+dossier|fiscal)"
    r"|\bidentifiant\s+France\s+Travail)\s*(?:n°|no|numéro)?\s*:?\s*"
    r"((?=[A-Z0-9/.\-]*\d)[A-Z0-9][A-Z0-9/.\-]{3,}[A-Z0-9])")

# Legal figures, never touched: article numbers, amounts, ages and durations that state a rule,
# dates of texts (« loi du 5 septembre 2018 »).
_ARTICLE = (r"(?:\b(?:art(?:icle)?s?\.?\s+)?\b[LRDA]\.?\s?\d{3,4}(?:-\d+)+\b"
            r"|\bart(?:icle)?s?\.?\s+\d+(?:-\d+)*\b)")
_AMOUNT = (r"(?:\d{1,3}(?:[  .]\d{3})+|\d+)(?:,\d+)?\s*(?:€|euros?|EUR)\b(?:\s+(?:brut|net)s?)?"
           r"|(?:€|EUR)\s?\d[\d  .]*(?:,\d+)?")
_RULE_AGE = (r"\b(?:(?:moins|plus|au\s+moins|au-delà|au\s+delà|à\s+partir|dès\s+l['’]âge)\s+de"
             r"|entre|dès|jusqu['’]à|avant|après|atteint|atteindre|l['’]âge\s+de)\s+\d{1,3}\s*"
             r"(?:et\s+\d{1,3}\s*)?ans(?:\s+(?:révolus|et\s+plus|ou\s+plus|au\s+plus|au\s+moins))?"
             r"|\b\d{1,3}\s*ans\s+(?:et\s+plus|ou\s+plus|révolus|au\s+plus|minimum|maximum)\b"
             r"|\b\d{1,3}\s*ans\s+et\s+moins\b")
_DURATION = (r"\b\d{1,3}\s*(?:mois|semaines?|jours?|heures?|h)\b"
             r"|\b\d{1,3}\s*ans\s+(?:d['’]ancienneté|d['’]expérience|de\s+(?:contrat|parcours|"
             r"service|carrière|présence|travail|chômage|cotisation|prescription))"
             r"|\b(?:pendant|durant|depuis|sur|pour|dans\s+un\s+délai\s+de|délai\s+de)\s+"
             r"\d{1,3}\s*ans\b")
_TEXT_DATE = (rf"\b(?:loi|décret|ordonnance|arrêté|circulaire|instruction|directive|"
              rf"règlement|accord|avenant|convention)(?:\s+n°\s*[\d-]+)?\s+du\s+\d{{1,2}}(?:er)?"
              rf"\s+(?:{_MONTH_RE})\s+\d{{4}}")
_PERCENT = r"\b\d+(?:,\d+)?\s*%"
LEGAL_FIGURE_RE = re.compile("|".join(f"(?:{p})" for p in (
    _TEXT_DATE, _ARTICLE, _AMOUNT, _RULE_AGE, _DURATION, _PERCENT)), re.I)
MAX_SIGNATURE_LINES = 8


# --- public API ---------------------------------------------------------------------------


def anonymise(text: str, known: KnownIdentifiers | None = None, *,
              use_model: bool = True) -> AnonymisedText:
    """Replace the personal and identifying data of `text` by explicit placeholders."""
    text = text or ""
    spans = detect(text, known or KnownIdentifiers(), use_model=use_model)
    pieces: list[str] = []
    replacements: list[Replacement] = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor:span.start])
        pieces.append(span.replacement)
        replacements.append(Replacement(text[span.start:span.end], span.start, span.end,
                                        span.kind, span.replacement))
        cursor = span.end
    pieces.append(text[cursor:])
    return AnonymisedText("".join(pieces), replacements)


def detect(text: str, known: KnownIdentifiers, *, use_model: bool = True) -> list[_Span]:
    """Non-overlapping spans of personal data, in text order (protected legal figures left)."""
    protected = [(m.start(), m.end()) for m in LEGAL_FIGURE_RE.finditer(text)]
    protected += [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
    candidates: list[_Span] = []
    for detector in _DETECTORS:
        candidates += detector(text, known)
    if use_model:
        candidates += _model_spans(text)
    chosen: list[_Span] = []
    for span in sorted(candidates, key=lambda s: (s.rank, -(s.end - s.start), s.start)):
        if span.end <= span.start or _overlaps(span, protected):
            continue
        if any(span.start < c.end and c.start < span.end for c in chosen):
            continue
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def find_personal_data(text: str, known: KnownIdentifiers | None = None) -> list[tuple[str, str]]:
    """Residual personal data a reviewer must look at: (kind, excerpt) pairs, in text order."""
    return [(span.kind, text[span.start:span.end])
            for span in detect(text or "", known or KnownIdentifiers())
            if span.kind != SIGNATURE]


PLACEHOLDER_RE = re.compile(r"\[(" + "|".join(re.escape(k) for k in KINDS) + r")(?: : [^\]]*)?\]")


def placeholder_segments(text: str) -> list[tuple[str, str | None]]:
    """The text cut into (piece, kind) where kind names a placeholder, None for plain text."""
    segments: list[tuple[str, str | None]] = []
    cursor = 0
    for match in PLACEHOLDER_RE.finditer(text or ""):
        if match.start() > cursor:
            segments.append((text[cursor:match.start()], None))
        segments.append((match.group(), match.group(1)))
        cursor = match.end()
    if cursor < len(text or ""):
        segments.append((text[cursor:], None))
    return segments


@dataclass(frozen=True)
class ReviewSegment:
    """A piece of a note for the review screen: plain, a placeholder, or data still found."""

    text: str
    kind: str | None = None
    state: str | None = None  # "replaced" (a placeholder) or "detected" (still to remove)

    @property
    def css_kind(self) -> str:
        """The kind as a CSS class suffix (« DATE DE NAISSANCE » → « date-de-naissance »)."""
        folded = (self.kind or "").lower().replace("â", "a").replace("é", "e")
        return re.sub(r"[^a-z]+", "-", folded).strip("-")

    @property
    def label(self) -> str:
        """The kind's French name."""
        return KIND_LABELS.get(self.kind or "", self.kind or "")


def review_segments(text: str, known: KnownIdentifiers | None = None) -> list[ReviewSegment]:
    """The text cut for the review screen: each placeholder and each datum detection still
    finds is its own segment, with its kind."""
    text = text or ""
    marks = [(m.start(), m.end(), m.group(1), "replaced") for m in PLACEHOLDER_RE.finditer(text)]
    marks += [(s.start, s.end, s.kind, "detected") for s in detect(text, known or
                                                                    KnownIdentifiers())
              if s.kind != SIGNATURE]
    segments: list[ReviewSegment] = []
    cursor = 0
    for start, end, kind, state in sorted(marks):
        if start < cursor:
            continue
        if start > cursor:
            segments.append(ReviewSegment(text[cursor:start]))
        segments.append(ReviewSegment(text[start:end], kind, state))
        cursor = end
    if cursor < len(text):
        segments.append(ReviewSegment(text[cursor:]))
    return segments


def generalise_age(age: int) -> str:
    """The band of an exact age (see AGE_THRESHOLDS): « entre 57 et 61 ans »."""
    low = max([t for t in AGE_THRESHOLDS if t <= age], default=None)
    high = min([t for t in AGE_THRESHOLDS if t > age], default=None)
    if low is None:
        return f"moins de {high} ans"
    if high is None:
        return f"{low} ans ou plus"
    return f"entre {low} et {high - 1} ans"


def name_variants(organisation_name: str) -> list[str]:
    """An organisation's name and its forms without the kind prefix (« AI Les Tilleuls » →
    « Les Tilleuls »), longest first."""
    name = " ".join(organisation_name.split())
    variants = {name}
    for prefix in KIND_PREFIXES:
        if name.lower().startswith(prefix.lower() + " "):
            rest = name[len(prefix) + 1:].strip()
            if len(rest) >= 5:
                variants.add(rest)
    return sorted(variants, key=len, reverse=True)


# --- detectors ----------------------------------------------------------------------------

RANK_RECORD, RANK_STRUCTURE, RANK_PATTERN, RANK_NAME, RANK_MODEL = range(5)


def _tag(kind: str, detail: str | None = None) -> str:
    return f"[{kind} : {detail}]" if detail else f"[{kind}]"


def _pattern_spans(pattern: re.Pattern, text: str, kind: str, rank: int = RANK_PATTERN,
                   group: int = 0, detail: Callable[[re.Match], str | None] | None = None
                   ) -> list[_Span]:
    spans = []
    for match in pattern.finditer(text):
        start, end = match.span(group)
        if group and start < 0:
            continue
        spans.append(_Span(start, end, kind, _tag(kind, detail(match) if detail else None), rank))
    return spans


def _overlaps(span: _Span, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in ranges)


def _signatures(text: str, _known: KnownIdentifiers) -> list[_Span]:
    """The short block after a sign-off, and the name in a greeting."""
    spans = _pattern_spans(GREETING_NAME_RE, text, PERSON, RANK_STRUCTURE, group=2)
    offset = 0
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        rest = [x for x in lines[index + 1:] if x.strip()]
        if SIGN_OFF_RE.match(line) and rest and len(rest) <= MAX_SIGNATURE_LINES:
            start = offset + (0 if line.strip().startswith("--") else len(line))
            spans.append(_Span(start, len(text.rstrip()), SIGNATURE, _tag(SIGNATURE), -1))
            break
        offset += len(line)
    return spans


def _records(text: str, known: KnownIdentifiers) -> list[_Span]:
    """What the desk knows: e-mails, phones, people, structures, domains, places."""
    spans: list[_Span] = []
    for address in sorted({a for a in known.emails if a}, key=len, reverse=True):
        spans += _pattern_spans(re.compile(re.escape(address), re.I), text, EMAIL, RANK_RECORD)
    for number in known.phones:
        digits = re.sub(r"\D", "", number or "")
        if len(digits) >= 6:
            spaced = _SEP.join(re.escape(d) for d in digits)
            spans += _pattern_spans(re.compile(rf"(?<!\d)\+?{spaced}(?!\d)"), text, PHONE,
                                    RANK_RECORD)
    for name in sorted(_full_names(known), key=len, reverse=True):
        spans += _pattern_spans(_phrase_re(name, True), text, PERSON, RANK_RECORD)
        parts = name.split()
        if len(parts) == 2:
            spans += _pattern_spans(_phrase_re(f"{parts[1]} {parts[0]}", True), text, PERSON,
                                    RANK_RECORD)
    organisations = {v for name in known.organisations if name for v in name_variants(name)}
    for name in sorted(organisations, key=len, reverse=True):
        spans += _pattern_spans(_phrase_re(name, True), text, ORGANISATION, RANK_RECORD)
    for place in {p for p in known.places if p and len(p) >= 3}:
        spans += _pattern_spans(_phrase_re(place, True), text, PLACE, RANK_RECORD)
    parts = {p for n in _full_names(known) for p in n.split()
             if len(p) >= 3 and p[0].isupper() and not _is_acronym(p)}
    for part in parts:
        spans += _pattern_spans(_phrase_re(part, False), text, PERSON, RANK_NAME)
        spans += _pattern_spans(_phrase_re(part.upper(), False), text, PERSON, RANK_NAME)
    domains = {d.lower().lstrip("@") for d in known.domains if d}
    for match in URL_RE.finditer(text):
        host = match.group(1).lower()
        if any(host == d or host.endswith("." + d) for d in domains):
            spans.append(_Span(match.start(), match.end(), WEBSITE, _tag(WEBSITE), RANK_RECORD))
    return spans


def _identifiers(text: str, _known: KnownIdentifiers) -> list[_Span]:
    """E-mails, IBANs, NIRs, phones, SIRET/SIREN, addresses, case references."""
    return (_pattern_spans(EMAIL_RE, text, EMAIL) + _pattern_spans(IBAN_RE, text, IBAN)
            + _pattern_spans(NIR_RE, text, NIR) + _pattern_spans(PHONE_RE, text, PHONE)
            + _pattern_spans(SIRET_RE, text, SIRET)
            + _pattern_spans(SIREN_RE, text, SIREN, RANK_PATTERN + 1)
            + _pattern_spans(ADDRESS_RE, text, ADDRESS)
            + _pattern_spans(POSTCODE_TOWN_RE, text, PLACE, RANK_PATTERN + 1)
            + _pattern_spans(BP_RE, text, ADDRESS, RANK_PATTERN + 1)
            + _pattern_spans(TICKET_REF_RE, text, CASE_REFERENCE)
            + _pattern_spans(CASE_REF_RE, text, CASE_REFERENCE, group=1))


def _dates_and_ages(text: str, _known: KnownIdentifiers) -> list[_Span]:
    """Birth dates, exact dates (kept to the month) and a person's exact age (kept to its band)."""
    spans = _pattern_spans(BIRTH_DATE_RE, text, BIRTH_DATE, group=1)
    spans += _pattern_spans(DATE_TEXT_RE, text, DATE, group=1, detail=_month_of_text_date)
    spans += _pattern_spans(DATE_NUMERIC_RE, text, DATE, group=1, detail=_month_of_numeric_date)
    for pattern in (AGE_CUE_RE, AGE_NOUN_RE, AGE_ASIDE_RE):
        for match in pattern.finditer(text):
            age = int(match.group("age"))
            if 14 <= age <= 110:
                start, end = match.span("phrase")
                spans.append(_Span(start, end, AGE, _tag(AGE, generalise_age(age)),
                                   RANK_PATTERN))
    return spans


def _civility_names(text: str, _known: KnownIdentifiers) -> list[_Span]:
    """« Mme Benali », « Marie DUPONT », « DUPONT Marie » (not acronyms: « le CDDI »)."""
    spans = []
    for match in CIVILITY_RE.finditer(text):
        words = match.group(2).split()
        if not all(_is_acronym(w) or w.lower() in _COMMON_CAPITALISED for w in words):
            spans.append(_Span(match.start(2), match.end(2), PERSON, _tag(PERSON), RANK_NAME))
    for pattern, caps, other in ((FIRST_LAST_RE, 2, 1), (LAST_FIRST_RE, 1, 2)):
        for match in pattern.finditer(text):
            if not _is_acronym(match.group(caps)) and \
                    match.group(other).lower() not in _COMMON_CAPITALISED:
                spans.append(_Span(match.start(), match.end(), PERSON, _tag(PERSON), RANK_NAME))
    return spans


def _structure_names(text: str, _known: KnownIdentifiers) -> list[_Span]:
    """A capitalised name after a kind of structure (« ACI Le Pont Vert », « la structure X »)."""
    return _pattern_spans(STRUCTURE_RE, text, ORGANISATION, RANK_NAME, group=1)


def _first_names(text: str, _known: KnownIdentifiers) -> list[_Span]:
    """A known first name (gender-guesser's list) and the capitalised words that follow it."""
    spans = []
    for match in CAPITALISED_RUN_RE.finditer(text):
        words = list(re.finditer(rf"{NAME_WORD}|{CAPS_WORD}", match.group()))
        for word in words:
            start = match.start() + word.start()
            if _is_first_name(word.group()) and \
                    not NAMED_TEXT_RE.search(text[max(0, start - 40):start]):
                spans.append(_Span(start, match.end(), PERSON, _tag(PERSON), RANK_NAME))
                break
            if not _is_name_particle(word.group()):
                break
    return spans


STRUCTURE_RE = re.compile(
    rf"(?:\b(?:AI|ACI|EI|ETTI|EITI|EBE|GES|ETT-ESS|SIAE|EA|ESAT)|(?i:\bassociation|\bstructure"
    rf"|\bentreprise\s+d['’]insertion|\brégie\s+de\s+quartier|\batelier\s+chantier\s+"
    rf"d['’]insertion|\bchez))\s+((?:{NAME_WORD}|{CAPS_WORD})(?:[\s-]+(?:(?:de|du|des|la|le|les|"
    rf"et|à|en|sur|d['’]|l['’])\s*)*(?:{NAME_WORD}|{CAPS_WORD}|\d{{1,3}}\b)){{0,5}})")
CAPITALISED_RUN_RE = re.compile(
    rf"(?<![\w-])(?:{NAME_WORD}|{CAPS_WORD})(?:[ ](?:{NAME_WORD}|{CAPS_WORD})){{0,3}}(?![\w-])")


def _is_name_particle(word: str) -> bool:
    """A civility before a first name (« Mme Samia Benali »)."""
    return bool(re.fullmatch(CIVILITY.replace(r"M\.", "M"), word))


def _is_first_name(word: str) -> bool:
    """A first name of gender-guesser's list that is not also a French word or a month."""
    key = word.lower()
    if len(key) < 3 or word.isupper() or _is_acronym(word) or key in MONTHS:
        return False
    if key in _COMMON_CAPITALISED or key in _LEGAL_WORDS or key in _NOT_FIRST_NAMES \
            or key in _french_stop_words():
        return False
    return _first_name_detector().get_gender(word) != "unknown"


@lru_cache(maxsize=1)
def _first_name_detector():
    """gender-guesser's first-name list (about 40,000 names), loaded on first use."""
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


@lru_cache(maxsize=1)
def _french_stop_words() -> frozenset[str]:
    """spaCy's French function words (« Son », « Elle », « Bien » are also first names)."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# Capitalised words of the answers that gender-guesser also knows as first names.
_NOT_FIRST_NAMES = frozenset({
    "france", "marine", "avril", "may", "juin", "cela", "bien", "grace",
    "victoire", "justice", "constance", "prudence", "salut", "loi", "rsa", "smic",
})


_DETECTORS = (_signatures, _records, _identifiers, _dates_and_ages, _civility_names,
              _structure_names, _first_names)


def _model_spans(text: str) -> list[_Span]:
    """People, places and organisations found by the French NER model (see kb.ner)."""
    from legaldesk.kb import ner

    spans = []
    for start, end, label in ner.entities(text):
        kind = {"PER": PERSON, "LOC": PLACE, "ORG": ORGANISATION}.get(label)
        start, end = _trim(text, start, end)
        if kind is None or end <= start or not _plausible_entity(text[start:end], kind):
            continue
        if " " not in text[start:end] and SENTENCE_START_RE.search(text[:start]):
            continue  # a lone capitalised word opening a sentence or a title: « Durée »
        if NAMED_TEXT_RE.search(text[max(0, start - 40):start]):
            continue  # « la loi Climat et résilience », « Territoires zéro chômeur »
        spans.append(_Span(start, end, kind, _tag(kind), RANK_MODEL))
    return spans


SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;|\"(]|\n)[\s#>*_\d.)-]*$")
# Words after which a capitalised word names a text or a programme, not a person or a place.
NAMED_TEXT_RE = re.compile(r"(?i:\b(?:loi|décret|plan|programme|dispositif|projet|label|"
                           r"expérimentation|opération|fonds))\s+$|«\s*$")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading articles/civilities and trailing punctuation from a model span."""
    piece = text[start:end]
    lead = re.match(rf"(?:(?:{CIVILITY}|l['’]|d['’]|la|le|les)\s*)+", piece, re.I)
    if lead and lead.end() < len(piece):
        start += lead.end()
    while end > start and text[end - 1] in " ,.;:!?)»\n":
        end -= 1
    # « Signalement Mme [PERSONNE] »: a name never ends with a civility, whose name was replaced
    tail = re.search(rf"\s+(?:{CIVILITY})\.?$", text[start:end], re.I)
    if tail and tail.start() > 0:
        end = start + tail.start()
    return start, end


def _plausible_entity(piece: str, kind: str) -> bool:
    """The model also tags acronyms, institutions and legal words: keep the rest."""
    words = re.findall(r"[\w'’-]+", piece)
    if not words or "[" in piece or "\n" in piece or "*" in piece or "_" in piece:
        return False
    if any(ch.isdigit() for ch in piece):
        return False
    if piece.lower() in _PUBLIC_BODIES or any(w.lower() in _LEGAL_WORDS for w in words):
        return False
    significant = [w for w in words if w.lower() not in _COMMON_CAPITALISED]
    if not significant or all(_is_acronym(w) or w.isupper() for w in significant):
        return False
    if len(words) == 1 and re.search(r"(?:ez|ons)$", piece):  # an imperative: « Transmettez »
        return False
    if kind == PERSON:
        return all(w[0].isupper() for w in significant)
    return any(w[0].isupper() for w in significant)


# --- helpers ------------------------------------------------------------------------------


def _month_of_text_date(match: re.Match) -> str:
    month, year = _month_name(match.group("month")), match.group("year")
    return f"{month} {year}" if year else month


def _month_of_numeric_date(match: re.Match) -> str | None:
    day, month, year = int(match.group("day")), int(match.group("month")), match.group("year")
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{MONTHS[month - 1]} {year if len(year) == 4 else '20' + year}"


def _month_name(word: str) -> str:
    folded = word.lower().replace("é", "e").replace("û", "u")
    for month in MONTHS:
        if month.replace("é", "e").replace("û", "u") == folded:
            return month
    return word.lower()


def _full_names(known: KnownIdentifiers) -> set[str]:
    return {" ".join(n.split()) for n in known.people if n and n.strip()}


def _phrase_re(phrase: str, ignore_case: bool) -> re.Pattern:
    """A whole-word pattern for a phrase whose spaces may be any run of white space."""
    body = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.I if ignore_case else 0)


# Words often capitalised before an acronym that are not first names (« Le CDDI », « Code »).
_COMMON_CAPITALISED = frozenset({
    "le", "la", "les", "un", "une", "des", "du", "de", "notre", "votre", "nos", "vos", "mon",
    "ma", "mes", "son", "sa", "ses", "leur", "leurs", "ce", "cet", "cette", "en", "au", "aux",
    "pour", "par", "avec", "sans", "selon", "dans", "sur", "et", "ou", "si", "code", "article",
    "contrat", "contrats", "loi", "décret", "arrêté", "circulaire", "pass", "convention",
    "direction", "agence", "caisse", "conseil", "plateforme", "service", "services", "objet",
    "question", "réponse", "bonjour", "merci", "cordialement", "france", "madame", "monsieur",
    "mme", "m", "mlle", "maître", "me", "dr", "docteur", "mr", "pr",
    "l", "d", "à", "il", "elle", "ils", "elles", "vous", "nous", "je", "on", "préfet", "juge",
})
_LEGAL_WORDS = frozenset({
    "code", "article", "articles", "loi", "décret", "arrêté", "circulaire", "cddi", "cdi", "cdd",
    "travail", "prud'hommes", "prud’hommes", "cassation", "conseil", "tribunal", "cour",
    "légifrance", "legifrance", "pass", "iae", "smic", "rsa", "urssaf", "inclusion", "emploi",
    "insertion", "sécurité", "sociale", "pôle", "ministère", "préfecture", "préfet", "dreets",
    "ddets", "france", "état", "république", "convention", "collective", "accord", "aide",
    "bonjour", "cordialement", "madame", "monsieur", "question", "réponse", "contrat",
    "défenseur", "droits", "dossier", "juriste", "salarié", "salariée", "employeur",
})
_PUBLIC_BODIES = frozenset({
    "france travail", "pôle emploi", "france", "europe", "union européenne", "caf", "cpam",
    "mdph", "inspection du travail", "médecine du travail", "plateforme de l'inclusion",
    "ministère du travail", "conseil d'état", "cour de cassation", "défenseur des droits",
})
_BUILTIN_ACRONYMS = frozenset({
    "iae", "siae", "ai", "aci", "ei", "etti", "eiti", "ebe", "ett", "ess", "ges", "ues", "cddi",
    "cdi", "cdd", "pmsmp", "rsa", "smic", "cse", "urssaf", "at", "mp", "ddets", "dreets", "asp",
    "tzcld", "ptce", "rqth", "dpae", "dsn", "etp", "cpf", "opco", "pec", "cui", "fse", "pass",
    "pnad", "ags", "rse", "caf", "pmi", "cip", "sep", "sap", "esus", "scic", "scop", "geiq",
    "dgefp", "cdiae", "deets", "igas", "inpi", "cph", "rgpd", "cnil", "tva", "is", "ca", "ag",
    "rh", "ml", "ft", "duerp", "cssct", "ccn", "idcc", "ape", "naf", "kbis", "rib", "pdf",
    "cpam", "mdph", "aah", "ars", "ofii", "ase", "pjj", "spip", "bp", "cs", "nir", "iban",
    "siret", "siren", "rg", "cgss", "cep", "cej",
})


def _is_acronym(word: str) -> bool:
    key = word.lower().strip(".")
    if "-" in key and key.upper() == word.strip("."):  # « ETT-ESS », « AT-MP »
        return all(_is_acronym(part) for part in word.strip(".").split("-"))
    return key in _BUILTIN_ACRONYMS or key in _sector_acronyms()


@lru_cache(maxsize=1)
def _sector_acronyms() -> frozenset[str]:
    """Acronyms of the search synonym table (loaded once, on first use)."""
    from legaldesk.kb.synonyms import SynonymTable

    return SynonymTable.load().acronyms
