"""Language cues (spaCy): events told without trigger words, their modality, near deadlines."""

# The keyword rules find what is named ("accident du travail"); this module reads what is told
# ("le hayon lui est tombé dessus", "on est en RJ", "l'inspection vient demain") with lemmas,
# morphology and the dependency parse, and the modality of each sentence: past and closed,
# hypothetical or general, preventive, a third party's insolvency, an accident outside work.
# Every cue keeps its words and a French label so the decision stays explainable.

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from legaldesk.tickets.triage.language import parse

DEADLINE_CASE = "echeance_proche"
CUE_THRESHOLD = 1.0  # summed cue weight (unvetoed sentences) that makes a case urgent

ACCIDENT, SEXUAL, RACIST = "accident_du_travail", "agression_sexuelle", "discours_xenophobe"
RECEIVERSHIP, LIQUIDATION = "redressement_judiciaire", "liquidation_judiciaire"
INSOLVENCY = (RECEIVERSHIP, LIQUIDATION)


def fold(text: str) -> str:
    """Lower case without accents (« Écharpe » → « echarpe »)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- vocabularies (folded) --------------------------------------------------------------------
# (prefix of a word or lemma, weight, French label)
_ACCIDENT_WORDS = (
    ("bless", 1.0, "blessure racontée"), ("fractur", 1.0, "fracture"),
    ("hospitalis", 1.0, "hospitalisation"), ("pompier", 1.0, "pompiers"),
    ("samu", 1.0, "SAMU"), ("ambulance", 1.0, "ambulance"), ("hopital", 0.5, "hôpital"),
    ("urgences", 1.0, "urgences"), ("urgence", 1.0, "urgence"), ("suture", 1.0, "points de suture"),
    ("platr", 1.0, "plâtre"), ("echarpe", 1.0, "bras en écharpe"), ("recous", 1.0, "recousu"),
    ("electrocut", 1.0, "électrocution"), ("amput", 1.0, "amputation"),
    ("entorse", 1.0, "entorse"), ("evanou", 1.0, "évanouissement"), ("brul", 0.75, "brûlure"),
    ("ecras", 0.75, "écrasement"), ("mordu", 1.0, "morsure"), ("mordre", 1.0, "morsure"),
    ("entaill", 0.75, "entaille"), ("tomb", 0.5, "chute"), ("chut", 0.5, "chute"),
    ("gliss", 0.5, "glissade"), ("renvers", 0.5, "renversé"), ("cass", 0.5, "cassé"),
    ("coup", 0.25, "coupure"), ("coinc", 0.25, "coincé"), ("saign", 0.5, "saignement"),
    ("malaise", 0.75, "malaise"), ("accident", 0.75, "accident"), ("mal au", 0.5, "douleur"),
    ("intoxi", 0.75, "intoxication"), ("medecin", 0.5, "médecin"), ("boit", 0.25, "boiterie"),
    ("douleur", 0.25, "douleur"), ("secours", 0.5, "secours"),
)
_ACCIDENT_PHRASES = (
    (re.compile(r"\b(emmene|emmenee|transporte|transportee|evacue|evacuee|conduit|conduite|parti|"
                r"partie)s? (chez le medecin|a l'hopital|aux urgences|a la clinique)"), 1.0,
     "emmené chez le médecin / à l'hôpital"),
    (re.compile(r"\b(pied|main|doigt|bras|jambe|tete)s? (pris|prise|coince|coincee|ecrase|"
                r"ecrasee)"), 1.0, "membre pris ou écrasé"),
    (re.compile(r"\bdans (les|l'|un|son|ses|mes) (yeux|oeil)\b"), 0.75, "projection dans les yeux"),
    (re.compile("[\U0001F691\U0001F6D1\U0001FA78\U0001F915\U0001FA7C]"), 0.75,
     "émoji (ambulance, sang, blessure)"),
)
_BODY_PARTS = frozenset({
    "bras", "jambe", "jambes", "main", "mains", "doigt", "doigts", "pied", "pieds", "dos", "tete",
    "poignet", "cheville", "genou", "epaule", "oeil", "yeux", "visage", "cote", "cotes", "hanche",
    "cou", "dent", "dents", "nez", "crane", "bassin", "coude", "pouce", "orteil"})
_ECONOMIC = frozenset({"chiffre", "activite", "ventes", "vente", "effectif", "effectifs",
                       "commandes", "resultat", "tresorerie", "recettes", "prix", "cours", "ca",
                       "subvention", "subventions", "stock", "stocks", "budget", "dons"})
_OUTSIDE_WORK = ("ski", "conges", "vacances", "week-end", "weekend", "en dehors du travail",
                 "hors du travail", "hors travail", "vie privee", "chez elle", "chez lui",
                 "accident de voiture", "accident domestique", "au sport", "en vacances")
_WORK_CONTEXT = ("chantier", "mission", "atelier", "entrepot", "poste", "tournee", "depot",
                 "cuisine", "client", "travail", "equipe", "encadr")

_SEXUAL_WORDS = (
    ("viol", 1.0, "viol"), ("attouch", 1.0, "attouchements"), ("embrass", 0.75, "embrasser"),
    ("caress", 1.0, "caresses"), ("pelot", 1.0, "pelotage"), ("baladeu", 1.0, "mains baladeuses"),
    ("avances", 0.75, "avances"), ("sexe", 0.75, "sexe"), ("sexuel", 0.75, "à caractère sexuel"),
    ("sexuelle", 0.75, "à caractère sexuel"), ("porno", 1.0, "pornographie"),
    ("exhib", 1.0, "exhibition"), ("fesse", 0.75, "fesses"), ("poitrine", 0.75, "poitrine"),
    ("sein", 0.75, "seins"), ("jupe", 0.5, "sous la jupe"),
    ("dragu", 0.5, "drague"), ("insistant", 0.25, "insistance"), ("sexto", 1.0, "sextos"),
    ("nue", 0.5, "nudité"), ("harcel", 0.75, "harcèlement"), ("agress", 0.5, "agression"),
    ("sexiste", 0.75, "propos sexistes"), ("cuisse", 0.5, "cuisse"), ("frott", 1.0, "frottement"),
)
_SEXUAL_PHRASES = (
    (re.compile(r"\bsous (sa|la|son|leur) (jupe|robe|tee-shirt|t-shirt|pull|haut|culotte)"),
     1.0, "main sous les vêtements"),
    (re.compile(r"\bde force\b"), 0.5, "de force"),
    (re.compile(r"\bmains? (sur|aux|entre) (la |les |ses |sa |son )?(cuisses?|fesses?|seins?|"
                r"poitrine|hanches?|taille|jambes?|genoux?)"), 1.0, "main posée sur le corps"),
    (re.compile(r"\bgestes? deplace"), 0.75, "gestes déplacés"),
)
_SEXUAL_EXACT = frozenset({"viol", "viols", "viole", "violee", "violer", "violes", "violees",
                           "sein", "seins", "nue", "nues", "sexe", "sexes"})
_TOUCH = ("touch", "tripot")

_RACIST_WORDS = (
    ("bougnoul", 1.5, "insulte raciste"), ("bicot", 1.5, "insulte raciste"),
    ("negro", 1.5, "insulte raciste"), ("negre", 1.5, "insulte raciste"),
    ("bamboula", 1.5, "insulte raciste"), ("youpin", 1.5, "insulte raciste"),
    ("raton", 1.0, "insulte raciste"), ("chinetoque", 1.5, "insulte raciste"),
    ("niakou", 1.5, "insulte raciste"), ("gamme", 1.0, "croix gammée"),
    ("nazi", 1.0, "propos nazis"), ("racis", 1.0, "racisme"), ("xenophob", 1.0, "xénophobie"),
    ("antisemit", 1.0, "antisémitisme"), ("singe", 0.5, "insulte (« singe »)"),
    ("voilee", 0.5, "salariées voilées"), ("etrangers", 0.25, "étrangers"),
    ("insult", 0.5, "insultes"), ("islamophob", 1.0, "islamophobie"),
)
_RACIST_PHRASES = (
    (re.compile(r"\b(retourne|rentre|rentrez|retournez)[a-z]* (dans|chez) (ton|ta|son|sa|vo|leur)"
                r"[a-z]* pays\b|\b(retourne|rentre)[a-z]* en afrique\b"), 1.5,
     "« retourne dans ton pays »"),
    (re.compile(r"\bici c'?est la france\b"), 1.0, "« ici c'est la France »"),
    (re.compile(r"\bsale[s]? (arabe|noir|noire|juif|juive|etranger|etrangere|renoi|rebeu|"
                r"musulman|chinois|roumain|gitan)"), 1.5, "insulte raciste"),
    (re.compile(r"\b(arabes?|noirs?|juifs?|musulmans?|etrangers?|africains?)\b.{0,40}"
                r"\b(on n'?en veut pas|degage|degagez|dehors)"), 1.0, "rejet des étrangers"),
    (re.compile(r"\b(degage|degagez|enleve[zr]? ca)\b"), 0.5, "injonction humiliante"),
    (re.compile(r"\bmort aux \w+|\b(a mort|crever) les \w+"), 1.5, "appel à la haine"),
    (re.compile(r"[\"«][^\"»]{0,60}\b(arabes?|noirs?|juifs?|musulmans?|bougnoules?|africains?|"
                r"roms?|gitans?|chinois|immigres?|migrants?)\b[^\"»]{0,60}[\"»]"), 1.0,
     "propos rapportés visant une origine"),
    (re.compile(r"\bvole[nt]? (le travail|le pain|les emplois) des francais"), 1.0,
     "rejet des étrangers"),
)

_INSOLVENCY_PHRASES = (
    (re.compile(r"\brj\b"), RECEIVERSHIP, 1.0, "« RJ » (redressement judiciaire)"),
    (re.compile(r"\blj\b"), LIQUIDATION, 1.0, "« LJ » (liquidation judiciaire)"),
    (re.compile(r"\bliquidateur"), LIQUIDATION, 1.0, "liquidateur"),
    (re.compile(r"\bmandataire[s]? judiciaire"), RECEIVERSHIP, 1.0, "mandataire judiciaire"),
    (re.compile(r"\bmandataire\b(?! social| sociaux| de (l'|la |votre |notre )?(association|"
                r"societe|gestion))"), RECEIVERSHIP, 0.5, "mandataire"),
    (re.compile(r"\badministrat(eur|rice) judiciaire"), RECEIVERSHIP, 1.0,
     "administrateur judiciaire"),
    (re.compile(r"\bcessation des paiements\b"), RECEIVERSHIP, 1.0, "cessation des paiements"),
    (re.compile(r"\bdepot de bilan\b|\bdeposer le bilan\b"), RECEIVERSHIP, 1.0, "dépôt de bilan"),
    (re.compile(r"\b(ne|n') ?(peut|peuvent|pouvons|pourrons) plus payer\b|"
                r"\bplus (de quoi )?payer les salaires\b"), RECEIVERSHIP, 1.0,
     "plus de quoi payer les salaires"),
)
_INSOLVENCY_MENTION = re.compile(r"\b(liquidation|redressement|procedure collective|sauvegarde|"
                                 r"mandataire|administrateur judiciaire|liquidateur)\b")
_THIRD_PARTY_ORGS = re.compile(
    r"\b(client|clients|fournisseur|fournisseurs|partenaire|partenaires|entreprise utilisatrice|"
    r"donneur d'ordre|prestataire|sous-traitant|debiteur|creance|creances|bailleur|locataire|"
    r"l'entreprise qui|une entreprise|cette entreprise|societe [A-Z]?)\b")
_FIRST_PERSON_OWNER = re.compile(
    r"\b(nous sommes|on est|on a ete|nous avons ete|nous allons etre|on va etre|"
    r"notre (association|structure|scic|sas|entreprise|ei|ai|aci|etti|ess|societe|cooperative|"
    r"chantier|ressourcerie|atelier|asso) (est|a ete|va etre|sera|vient d'etre)|"
    r"(de|pour) notre (association|structure|scic|sas|entreprise|ei|ai|aci|etti|asso)\b.{0,20}$|"
    r"nous (allons|devons|pensons|envisageons) (declarer|deposer)|notre (lj|rj|liquidation|"
    r"redressement)|nous placer|on va (deposer|declarer)|le bilan de (l'asso|notre|la structure))")

_PAST_CLOSED = (
    re.compile(r"\bil y a (\d+|un|une|deux|trois|quatre|cinq|six|dix|plusieurs|quelques) "
               r"(ans|an|annees|mois)\b"),
    re.compile(r"\b(l'an|l'annee) (dernier|derniere|passe|passee)\b|\bannees precedentes\b|"
               r"\bles annees passees\b"),
    re.compile(r"\b(dossier|affaire|procedure) (est |etait |a ete )?(clos|close|cloture|"
               r"classe|terminee?)\b|\bclos\b"),
    re.compile(r"\bsorti(e|s|es)? (d'un|du|de la|de notre) "),
    re.compile(r"\bplan de (continuation|redressement) (adopte|homologue|arrete)|"
               r"\bplan de continuation\b"),
    re.compile(r"\b(a|ont|avait|avaient) repris\b"),
)
_YEAR_RE = re.compile(r"\b(?:en|depuis|de) (19\d\d|20\d\d)\b")
_HYPOTHETICAL = (
    re.compile(r"\bsi (un jour|jamais|par hasard|demain|un salarie|une salariee|un de nos|"
               r"une de nos|l'un|l'une)"),
    re.compile(r"\bhypoth|\ben cas d|\bau cas ou\b|\bde (maniere|facon) generale\b|"
               r"\ben general\b|\bd'une (maniere|facon) generale\b|\bthe?oriquement\b"),
    re.compile(r"\b(quand|lorsqu'?) ?(une|un) (siae|structure|association|entreprise|salarie|"
               r"salariee|ei|ai|aci|etti)\b"),
    re.compile(r"\bque (faire|se passe-t-il|risque-t-on) (si|en cas)\b"),
    re.compile(r"\bsi (quelqu'un|on|nous|un|une)\b(?!.*\b(hier|ce matin)\b)"),
    re.compile(r"\b(dans quels cas|procedure a suivre|a quel moment|quand faut-il|"
               r"est-il obligatoire|faut-il toujours)\b"),
)
_RECENT = re.compile(r"\b(hier|ce matin|cette nuit|cet apres-midi|tout a l'heure|"
                     r"aujourd'hui|a l'instant|ce soir)\b")
_NOT_SEXUAL_ACT = re.compile(r"\b(sexes|orientation sexuelle|egalite|index|mixite|genre|"
                             r"education sexuelle|sante sexuelle)\b")
_NOT_A_PERSON = re.compile(r"\b(contrat|loi|regle|clause|accord|convention|obligation|"
                           r"reglement|secret|droit|procedure|principe)s?\b")
_NOT_A_DEADLINE = re.compile(r"\b(webinaire|seminaire|conference|reunion d'information|"
                             r"formation|atelier collectif)\b")
_PREVENTIVE = re.compile(
    r"\b(formation|formations|prevention|preventi[fv]e?|sensibilis|reglement interieur|"
    r"referent|referente|document unique|duerp|livret d'accueil|eviter|charte|affichage|"
    r"procedure interne|protocole|modele de|un modele|guide|afficher|note de service)\w*")
_NOTHING_HAPPENED = re.compile(r"\b(il ne s'est rien passe|rien ne s'est passe|aucun fait|"
                               r"c'est preventif|a titre preventif|par precaution|"
                               r"c'est pour (notre|nos|un|une|le|la) (guide|livret|formation|"
                               r"reglement|charte|note|fiche|procedure|affichage|webinaire)|"
                               r"a titre d'information|par curiosite)\b")

_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
             "dimanche": 6}
_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
           "juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
           "decembre": 12}
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b")
_DATE_TEXT = re.compile(r"\b(1er|\d{1,2}) (" + "|".join(_MONTHS) + r")(?: (\d{4}))?\b")
_RELATIVE_DAYS = re.compile(r"\b(apres-demain|apres demain|demain|aujourd'hui|ce soir)\b")
_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "huit": 8,
                 "dix": 10, "quinze": 15}
_WITHIN_RE = re.compile(r"\b(dans|sous|d'ici) (\d{1,3}|un|une|deux|trois|quatre|cinq|huit|dix|"
                        r"quinze) ?(jours?|j|h|heures?|semaines?)\b")
_PAST_BEFORE_DAY = re.compile(r"(depuis|dernier|derniere|passe|hier)\W*$")
_PAST_AFTER_DAY = re.compile(r"^\W*(dernier|derniere|passe|precedent)")
_DEADLINE_EVENTS = re.compile(
    r"\b(inspect\w*|controle\w*|audience\w*|prud'?hom\w*|convoca\w*|convoqu\w*|entretien\w*|"
    r"rendez-vous|rdv|depot|deposer|offres?|visite\w*|commission\w*|tribunal|conciliation|"
    r"jugement|delibere|expertise|echeance\w*|delai\w*|date limite|cloture|"
    r"se termine|termine|s'arrete|expire\w*|prend fin|prendra fin|fin du contrat|"
    r"fin de (son|sa|la|leur|notre) \w+|echoit|passe aux|passons aux|renouvel\w*|huissier|"
    r"expulsion|saisie|mise en demeure|assignation|preavis|reponse a (donner|fournir|apporter|"
    r"rendre)|repondre (avant|d'ici|pour|au plus tard))\b")
_SPECIALTY_SOCIAL = re.compile(r"\b(prud'?h?ommes?|prudhom\w*|cph|conseil des prud|"
                               r"tribunal du travail|labour court)\b")


@dataclass(frozen=True)
class Cue:
    """One language cue: the case it points to, its words, a French label, sentence, weight."""

    case: str
    words: str
    label: str
    sentence: int
    weight: float


@dataclass
class Reading:
    """What the language layer read: cues, per-sentence modalities, sentence offsets, overrides."""

    cues: list[Cue] = field(default_factory=list)
    modalities: dict[int, list[str]] = field(default_factory=dict)  # sentence → French labels
    third_party: dict[int, str] = field(default_factory=dict)  # sentence → third-party words
    outside_work: str | None = None
    economic: dict[int, str] = field(default_factory=dict)  # sentence → economic noun
    starts: list[int] = field(default_factory=list)  # char offset of each sentence
    specialty: str | None = None
    nothing_happened: bool = False

    def sentence_at(self, offset: int) -> int:
        """The sentence holding a char offset of the parsed text."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def vetoes(self, case: str, sentence: int) -> list[str]:
        """French reasons why a mention of `case` in this sentence is not an urgent event."""
        reasons = list(self.modalities.get(sentence, []))
        if case in INSOLVENCY and sentence in self.third_party:
            reasons.append(f"procédure d'un tiers (« {self.third_party[sentence]} »)")
        if case == ACCIDENT and sentence in self.economic:
            reasons.append(f"sens économique (« {self.economic[sentence]} »)")
        if case == ACCIDENT and self.outside_work:
            reasons.append(f"accident hors travail (« {self.outside_work} »)")
        if case != DEADLINE_CASE and self.nothing_happened:
            reasons.append("rien ne s'est passé (démarche préventive)")
        return reasons

    def live(self) -> dict[str, list[Cue]]:
        """Cues of sentences without a veto, by case."""
        result: dict[str, list[Cue]] = {}
        for cue in self.cues:
            if not self.vetoes(cue.case, cue.sentence):
                result.setdefault(cue.case, []).append(cue)
        return result

    def urgent_cases(self) -> dict[str, list[Cue]]:
        """Cases whose live cues weigh at least CUE_THRESHOLD (a word counts once)."""
        result = {}
        for case, cues in self.live().items():
            distinct: dict[str, Cue] = {}
            for cue in cues:
                if cue.label not in distinct or cue.weight > distinct[cue.label].weight:
                    distinct[cue.label] = cue
            if sum(c.weight for c in distinct.values()) >= CUE_THRESHOLD:
                result[case] = sorted(distinct.values(), key=lambda c: -c.weight)
        return result


_NEGATORS = frozenset({"pas", "jamais", "aucun", "aucune", "rien", "ni", "sans", "nul",
                       "nulle"})
_NEGATION_BREAKERS = frozenset({"mais", "que", "qu'", "car", "donc", "si", ",", ";"})


def _negated(token) -> bool:
    """A negation shortly before the word in its sentence (« aucun salarié n'a été blessé »)."""
    start = token.sent.start
    for position in range(token.i - 1, max(start - 1, token.i - 7), -1):
        word = fold(token.doc[position].text)
        if word in _NEGATION_BREAKERS:
            return False
        following = fold(token.doc[position + 1].text) if position + 1 < len(token.doc) else ""
        if word in _NEGATORS or (word == "personne" and following in {"ne", "n'"}):
            return True
    return False


def _prefixed(word: str, table) -> tuple[float, str] | None:
    for prefix, weight, label in table:
        if word.startswith(prefix):
            return weight, label
    return None


def _is_compound_past(sent) -> bool:
    """A passé composé (or passive past) in the sentence: something happened."""
    return any(t.dep_ == "aux:tense" and "Tense=Pres" in str(t.morph)
               and "Tense=Past" in str(t.head.morph) for t in sent)


def _sentence_modalities(folded: str, sent, received: date, previous: str = "") -> list[str]:
    labels = []
    for pattern in _PAST_CLOSED:
        found = pattern.search(folded)
        if found:
            labels.append(f"fait passé et clos (« {found.group().strip()} »)")
            break
    month = re.search(r"\ben (" + "|".join(_MONTHS) + r")\b", folded)
    if (month and not labels and _MONTHS[month.group(1)] < received.month
            and (_is_compound_past(sent) or re.search(r"\b(avait|etait)\b", folded))):
        labels.append(f"fait passé (« {month.group()} »)")
    year = _YEAR_RE.search(folded)
    if year and int(year.group(1)) < received.year and not labels:
        labels.append(f"fait passé et clos (« {year.group()} »)")
    recent = _RECENT.search(folded) or _RECENT.search(previous[-40:])
    for pattern in _HYPOTHETICAL:
        found = None if recent else pattern.search(folded)
        if found:
            labels.append(f"question générale ou hypothétique (« {found.group().strip()} »)")
            break
    else:
        if any(t.morph.get("Mood") == ["Cnd"] for t in sent) and re.search(r"\bsi\b", folded):
            labels.append("question hypothétique (si … conditionnel)")
    prevention = _PREVENTIVE.search(folded)
    if prevention and not _is_compound_past(sent):
        labels.append(f"démarche préventive (« {prevention.group()} »)")
    return labels


def _accident_cues(sent, index: int, folded_tokens: list[str], cues: list[Cue]) -> None:
    words = set(folded_tokens)
    economic = bool(words & _ECONOMIC)
    body_part = next((w for w in folded_tokens if w in _BODY_PARTS), None)
    for token, word in zip(sent, folded_tokens, strict=True):
        lemma = fold(token.lemma_)
        hit = _prefixed(word, _ACCIDENT_WORDS) or _prefixed(lemma, _ACCIDENT_WORDS)
        if hit is None or (economic and hit[1] in {"chute", "glissade", "renversé", "cassé"}):
            continue
        if _negated(token):
            continue
        weight, label = hit
        if label == "accident" and token.i + 2 < len(token.doc) and fold(
                token.doc[token.i + 1].text) in {"du", "de"} and fold(
                token.doc[token.i + 2].text) in {"travail", "trajet"}:
            continue  # named: the keyword rules handle « accident du travail »
        if label == "urgences" and token.i and fold(token.doc[token.i - 1].text) != "aux":
            continue  # « en cas d'urgence(s) », « les urgences du dossier »
        if label == "urgence" and (not token.i or fold(token.doc[token.i - 1].text) != "aux"):
            continue  # « en cas d'urgence(s) », « les urgences du dossier »
        cues.append(Cue(ACCIDENT, token.text, label, index, weight))
    text = fold(sent.text)
    for pattern, weight, label in _ACCIDENT_PHRASES:
        found = pattern.search(text)
        if found:
            cues.append(Cue(ACCIDENT, found.group(), label, index, weight))
    if body_part and any(c.sentence == index and c.case == ACCIDENT for c in cues):
        cues.append(Cue(ACCIDENT, body_part, "partie du corps atteinte", index, 0.5))


def _sexual_cues(sent, index: int, folded_tokens: list[str], cues: list[Cue]) -> None:
    text = " ".join(folded_tokens)
    for token, word in zip(sent, folded_tokens, strict=True):
        if word.startswith("sex") and _NOT_SEXUAL_ACT.search(text):
            continue  # « égalité entre les sexes », « orientation sexuelle »
        if word == "avances" and re.search(r"\bavances (sur|de|d'|remboursables)", text):
            continue  # « avances sur salaire »
        if word.startswith("viol") and (word not in _SEXUAL_EXACT or _NOT_A_PERSON.search(text)):
            continue  # « violation », « violence »
        if word in {"sein"} and token.i + 1 < len(token.doc) and fold(
                token.doc[token.i + 1].text) in {"de", "du", "des"}:
            continue  # « au sein de »
        hit = _prefixed(word, _SEXUAL_WORDS)
        if (hit or word.startswith(_TOUCH)) and _negated(token):
            continue
        if hit:
            cues.append(Cue(SEXUAL, token.text, hit[1], index, hit[0]))
        elif word.startswith(_TOUCH) and (
                any(w in _BODY_PARTS or w in {"poitrine", "fesses", "seins", "cuisse", "cuisses",
                                              "sexe", "corps", "jupe"} for w in folded_tokens)
                or re.search(r"\b(la|le|l'|me|m'|les|lui) ?touch", text)):
            cues.append(Cue(SEXUAL, token.text, "gestes (« toucher »)", index, 0.75))
    for pattern, weight, label in _SEXUAL_PHRASES:
        found = pattern.search(text)
        if found:
            cues.append(Cue(SEXUAL, found.group(), label, index, weight))


def _racist_cues(sent, index: int, folded: str, folded_tokens: list[str],
                 cues: list[Cue]) -> None:
    for token, word in zip(sent, folded_tokens, strict=True):
        hit = _prefixed(word, _RACIST_WORDS)
        if hit and not _negated(token):
            quoted = "«" in sent.text or '"' in sent.text
            weight = hit[0] + (0.5 if quoted and hit[1].startswith("insulte") else 0.0)
            cues.append(Cue(RACIST, token.text, hit[1], index, weight))
    for pattern, weight, label in _RACIST_PHRASES:
        found = pattern.search(folded)
        if found:
            cues.append(Cue(RACIST, found.group(), label, index, weight))


def _insolvency_cues(index: int, folded: str, cues: list[Cue], reading: Reading) -> None:
    found_any = bool(_INSOLVENCY_MENTION.search(folded))
    for pattern, case, weight, label in _INSOLVENCY_PHRASES:
        found = pattern.search(folded)
        if found:
            found_any = True
            cues.append(Cue(case, found.group(), label, index, weight))
    if found_any:
        third = _THIRD_PARTY_ORGS.search(folded)
        owned = third and re.match(r" (de|d') ?(notre|nos|l'|la|une|un)\b", folded[third.end():])
        if third and (owned or not _FIRST_PERSON_OWNER.search(folded)):
            reading.third_party[index] = third.group()


def _day_target(folded: str, match: re.Match, received: date) -> date | None:
    word = match.group()
    if word in _WEEKDAYS:
        ahead = (_WEEKDAYS[word] - received.weekday()) % 7 or 7
        after = folded[match.end():match.end() + 12]
        if after.strip().startswith("prochain") and ahead < 3:
            ahead += 7  # « lundi prochain » said on a Saturday is the Monday after next
        return received + timedelta(days=ahead)
    return None


def _near_dates(folded: str, received: date) -> list[tuple[str, date]]:
    """(words, date) of the time expressions of a sentence that point to the future."""
    found: list[tuple[str, date]] = []
    for match in _RELATIVE_DAYS.finditer(folded):
        word = match.group()
        offset = {"demain": 1, "apres-demain": 2, "apres demain": 2}.get(word, 0)
        found.append((word, received + timedelta(days=offset)))
    for match in re.finditer(r"\b(" + "|".join(_WEEKDAYS) + r")\b", folded):
        before, after = folded[:match.start()], folded[match.end():]
        if _PAST_BEFORE_DAY.search(before[-12:]) or _PAST_AFTER_DAY.search(after[:12]):
            continue
        if re.match(r"\s*(1er|\d{1,2})\b", after):
            continue  # « lundi 7 décembre » is dated below
        if re.search(r"\b(tous|chaque|les|le)\s*$", before[-8:]):
            continue  # « tous les lundis »
        target = _day_target(folded, match, received)
        if target:
            found.append((match.group(), target))
    for match in _WITHIN_RE.finditer(folded):
        amount = _NUMBER_WORDS.get(match.group(2)) or int(match.group(2))
        unit = match.group(3)
        days = amount / 24 if unit.startswith("h") else amount * (7 if unit.startswith("sem")
                                                                  else 1)
        found.append((match.group(), received + timedelta(days=int(days))))
    week_end = re.search(r"\b(cette semaine|d'ici la fin de la semaine|en fin de semaine|"
                         r"avant la fin de la semaine|d'ici vendredi)\b", folded)
    if week_end:
        found.append((week_end.group(), received + timedelta(days=max(0, 4 - received.weekday()))))
    for match in _DATE_NUMERIC.finditer(folded):
        target = _dated(received, match.group(1), match.group(2), match.group(3))
        if target:
            found.append((match.group(), target))
    for match in _DATE_TEXT.finditer(folded):
        target = _dated(received, match.group(1), _MONTHS[match.group(2)], match.group(3))
        if target:
            found.append((match.group(), target))
    return [(words, target) for words, target in found if target >= received]


def _dated(received: date, day, month, year) -> date | None:
    try:
        day_number = 1 if day == "1er" else int(day)
        if year:
            full = int(year) + (2000 if len(str(year)) == 2 else 0)
            return date(full, int(month), day_number)
        target = date(received.year, int(month), day_number)
        if (received - target).days > 180:
            target = date(received.year + 1, int(month), day_number)
        return target
    except ValueError:
        return None


def business_days_until(received: date, target: date, is_working_day: Callable[[date], bool]
                        ) -> int:
    """Working days after `received` up to and including `target` (holidays excluded)."""
    days, current = 0, received
    while current < target and days < 60:
        current += timedelta(days=1)
        days += is_working_day(current)
    return days


def _deadline_cues(sent, index: int, folded: str, received: date, window_days: int,
                   is_working_day, cues: list[Cue]) -> None:
    event = _DEADLINE_EVENTS.search(folded)
    if not event or _NOT_A_DEADLINE.search(folded):
        return
    if _is_compound_past(sent) and not re.search(r"\b(fixe|prevu|programme|convoque)e?s?\b",
                                                   folded):
        return  # « il est tombé lundi »: a past event, not a deadline
    for words, target in _near_dates(folded, received):
        if (target - received).days > 3 * window_days + 6:
            continue
        if business_days_until(received, target, is_working_day) <= window_days:
            cues.append(Cue(DEADLINE_CASE, f"{event.group()} … {words}",
                            f"échéance le {target:%d/%m} (« {event.group()} » + « {words} »)",
                            index, 1.0))
            return


def read(subject: str, body: str, received: datetime, window_days: int,
         is_working_day: Callable[[date], bool]) -> Reading:
    """Parse subject and body and collect cues and modalities (subject first, offset 0)."""
    text = f"{subject}\n\n{body}" if subject else body
    doc = parse(text)
    reading = Reading()
    today = received.date()
    previous = ""
    for index, sent in enumerate(doc.sents):
        reading.starts.append(sent.start_char)
        folded = fold(sent.text)
        folded_tokens = [fold(t.text) for t in sent]
        modalities = _sentence_modalities(folded, sent, today, previous)
        previous = folded
        if modalities:
            reading.modalities[index] = modalities
        _accident_cues(sent, index, folded_tokens, reading.cues)
        economic = next((w for w in folded_tokens if w in _ECONOMIC), None)
        if economic and not any(w in _BODY_PARTS for w in folded_tokens):
            reading.economic[index] = economic
        _sexual_cues(sent, index, folded_tokens, reading.cues)
        _racist_cues(sent, index, folded, folded_tokens, reading.cues)
        _insolvency_cues(index, folded, reading.cues, reading)
        _deadline_cues(sent, index, folded, today, window_days, is_working_day, reading.cues)
    whole = fold(text)
    outside = next((w for w in _OUTSIDE_WORK if re.search(rf"\b{re.escape(w)}\b", whole)), None)
    if outside and not any(re.search(rf"\b{w}", whole) for w in ("chantier", "mission",
                                                                 "pendant son travail",
                                                                 "sur son poste")):
        reading.outside_work = outside
    reading.nothing_happened = bool(_NOTHING_HAPPENED.search(whole))
    if _SPECIALTY_SOCIAL.search(whole):
        reading.specialty = "droit_social"
    return reading
