"""Anonymise a ticket's text before it becomes a knowledge-base note (pure functions).

What is removed or replaced, in this order, each with a bracketed placeholder so that the
reviewing jurist sees what changed:

- signature blocks after a sign-off (« Cordialement, … ») and names in greetings;
- e-mail addresses, web addresses on the organisation's own domains, IBANs, social-security
  numbers (NIR), phone numbers (French national format, +33 and the overseas codes +262, +590,
  +594, +596, +269, with spaces, dots or dashes), SIRET (14 digits) and SIREN (9 digits);
- postal addresses (number + street type + name, postcode and town) and « postcode Town »;
- birth dates; other exact dates are generalised to the month and year (« le 12 mars 2024 » →
  « en mars 2024 »), because the rule in force depends on the period but not on the day;
- ages, generalised to the bands that matter in IAE and labour law (16, 18, 26, 50, 57 for the
  CDI inclusion, 62): « 59 ans » → « entre 57 et 61 ans »; durations (« depuis 3 ans », « 2 ans
  d'ancienneté ») are left alone;
- the names of the ticket's known people (requester, contact, staff, authors) and of its
  organisation (with its group), its territory, then any « Madame/Monsieur/M./Mme Name » and
  « Prénom NOM » pattern that is not a known acronym.

Nothing here is perfect: the result is a draft that a jurist reviews before publication, and
`find_personal_data` re-checks a note's text when it is published.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

PERSON = "[personne]"
EMAIL = "[e-mail]"
PHONE = "[téléphone]"
SIRET = "[SIRET]"
SIREN = "[SIREN]"
NIR = "[n° de sécurité sociale]"
IBAN = "[IBAN]"
ADDRESS = "[adresse]"
PLACE = "[lieu]"
ORGANISATION = "[structure]"
WEBSITE = "[site web]"
SIGNATURE = "[signature]"
BIRTH_DATE = "[date de naissance]"

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


@dataclass
class AnonymisedText:
    """The anonymised text and how many replacements of each kind were made."""

    text: str
    counts: Counter = field(default_factory=Counter)


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

BIRTH_RE = re.compile(
    rf"\b(née?s?)\s+(?:le\s+)?(?:\d{{1,2}}(?:er)?\s+(?:{_MONTH_RE})\s+\d{{4}}"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|en\s+\d{{4}})", re.I)
DATE_TEXT_RE = re.compile(
    rf"\b(?:(le|du|au)\s+)?(?:lundi\s+|mardi\s+|mercredi\s+|jeudi\s+|vendredi\s+|samedi\s+"
    rf"|dimanche\s+)?(\d{{1,2}})(?:er)?\s+({_MONTH_RE})(?:\s+(\d{{4}}))?\b", re.I)
DATE_NUMERIC_RE = re.compile(
    r"\b(?:(le|du|au)\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)(?![/.-]\d)", re.I)

_NOT_AN_AGE = (r"(?!\s*(?:d['’]ancienneté|d['’]expérience|de\s+(?:contrat|parcours|service|"
               r"carrière|présence|travail|chômage|cotisation)))")
AGE_CUE_RE = re.compile(
    r"\b(âgée?s?\s+de\s+|agée?s?\s+de\s+|a\s+|aura\s+|avait\s+|ayant\s+|vient\s+d['’]avoir\s+|"
    r"fête\s+ses\s+)(\d{1,3})\s*ans\b" + _NOT_AN_AGE, re.I)
AGE_NOUN_RE = re.compile(
    r"\b(salariée?s?|personnes?|hommes?|femmes?|jeunes?|seniors?|demandeu(?:r|se)s?\s+d['’]emploi"
    r"|bénéficiaires?|candidate?s?|intérimaires?|monsieur|madame|agente?s?|ouvri(?:er|ère)s?"
    r"|employée?s?|stagiaires?|apprentie?s?)(\s+de\s+)(\d{1,3})\s*ans\b" + _NOT_AN_AGE, re.I)
AGE_ASIDE_RE = re.compile(r"([,(]\s*)(\d{1,3})\s*ans(?=\s*[,)])")

SIGN_OFF_RE = re.compile(
    r"^\s*(?:(?:bien\s+|très\s+)?cordialement|bien\s+à\s+(?:vous|toi)|(?:sincères\s+|meilleures\s+|"
    r"mes\s+)?salutations|veuillez\s+agréer|je\s+vous\s+prie\s+d['’]agréer|merci\s+(?:d['’]avance|"
    r"par\s+avance)|(?:bonne|belle)\s+(?:journée|soirée|fin\s+de\s+journée)|--\s*$)", re.I)
GREETING_RE = re.compile(
    rf"^(\s*(?i:bonjour|bonsoir|hello|salut|cher|chère)),?\s+(?!(?i:madame|monsieur)\b)"
    rf"{NAME_WORD}(?:\s+{NAME_WORD})?\s*([,!])?", re.M)
CIVILITY_RE = re.compile(
    rf"\b({CIVILITY})\s+((?:{NAME_WORD}|{CAPS_WORD})(?:\s+(?:{NAME_WORD}|{CAPS_WORD}))*)")
FIRST_LAST_RE = re.compile(rf"\b({NAME_WORD})\s+({CAPS_WORD})\b")
LAST_FIRST_RE = re.compile(rf"\b({CAPS_WORD})\s+({NAME_WORD})\b")
MAX_SIGNATURE_LINES = 8


# --- public API ---------------------------------------------------------------------------


def anonymise(text: str, known: KnownIdentifiers | None = None) -> AnonymisedText:
    """Replace personal and identifying data of `text`; count the replacements by kind."""
    known = known or KnownIdentifiers()
    result = AnonymisedText(text or "")
    for step in (_signatures, _emails, _websites, _ibans, _nirs, _phones, _sirets, _addresses,
                 _birth_dates, _dates, _ages, _organisations, _places, _known_full_names,
                 _civility_names, _caps_names, _known_name_parts):
        step(result, known)
    result.text = re.sub(r"[ \t]{2,}", " ", result.text).strip()
    return result


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """Residual personal data a reviewer must look at: (kind, excerpt) pairs, in text order."""
    found: list[tuple[int, str, str]] = []
    checks = (("e-mail", EMAIL_RE), ("téléphone", PHONE_RE), ("IBAN", IBAN_RE),
              ("n° de sécurité sociale", NIR_RE), ("SIRET", SIRET_RE), ("adresse", ADDRESS_RE))
    taken: list[range] = []
    for kind, pattern in checks:
        for match in pattern.finditer(text or ""):
            if any(match.start() in span for span in taken):
                continue
            taken.append(range(match.start(), match.end()))
            found.append((match.start(), kind, match.group().strip()))
    for match in CIVILITY_RE.finditer(text or ""):
        found.append((match.start(), "nom", match.group()))
    return [(kind, excerpt) for _pos, kind, excerpt in sorted(found)]


def generalise_age(age: int, style: str = "entre") -> str:
    """The band of an exact age (see AGE_THRESHOLDS), worded for its context.

    style "entre": « entre 57 et 61 ans » (after « a », « avait »); "de": « de 57 à 61 ans »
    (after « âgé », « salarié »); "bare": « 57 à 61 ans » (between commas or brackets).
    """
    low = max([t for t in AGE_THRESHOLDS if t <= age], default=None)
    high = min([t for t in AGE_THRESHOLDS if t > age], default=None)
    if low is None:
        band = f"moins de {high} ans"
        return f"de {band}" if style == "de" else band
    if high is None:
        band = f"{low} ans ou plus"
        return f"de {band}" if style == "de" else band
    if style == "entre":
        return f"entre {low} et {high - 1} ans"
    return f"{'de ' if style == 'de' else ''}{low} à {high - 1} ans"


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


# --- steps --------------------------------------------------------------------------------


def _sub(result: AnonymisedText, kind: str, pattern: re.Pattern, replacement) -> None:
    """Apply a pattern; count only the matches whose text really changed."""
    changed = 0

    def replace(match: re.Match) -> str:
        nonlocal changed
        new = replacement(match) if callable(replacement) else replacement
        if new != match.group():
            changed += 1
        return new
    result.text = pattern.sub(replace, result.text)
    if changed:
        result.counts[kind] += changed


def _signatures(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    """Drop the short block after a sign-off; drop the name of a greeting."""
    lines = result.text.splitlines()
    for index, line in enumerate(lines):
        rest = [x for x in lines[index + 1:] if x.strip()]
        if SIGN_OFF_RE.match(line) and rest and len(rest) <= MAX_SIGNATURE_LINES:
            kept = [] if line.strip().startswith("--") else [line]
            result.text = "\n".join(lines[:index] + kept + [SIGNATURE])
            result.counts["signature"] += 1
            break
    _sub(result, "personne", GREETING_RE, lambda m: m.group(1) + (m.group(2) or ","))


def _emails(result: AnonymisedText, known: KnownIdentifiers) -> None:
    for address in sorted(known.emails, key=len, reverse=True):
        if address:
            _sub(result, "e-mail", re.compile(re.escape(address), re.I), EMAIL)
    _sub(result, "e-mail", EMAIL_RE, EMAIL)


def _websites(result: AnonymisedText, known: KnownIdentifiers) -> None:
    domains = {d.lower().lstrip("@") for d in known.domains if d}
    if not domains:
        return

    def replace(match: re.Match) -> str:
        host = match.group(1).lower()
        return WEBSITE if any(host == d or host.endswith("." + d) for d in domains) else \
            match.group()
    _sub(result, "site web", URL_RE, replace)


def _ibans(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    _sub(result, "IBAN", IBAN_RE, IBAN)


def _nirs(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    _sub(result, "n° de sécurité sociale", NIR_RE, NIR)


def _phones(result: AnonymisedText, known: KnownIdentifiers) -> None:
    for number in known.phones:
        digits = re.sub(r"\D", "", number or "")
        if len(digits) >= 6:
            spaced = _SEP.join(re.escape(d) for d in digits)
            _sub(result, "téléphone", re.compile(rf"(?<!\d)\+?{spaced}(?!\d)"), PHONE)
    _sub(result, "téléphone", PHONE_RE, PHONE)


def _sirets(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    _sub(result, "SIRET", SIRET_RE, SIRET)
    _sub(result, "SIREN", SIREN_RE, SIREN)


def _addresses(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    _sub(result, "adresse", ADDRESS_RE, ADDRESS)
    _sub(result, "lieu", POSTCODE_TOWN_RE, PLACE)
    _sub(result, "adresse", BP_RE, ADDRESS)


def _birth_dates(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    _sub(result, "date de naissance", BIRTH_RE, lambda m: f"{m.group(1)} {BIRTH_DATE}")


def _dates(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    def textual(match: re.Match) -> str:
        article, _day, month, year = match.groups()
        return _general_date(article, _month_name(month), year)

    def numeric(match: re.Match) -> str:
        article, day, month, year = match.groups()
        if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
            return match.group()
        year = year if len(year) == 4 else f"20{year}"
        return _general_date(article, MONTHS[int(month) - 1], year)
    _sub(result, "date", DATE_TEXT_RE, textual)
    _sub(result, "date", DATE_NUMERIC_RE, numeric)


def _general_date(article: str | None, month: str, year: str | None) -> str:
    """« le 12 mars 2024 » → « en mars 2024 »; « du 3 mars » → « du mois de mars »."""
    period = f"{month} {year}" if year else month
    if article is None:
        return period
    if article.lower() == "le":
        return f"{'E' if article[0].isupper() else 'e'}n {period}"
    return f"{article} mois de {period}"


def _month_name(word: str) -> str:
    folded = word.lower().replace("é", "e").replace("û", "u")
    for month in MONTHS:
        if month.replace("é", "e").replace("û", "u") == folded:
            return month
    return word.lower()


def _ages(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    def cue(match: re.Match) -> str:
        prefix = match.group(1)
        if prefix.lower().startswith(("âgé", "agé")):  # « âgée de 57 à 61 ans »
            return _band_or_keep(match, prefix.split()[0] + " ", int(match.group(2)), "de")
        return _band_or_keep(match, prefix, int(match.group(2)), "entre")

    def noun(match: re.Match) -> str:
        return _band_or_keep(match, match.group(1) + " ", int(match.group(3)), "de")

    def aside(match: re.Match) -> str:
        return _band_or_keep(match, match.group(1), int(match.group(2)), "bare")
    for pattern, replace in ((AGE_CUE_RE, cue), (AGE_NOUN_RE, noun), (AGE_ASIDE_RE, aside)):
        _sub(result, "âge", pattern, replace)


def _band_or_keep(match: re.Match, prefix: str, age: int, style: str) -> str:
    """Replace an age of 14 to 110 by its band; smaller numbers are rather durations."""
    if not 14 <= age <= 110:
        return match.group()
    return f"{prefix}{generalise_age(age, style)}"


def _organisations(result: AnonymisedText, known: KnownIdentifiers) -> None:
    names = {v for name in known.organisations if name for v in name_variants(name)}
    for name in sorted(names, key=len, reverse=True):
        _sub(result, "structure", _phrase_re(name, ignore_case=True), ORGANISATION)


def _places(result: AnonymisedText, known: KnownIdentifiers) -> None:
    for place in sorted({p for p in known.places if p and len(p) >= 3}, key=len, reverse=True):
        _sub(result, "lieu", _phrase_re(place, ignore_case=True), PLACE)


def _full_names(known: KnownIdentifiers) -> set[str]:
    return {" ".join(n.split()) for n in known.people if n and n.strip()}


def _known_full_names(result: AnonymisedText, known: KnownIdentifiers) -> None:
    """Known full names in any case, in either order (« Dupont Marie », « Marie Dupont »)."""
    for name in sorted(_full_names(known), key=len, reverse=True):
        _sub(result, "personne", _phrase_re(name, ignore_case=True), PERSON)
        parts = name.split()
        if len(parts) == 2:
            _sub(result, "personne", _phrase_re(f"{parts[1]} {parts[0]}", True), PERSON)


def _known_name_parts(result: AnonymisedText, known: KnownIdentifiers) -> None:
    """Each part of a known name alone (« Marie », « Dupont », « DUPONT »)."""
    parts = {p for n in _full_names(known) for p in n.split()
             if len(p) >= 3 and p[0].isupper() and not _is_acronym(p)}
    for part in sorted(parts, key=len, reverse=True):
        _sub(result, "personne", _phrase_re(part, ignore_case=False), PERSON)
        _sub(result, "personne", _phrase_re(part.upper(), ignore_case=False), PERSON)


def _civility_names(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    def replace(match: re.Match) -> str:
        words = match.group(2).split()
        if all(_is_acronym(w) for w in words):
            return match.group()
        return f"{match.group(1)} {PERSON}"
    _sub(result, "personne", CIVILITY_RE, replace)


def _caps_names(result: AnonymisedText, _known: KnownIdentifiers) -> None:
    """« Marie DUPONT » and « DUPONT Marie », unless the capitals are a known acronym."""
    def replace(match: re.Match) -> str:
        caps = match.group(2) if match.re is FIRST_LAST_RE else match.group(1)
        other = match.group(1) if match.re is FIRST_LAST_RE else match.group(2)
        if _is_acronym(caps) or other.lower() in _COMMON_CAPITALISED:
            return match.group()
        return PERSON
    _sub(result, "personne", FIRST_LAST_RE, replace)
    _sub(result, "personne", LAST_FIRST_RE, replace)


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
})
_BUILTIN_ACRONYMS = frozenset({
    "iae", "siae", "ai", "aci", "ei", "etti", "eiti", "ebe", "ett", "ess", "ges", "ues", "cddi",
    "cdi", "cdd", "pmsmp", "rsa", "smic", "cse", "urssaf", "at", "mp", "ddets", "dreets", "asp",
    "tzcld", "ptce", "rqth", "dpae", "dsn", "etp", "cpf", "opco", "pec", "cui", "fse", "pass",
    "pnad", "ags", "rse", "caf", "pmi", "cip", "sep", "sap", "esus", "scic", "scop", "geiq",
    "dgefp", "cdiae", "deets", "igas", "inpi", "cph", "rgpd", "cnil", "tva", "is", "ca", "ag",
    "rh", "ml", "ft", "duerp", "cssct", "ccn", "idcc", "ape", "naf", "kbis", "rib", "pdf",
})


def _is_acronym(word: str) -> bool:
    key = word.lower().strip(".")
    return key in _BUILTIN_ACRONYMS or key in _sector_acronyms()


@lru_cache(maxsize=1)
def _sector_acronyms() -> frozenset[str]:
    """Acronyms of the search synonym table (loaded once, on first use)."""
    from legaldesk.kb.synonyms import SynonymTable

    return SynonymTable.load().acronyms
