"""Tests of the triage engine: normalisation, topics, levels, urgency, reasons and custom rules."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from legaldesk.tickets.triage import TriageDecision, triage
from legaldesk.tickets.triage.normalisation import normalise
from legaldesk.tickets.triage.phrases import compile_topics
from legaldesk.tickets.triage.rules import TopicRule, topic_rules_from_dicts
from legaldesk.tickets.vocabulary import DEFAULT_TOPICS, URGENT_CASES

NOW = datetime(2024, 3, 12, 10, 0)  # a Tuesday


def run(text: str, subject: str = "", **options) -> TriageDecision:
    options.setdefault("now", NOW)
    return triage(subject, text, **options)


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("L’accident du travail d’hier", "accident du travail hier"),
    ("Qu'il n'a pas été blessé", "il ne a pas ete blesse"),
    ("ÉTÉ À l'ÉCOLE", "ete a ecole"),
    ("Le pass-iae, le PassIAE et le PASS IAE", "le pass iae le pass iae et le pass iae"),
    ("Un c.d.d.i ou un C D D I", "un cddi ou un cddi"),
    ("ETT-ESS, ETT ESS, ettess", "ett ess ett ess ett ess"),
    ("prud’hommes / prudhommes", "prud hommes prud hommes"),
    ("Œuvre « collective »", "oeuvre collective"),
    ("AT/MP", "at mp"),
    ("", ""),
])
def test_normalise_folds_case_accents_elisions_and_spellings(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_keeps_words_that_merely_start_like_an_elision() -> None:
    assert normalise("aujourd'hui, presqu'île") == "aujourd hui ile"


# --- topics ----------------------------------------------------------------------------------

TOPIC_CASES = [
    ("Peut-on renouveler un CDDI au-delà de la durée initiale pour un salarié de 52 ans ?",
     "contrats"),
    ("Nous passons à 11 salariés : devons-nous organiser les élections du CSE ?",
     "dialogue_social"),
    ("Un salarié en CDDI peut-il cumuler son emploi avec un second emploi à temps partiel ?",
     "ressources_humaines"),
    ("Notre association est-elle soumise aux impôts commerciaux pour sa recyclerie ?",
     "fiscalite"),
    ("Un candidat a un récépissé de demande de titre de séjour : peut-on l'embaucher ?",
     "droit_des_etrangers"),
    ("Peut-on déposer le nom de notre chantier comme marque à l'INPI ?",
     "propriete_intellectuelle"),
    ("Un salarié a cassé du matériel chez le client : notre assurance RC pro couvre-t-elle ?",
     "responsabilite"),
    ("Devons-nous mettre à jour le document unique d'évaluation des risques ?", "sante_securite"),
    ("Comment répondre à un marché réservé aux SIAE avec une clause sociale ?", "marches_publics"),
    ("Un salarié peut-il faire une PMSMP chez un autre employeur pendant son parcours ?", "pmsmp"),
    ("Le prescripteur refuse de prolonger le pass IAE de notre salariée.", "pass_iae"),
    ("Peut-on conclure un contrat de professionnalisation en fin de parcours ?",
     "contrat_professionnalisation"),
    ("Quelles sont les conditions d'âge pour conclure un CDI inclusion ?", "cdi_inclusion"),
    ("Faut-il un agrément SAP pour faire du ménage chez des particuliers ?",
     "services_a_la_personne"),
    ("Quelle garantie financière faut-il pour créer une ETT-ESS ?", "ett_ess"),
    ("Comment obtenir le label CAP RSE pour notre structure ?", "rse"),
    ("Pouvez-vous nous rappeler en quoi consiste la triple exclusivité ?", "triple_exclusivite"),
    ("Quel statut pour les travailleurs d'une entreprise d'insertion par le travail "
     "indépendant ?", "eiti"),
    ("Peut-on mettre nos salariés à disposition d'une entreprise à but d'emploi ?",
     "mise_a_disposition_ebe"),
    ("Combien de temps faut-il conserver les bulletins de paie ?", "conservation_documents"),
    ("Faut-il un accord pour reconnaître une unité économique et sociale ?", "ues"),
    ("Nous voulons ouvrir une micro-crèche : quelles autorisations de la PMI ?",
     "petite_enfance"),
    ("Une entreprise veut nous faire un don : pouvons-nous émettre un reçu fiscal ?",
     "mecenat_rescrit"),
    ("Nous envisageons de transformer notre association en SCIC : quelles étapes ?",
     "structuration_juridique"),
    ("Quel tribunal est compétent pour un litige avec un fournisseur ?", "competence_tribunaux"),
    ("Comment est calculé le montant modulé de l'aide au poste au dialogue de gestion ?",
     "aide_au_poste"),
    ("Notre client a été placé en redressement judiciaire : comment déclarer notre créance ?",
     "procedures_collectives"),
]


@pytest.mark.parametrize(("text", "topic"), TOPIC_CASES)
def test_topic_from_domain_vocabulary(text: str, topic: str) -> None:
    assert run(text).topic == topic


def test_every_default_topic_code_is_covered_by_a_topic_case() -> None:
    codes = {topic["code"] for topic in DEFAULT_TOPICS} - {"autre"}
    assert codes == {topic for _, topic in TOPIC_CASES}


@pytest.mark.parametrize("text", [
    "Bonjour, pouvez-vous me donner les horaires d'ouverture de la fédération ?",
    "Pouvez-vous m'inscrire à la lettre d'information ?",
    "Merci pour votre réponse, bonne journée.",
    "",
])
def test_off_topic_text_goes_to_autre(text: str) -> None:
    decision = run(text)
    assert (decision.topic, decision.level, decision.specialty) == ("autre", "expert", None)
    assert decision.topic_confidence == 0.0


def test_accents_and_elisions_do_not_change_the_topic() -> None:
    with_accents = run("Quelle durée de conservation pour les dossiers d'agrément ?")
    without = run("quelle duree de conservation pour les dossiers d agrement")
    shouted = run("QUELLE DURÉE DE CONSERVATION POUR LES DOSSIERS D'AGRÉMENT ?")
    assert with_accents.topic == without.topic == shouted.topic == "conservation_documents"


@pytest.mark.parametrize(("text", "topic"), [
    ("Durée maximale d'un c.d.d.i ?", "contrats"),
    ("Durée maximale d'un contrat à durée déterminée d'insertion ?", "contrats"),
    ("Quelle gouvernance pour une ETT ESS ?", "ett_ess"),
    ("Quelle gouvernance pour une ettess ?", "ett_ess"),
    ("Quelle gouvernance pour une entreprise de travail temporaire de l'économie sociale et "
     "solidaire ?", "ett_ess"),
    ("Comment fonctionne la prolongation du passiae ?", "pass_iae"),
    ("Le pass-iae d'un salarié a été suspendu", "pass_iae"),
    ("Projet d'EITI en zone rurale", "eiti"),
    ("Reconnaissance d'une UES", "ues"),
    ("Convention de période de mise en situation en milieu professionnel", "pmsmp"),
    ("Territoires zéro chômeur de longue durée : nos salariés peuvent-ils y aller ?",
     "mise_a_disposition_ebe"),
])
def test_acronyms_and_their_expansions(text: str, topic: str) -> None:
    assert run(text).topic == topic


def test_case_sensitive_acronyms_match_only_in_capitals() -> None:
    assert run("L'AGS paiera-t-elle les salaires ?").topic == "procedures_collectives"
    assert run("les ags paieront-elles ?").topic == "autre"
    assert run("Déclaration d'un AT hier soir").urgent_case == "accident_du_travail"
    assert run("we meet at noon").urgent is False


def test_a_structure_naming_itself_weighs_less_than_the_question() -> None:
    decision = run("On est une ETT-ESS en SAS et on voudrait l'agrément ESUS : "
                   "quel effet sur nos impôts ?")
    assert decision.topic == "fiscalite"


def test_subject_line_counts_more_and_is_read_from_an_objet_line() -> None:
    text = "Objet : Question CDI inclusion\n\nUne question sur le Pass IAE et le CDI inclusion."
    assert run(text).topic == "cdi_inclusion"
    assert run("Question sur le Pass IAE et le CDI inclusion", subject="Pass IAE").topic == (
        "pass_iae")


def test_similar_topics_are_a_small_second_signal() -> None:
    text = "Une question sur le CDDI et sa prolongation."
    assert run(text).topic == "contrats"
    assert run(text, similar_topics=[("pass_iae", 0.9), ("pass_iae", 0.8)]).topic == "pass_iae"
    assert run("Une question.", similar_topics=[("fiscalite", 0.2)]).topic == "autre"
    tipped = run("Une question.", similar_topics=[("fiscalite", 0.9), ("fiscalite", 0.9)])
    assert tipped.topic == "fiscalite"
    assert any("questions similaires" in reason for reason in tipped.reasons)


# --- level -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "level"), [
    ("Pouvez-vous nous transmettre le modèle de convention de PMSMP ?", "first_level"),
    ("Quelles sont les conditions d'âge pour un CDI inclusion ?", "first_level"),
    ("Dans notre cas le salarié a 56 ans : peut-on quand même signer un CDI inclusion ?",
     "expert"),
    ("France Travail refuse la prolongation du Pass IAE : pouvons-nous contester ?", "expert"),
    ("Notre salarié conteste son licenciement devant les prud'hommes, que risque-t-on ?",
     "expert"),
    ("Pourriez-vous nous transmettre le guide de la commande publique pour les SIAE ?",
     "first_level"),
    ("Comment répondre à un marché public avec une clause sociale ?", "expert"),
    ("Une salariée en parcours a un récépissé : que faire pour son titre de séjour ?", "expert"),
    ("Faut-il demander un rescrit fiscal pour délivrer des reçus fiscaux ?", "expert"),
    ("Le mois dernier, licenciement de M. Durand : un avertissement suffisait-il ?", "expert"),
    ("Une enseigne copie nos créations et nos dessins et modèles : que faire ?", "expert"),
])
def test_level_from_topic_default_and_signals(text: str, level: str) -> None:
    assert run(text).level == level


def test_report_urgent_cases_are_always_expert_and_echeance_keeps_its_level() -> None:
    injury = run("Pouvez-vous nous transmettre un modèle de déclaration ? "
                 "Un salarié s'est blessé ce matin.")
    assert (injury.urgent_case, injury.level) == ("accident_du_travail", "expert")
    deadline = run("Le Pass IAE de notre salariée expire demain, quelle est la règle ?")
    assert (deadline.urgent_case, deadline.level) == ("echeance_proche", "first_level")


# --- urgency: the five report cases ---------------------------------------------------------

URGENT_TEXTS = [
    ("Un salarié est tombé d'un échafaudage ce matin, les pompiers sont intervenus.",
     "accident_du_travail"),
    ("Accident de travail hier : un encadrant s'est coupé la main avec une disqueuse.",
     "accident_du_travail"),
    ("URGENT AT : notre salariée mise à disposition a chuté dans l'escalier chez le client.",
     "accident_du_travail"),
    ("Une salariée a fait un malaise au travail et a été hospitalisée.", "accident_du_travail"),
    ("Un intérimaire a été électrocuté sur le site de l'entreprise utilisatrice.",
     "accident_du_travail"),
    ("Comment remplir la DAT pour un salarié qui s'est brûlé à l'atelier ?",
     "accident_du_travail"),
    ("Le salarié a eu un accident de trajet en venant au travail.", "accident_du_travail"),
    ("un salarie s est blesse sur le chantier, il est a l hopital", "accident_du_travail"),
    ("Hier un salarié a reçu une palette sur le pied, il a une fracture.",
     "accident_du_travail"),
    ("Une salariée dit avoir subi des attouchements de la part de son chef d'équipe.",
     "agression_sexuelle"),
    ("Un client a tenu des propos à connotation sexuelle et a eu des gestes déplacés.",
     "agression_sexuelle"),
    ("Signalement de harcèlement sexuel par une salariée en parcours.", "agression_sexuelle"),
    ("Une salariée nous a confié avoir été violée par un collègue en déplacement.",
     "agression_sexuelle"),
    ("Notre aide à domicile a été aggressée sexuellement par le fils du client.",
     "agression_sexuelle"),
    ("Un encadrant a tenu des propos racistes envers un salarié en parcours.",
     "discours_xenophobe"),
    ("Un client a dit à notre salariée « retourne dans ton pays ».", "discours_xenophobe"),
    ("Insultes sur ses origines de la part d'un collègue.", "discours_xenophobe"),
    ("Des tags antisémites ont été découverts dans les vestiaires.", "discours_xenophobe"),
    ("Le chef d'équipe traite nos salariés d'origine africaine de singes.", "discours_xenophobe"),
    ("Notre association est en cessation des paiements, nous devons déposer le bilan.",
     "redressement_judiciaire"),
    ("Le tribunal a ouvert une procédure de redressement judiciaire contre notre ACI.",
     "redressement_judiciaire"),
    ("Nous ne pouvons plus payer les salaires ce mois-ci, que faire ?",
     "redressement_judiciaire"),
    ("L'administrateur judiciaire demande la liste des CDDI en cours.",
     "redressement_judiciaire"),
    ("Le tribunal de commerce a prononcé la liquidation judiciaire de notre EI.",
     "liquidation_judiciaire"),
    ("Le liquidateur nous demande de licencier tous les salariés, l'AGS paiera-t-elle ?",
     "liquidation_judiciaire"),
    ("Notre entreprise d'insertion va être placée en liquidation : que deviennent les CDDI ?",
     "liquidation_judiciaire"),
]


@pytest.mark.parametrize(("text", "case"), URGENT_TEXTS)
def test_urgent_cases_in_several_phrasings(text: str, case: str) -> None:
    decision = run(text)
    assert (decision.urgent, decision.urgent_case, decision.check_urgency) == (True, case, True)
    assert decision.level == "expert"
    assert decision.specialty == URGENT_CASES[case]["specialty"]
    assert decision.topic == URGENT_CASES[case]["topic"]


def test_every_report_case_has_urgent_phrasings() -> None:
    assert {case for _, case in URGENT_TEXTS} == set(URGENT_CASES)


def test_a_stronger_topic_keeps_the_topic_but_the_case_gives_the_specialty() -> None:
    decision = run("Notre marché public avec clause sociale : le titulaire du marché, notre "
                   "cotraitant, est en liquidation judiciaire. Qui reprend les heures "
                   "d'insertion du groupement momentané d'entreprises ?")
    assert decision.urgent_case == "liquidation_judiciaire"
    assert decision.topic == "marches_publics"
    assert decision.specialty == "droit_des_affaires"


# --- urgency: negations, false friends, hypotheses, context ---------------------------------


@pytest.mark.parametrize("text", [
    "Il n'y a pas eu d'accident du travail, nous mettons à jour le document unique.",
    "Aucun salarié n'a été blessé lors de l'incendie, mais qui paie les dégâts ?",
    "Le salarié n'a pas été blessé : faut-il déclarer l'incident ?",
    "Heureusement personne n'a été blessé.",
    "Incident sans blessure sur le chantier.",
    "Notre chiffre d'affaires est en chute, pouvons-nous réduire les heures ?",
    "Chute du chiffre d'affaires de 30 % : comment faire ?",
    "Nous allons faire la liquidation des congés payés d'un salarié qui part.",
    "Liquidation de la retraite d'une salariée de 62 ans : quelles démarches ?",
    "Suite à un contrôle, nous avons un redressement URSSAF de 12 000 euros.",
    "Le redressement fiscal porte sur la TVA de 2021.",
    "Comment organiser la sauvegarde des données de nos salariés ?",
    "Faut-il un plan de sauvegarde de l'emploi pour 12 licenciements ?",
    "Un salarié a eu un accident de voiture pendant ses vacances, il est blessé.",
    "Quelle audience pour notre webinaire de jeudi ?",
    "Nous souhaitons former nos encadrants à la prévention des violences sexistes et sexuelles.",
    "Qui peut être désigné référent harcèlement sexuel au sein du CSE ?",
    "Le client a violé le contrat de prestation en ne payant pas.",
    "Nous voulons signer une charte de lutte contre le racisme.",
    "La décision est tombée : la subvention est refusée.",
    "Congé pour décès d'un proche : combien de jours ?",
    "Un salarié en CDDI peut-il cumuler deux emplois ?",
])
def test_negations_and_false_friends_are_not_urgent(text: str) -> None:
    decision = run(text)
    assert (decision.urgent, decision.urgent_case) == (False, None)


@pytest.mark.parametrize(("text", "reason"), [
    ("Il n'y a pas d'accident du travail à déclarer.",
     "négation ignorée : « pas d'accident du travail »"),
    ("Personne n'a été blessé.", "négation ignorée : « Personne n'a été blessé »"),
    ("Nous contestons un redressement URSSAF.", "faux ami ignoré : « redressement URSSAF »"),
    ("Liquidation des congés payés au départ du salarié.",
     "faux ami ignoré : « Liquidation des congés payés »"),
    ("Un accident de voiture pendant ses vacances, il est blessé.",
     "contexte hors travail (« accident de voiture ») : « est blessé » ignoré"),
])
def test_ignored_triggers_are_explained(text: str, reason: str) -> None:
    assert reason in run(text).reasons


def test_uncertainty_is_not_a_negation() -> None:
    decision = run("Nous ne savons pas s'il est blessé, il a glissé sur le chantier.")
    assert decision.urgent_case == "accident_du_travail"


def test_a_general_question_about_accidents_is_checked_but_not_urgent() -> None:
    general = run("En cas d'accident du travail d'un salarié mis à disposition, qui déclare ?")
    assert (general.urgent, general.check_urgency, general.topic) == (
        False, True, "sante_securite")
    happened = run("Hier, en cas d'accident du travail comme celui-ci, qui déclare ?")
    assert happened.urgent_case == "accident_du_travail"


def test_an_injury_during_work_is_urgent_even_in_a_car() -> None:
    decision = run("Notre salarié a eu un accident de voiture pendant sa mission chez un client, "
                   "il est blessé.")
    assert decision.urgent_case == "accident_du_travail"


def test_generic_cues_only_ask_for_a_check() -> None:
    decision = run("URGENT : question sur le calcul des congés payés, rappelez-moi au plus vite")
    assert (decision.urgent, decision.check_urgency) == (False, True)
    assert any(reason.startswith("demande d'urgence à vérifier") for reason in decision.reasons)
    assert run("Question sur le calcul des congés payés").check_urgency is False


def test_des_with_an_accent_is_not_the_article() -> None:
    assert run("Un échange dès aujourd'hui serait utile.").check_urgency is True
    assert run("Des salariés ont posé des questions aujourd'hui.").check_urgency is False


def test_a_shouted_subject_still_reads_acronyms() -> None:
    decision = run("Un salarié s'est fait mal au dos en portant une charge.",
                   subject="URGENT AT SUR LE CHANTIER")
    assert decision.urgent_case == "accident_du_travail"


def test_a_physical_assault_is_flagged_for_review_not_as_a_report_case() -> None:
    decision = run("Une salariée a été agressée par un client qui l'a frappée.")
    assert (decision.urgent, decision.check_urgency, decision.topic) == (
        False, True, "sante_securite")


# --- urgency: near deadlines -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "urgent"), [
    ("L'entretien préalable de M. Martin est prévu lundi.", True),
    ("Notre audience aux prud'hommes a lieu le 14/03/2024.", True),
    ("Notre audience aux prud'hommes a lieu le 14/03.", True),
    ("Notre audience aux prud'hommes a lieu le 30/04/2024.", False),
    ("La mise en demeure nous laisse jusqu'à demain pour payer.", True),
    ("Le Pass IAE de notre salariée expire dans 3 jours.", True),
    ("Le Pass IAE de notre salariée expire dans 3 mois.", False),
    ("Le Pass IAE de notre salariée expire sous 48h.", True),
    ("Date limite de dépôt des offres : vendredi 15 mars.", True),
    ("Date limite de dépôt des offres : vendredi 29 mars.", False),
    ("Le conseil d'administration se réunit jeudi pour décider de la fusion.", True),
    ("Le CA se réunit demain pour voter le budget.", True),
    ("L'audience a eu lieu jeudi dernier.", False),
    ("Tous les lundis nous faisons le point sur les contrats.", False),
    ("Le webinaire a lieu demain.", False),
    ("Le Pass IAE de notre salariée arrive prochainement à échéance.", False),
    ("Je me permets de vous contacter aujourd'hui au sujet de la fin de contrat prévue en juin.",
     False),
])
def test_echeance_proche_needs_a_deadline_word_and_a_near_date(text: str, urgent: bool) -> None:
    decision = run(text)
    assert decision.urgent_case == ("echeance_proche" if urgent else None)


def test_deadline_window_is_a_parameter() -> None:
    text = "Le Pass IAE de notre salariée expire dans 4 jours."
    assert run(text).urgent_case == "echeance_proche"
    assert run(text, deadline_window_days=1).urgent_case is None
    later = datetime(2024, 3, 25, 9)
    assert run("Audience le 14/03/2024", now=later).urgent_case is None


def test_a_report_case_wins_over_a_near_deadline_and_mentions_it() -> None:
    decision = run("Le tribunal a prononcé la liquidation judiciaire, l'audience est demain.")
    assert decision.urgent_case == "liquidation_judiciaire"
    assert any(reason.startswith("échéance proche aussi signalée") for reason in decision.reasons)


# --- reasons, specialty, sender, output shape ------------------------------------------------


def test_reasons_are_french_and_name_the_matched_words() -> None:
    decision = run("Un salarié mis à disposition s'est blessé, l'affaire finira aux prud'hommes.")
    assert "urgent (accident_du_travail) : « s'est blessé »" in decision.reasons
    assert "niveau expert : cas urgent accident_du_travail" in decision.reasons
    contracts = run("Quelles clauses dans un contrat de mise à disposition ?")
    assert "thème contrats : « contrat de mise à disposition » (+3.0)" in contracts.reasons
    dispute = run("Notre salarié saisit les prud'hommes pour son CDI inclusion.")
    assert "niveau expert : signal « prud'hommes »" in dispute.reasons


def test_specialty_follows_the_topic_when_not_urgent() -> None:
    assert run("Quel tribunal est compétent pour ce litige ?").specialty == "droit_des_affaires"
    assert run("Combien d'heures de délégation pour les élus du CSE ?").specialty == (
        "droit_social")


def test_non_member_requesters_get_a_national_triage_reason() -> None:
    reason = "demandeur non adhérent → triage national"
    assert reason in run("Question sur le CDDI", sender_kind="service_etat").reasons
    assert reason in run("Question sur le CDDI", sender_kind="reseau_partenaire").reasons
    member = run("Question sur le CDDI", sender_kind="adherent")
    assert reason not in member.reasons
    assert member.topic == run("Question sur le CDDI", sender_kind="service_etat").topic


def test_to_dict_is_json_serialisable_with_the_expected_keys() -> None:
    data = run("Un salarié s'est blessé ce matin, c'est urgent.").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert {"topic", "topic_confidence", "level", "urgent", "urgent_case", "specialty",
            "check_urgency", "reasons", "matched"} <= set(data)
    assert data["urgent_case"] == "accident_du_travail"
    assert "s'est blessé" in data["matched"]["urgent:accident_du_travail"]
    assert 0.0 < data["topic_confidence"] <= 1.0


# --- rules as data ---------------------------------------------------------------------------


def test_custom_rules_passed_as_data_change_the_outcome() -> None:
    text = "Question sur la mutuelle obligatoire des salariés en parcours"
    assert run(text).topic == "ressources_humaines"
    custom = [dict(topic) for topic in DEFAULT_TOPICS]
    custom.append({"code": "protection_sociale", "label_fr": "Protection sociale",
                   "default_level": "first_level", "specialty": "droit_social",
                   "keywords": {"mutuelle obligatoire": 4.0}})
    decision = run(text, rules=topic_rules_from_dicts(custom))
    assert (decision.topic, decision.level) == ("protection_sociale", "first_level")
    assert "thème protection_sociale : « mutuelle obligatoire » (+4.0)" in decision.reasons


def test_rules_may_be_plain_dicts_and_inactive_topics_are_skipped() -> None:
    custom = [dict(topic, active=topic["code"] != "pmsmp") for topic in DEFAULT_TOPICS]
    assert run("Convention de PMSMP", rules=custom).topic == "autre"
    assert run("Convention de PMSMP", rules=DEFAULT_TOPICS).topic == "pmsmp"


def test_a_changed_weight_or_default_level_is_honoured() -> None:
    rules = [TopicRule("rse", "RSE", "expert", "droit_des_affaires", {"label vert": 2.0})]
    decision = run("Comment obtenir le label vert ?", rules=rules)
    assert (decision.topic, decision.level, decision.specialty) == (
        "rse", "expert", "droit_des_affaires")
    weak = [TopicRule("rse", "RSE", "expert", None, {"label vert": 0.5})]
    assert run("Comment obtenir le label vert ?", rules=weak).topic == "autre"


@pytest.mark.parametrize("item", [
    {"code": "", "default_level": "expert", "keywords": {}},
    {"code": "x", "default_level": "premier", "keywords": {}},
    {"code": "x", "default_level": "expert", "keywords": ["mot"]},
    {"code": "x", "default_level": "expert", "keywords": {"mot": "lourd"}},
])
def test_invalid_rule_data_is_rejected(item: dict) -> None:
    with pytest.raises(ValueError):
        topic_rules_from_dicts([item])


def test_equal_rules_built_twice_are_compiled_once() -> None:
    first = topic_rules_from_dicts(DEFAULT_TOPICS)
    run("Question sur le CDDI", rules=first)
    misses = compile_topics.cache_info().misses
    second = topic_rules_from_dicts([dict(topic) for topic in DEFAULT_TOPICS])
    assert second == first and second is not first
    run("Question sur le CDDI", rules=second)
    assert compile_topics.cache_info().misses == misses


def test_topic_rules_are_hashable_and_immutable() -> None:
    rule = TopicRule("x", "X", "expert", None, {"mot": 1.0})
    assert hash(rule) == hash(TopicRule("x", "X", "expert", None, {"mot": 1.0}))
    assert dict(rule.keywords) == {"mot": 1.0}
    with pytest.raises(TypeError):
        rule.keywords["mot"] = 2.0  # type: ignore[index]
