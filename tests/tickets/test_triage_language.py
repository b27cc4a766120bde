"""The language layer of triage (spaCy): events told, modality, deadlines, forwarded mail,
the prud'hommes override, the WhatsApp re-triage and the train / evaluate commands."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import yaml
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.intake.services import ingest_whatsapp
from legaldesk.sla.calendar import BusinessCalendar
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Priority, Ticket
from legaldesk.tickets.triage import TriageDecision, learned, triage
from legaldesk.tickets.triage.forwarded import split_forwarded
from tests.conftest import NOW
from tests.mailservers import whatsapp_form

THURSDAY = datetime(2026, 12, 3, 9, 0)


def run(text: str, subject: str = "", **options) -> TriageDecision:
    options.setdefault("now", THURSDAY)
    return triage(subject, text, **options)


# --- events told without a trigger word -------------------------------------------------------


@pytest.mark.parametrize(("text", "case"), [
    ("Karim est revenu le bras en écharpe, le hayon du camion lui est tombé dessus ce matin.",
     "accident_du_travail"),
    ("slt ya un gars ki est tombé de l'échelle au chantier, hospitalisé, c chaud",
     "accident_du_travail"),
    ("un gars s'est ouvert le crâne 🚑 on fait quoi", "accident_du_travail"),
    ("Il lui a mis la main sur la cuisse dans la voiture de service.", "agression_sexuelle"),
    ("Un salarié a écrit « mort aux arabes » sur le casier d'un collègue.", "discours_xenophobe"),
    ("Ma fille s'est fait mordre par un chien pendant sa tournée, recousue à l'hôpital.",
     "accident_du_travail"),
    ("Le client a essayé de l'embrasser de force et lui a touché la poitrine.",
     "agression_sexuelle"),
    ("Son encadrant lui envoie des photos de son sexe et lui fait des avances insistantes.",
     "agression_sexuelle"),
    ("Un client a traité notre salarié de « sale bougnoule » devant tout le monde.",
     "discours_xenophobe"),
    ("On lui dit « retourne dans ton pays » tous les jours à l'atelier.", "discours_xenophobe"),
    ("On est en RJ depuis lundi, le mandataire nous demande la liste des salariés.",
     "redressement_judiciaire"),
    ("Le tribunal a prononcé notre LJ, le liquidateur arrive.", "liquidation_judiciaire"),
    ("Notre association ne peut plus payer les salaires, faut-il déclarer la cessation des "
     "paiements ?", "redressement_judiciaire"),
])
def test_events_told_are_urgent_with_french_cues(text: str, case: str) -> None:
    decision = run(text)
    assert decision.urgent_case == case
    assert decision.level == "expert"
    assert any("lu dans le texte" in r or f"urgent ({case})" in r for r in decision.reasons)


def test_a_third_partys_account_counts() -> None:
    decision = run("Une collègue m'a confié que le responsable la touche régulièrement et lui "
                   "demande de l'embrasser.")
    assert decision.urgent_case == "agression_sexuelle"


# --- modality: false alarms -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "label"), [
    ("Un salarié a eu un accident du travail il y a deux ans, le dossier est clos. Combien de "
     "temps garder la déclaration ?", "fait passé et clos"),
    ("Nous sommes sortis d'un redressement judiciaire en 2021, pouvons-nous candidater ?",
     "fait passé et clos"),
    ("Si un jour un salarié se blesse chez un client, qui est responsable ?",
     "hypothétique"),
    ("De manière générale, que deviennent les conventions quand une SIAE est placée en "
     "redressement judiciaire ?", "hypothétique"),
    ("Nous mettons à jour notre règlement intérieur sur le harcèlement sexuel.", "préventive"),
    ("Un de nos clients est en liquidation judiciaire et nous doit 8 000 €, comment déclarer "
     "notre créance ?", "procédure d'un tiers"),
    ("Un salarié s'est cassé la jambe au ski pendant ses congés, peut-on le remplacer ?",
     ""),
    ("Le chiffre d'affaires a fait une chute brutale, peut-on étaler la CFE ?", ""),
    ("Le donneur d'ordre de notre EI vient d'être placé en redressement judiciaire, nos "
     "factures seront-elles payées ?", "procédure d'un tiers"),
    ("Dans quels cas mener une enquête après un signalement de harcèlement sexuel ? C'est pour "
     "notre guide RH.", ""),
])
def test_past_hypothetical_preventive_third_party_and_other_senses_are_not_urgent(
        text: str, label: str) -> None:
    decision = run(text)
    assert (decision.urgent, decision.urgent_case) == (False, None)
    assert label in " ".join(decision.reasons)


def test_a_negated_event_is_not_urgent() -> None:
    assert not run("Aucun salarié n'a été hospitalisé ni brûlé, mais qui paie les dégâts ?").urgent


def test_the_rules_only_path_is_kept_as_the_baseline() -> None:
    text = "Karim est revenu du dépôt le bras en écharpe, on l'a plâtré à l'hôpital."
    assert not run(text, language=False).urgent
    assert run(text).urgent


# --- deadlines --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "L'inspection du travail vient demain matin, quels documents préparer ?",
    "Notre conventionnement s'arrête vendredi sans réponse de la DDETS.",
    "On passe aux prud'hommes mardi prochain, on n'a pas d'avocat.",
    "Entretien préalable fixé au 7 décembre, le salarié peut-il venir avec un avocat ?",
    "Le contrôle de la DDETS est prévu dans 3 jours, quels documents ?",
])
def test_a_near_date_without_a_deadline_word_is_urgent(text: str) -> None:
    decision = run(text)
    assert decision.urgent_case == "echeance_proche"
    assert "urgent (echeance_proche)" in " ".join(decision.reasons)


def test_past_or_far_dates_are_not_deadlines() -> None:
    assert not run("Le CDDI s'est terminé lundi dernier, faut-il une attestation ?").urgent
    assert not run("L'audience de conciliation est le 15 avril, faut-il un avocat ?").urgent


def test_public_holidays_count_in_the_deadline_window() -> None:
    text = "La réponse au contrôle URSSAF est attendue pour le 04/01."
    tuesday = datetime(2026, 12, 22, 15, 0)
    # 23, 24, (25 Christmas), 28, 29, 30, 31, (1 January), 4: 7 working days in metropolitan
    # France, 9 weekdays: within an 8-day window only when the holidays are counted.
    holidays = BusinessCalendar().is_working_day
    decision = run(text, now=tuesday, is_working_day=holidays, deadline_window_days=8)
    assert decision.urgent_case == "echeance_proche"
    assert not run(text, now=tuesday, is_working_day=lambda day: day.weekday() < 5,
                   deadline_window_days=8).urgent


# --- forwarded mail and the prud'hommes override -------------------------------------------


FORWARDED = """Bonjour, je vous transfère la question de notre directrice, merci !

---------- Message transféré ----------
De : Direction <direction@example.org>
Date : mer. 2 déc. 2026
Objet : TVA sur les dons

Un salarié s'est fait écraser la main par la presse ce matin, il est aux urgences.
"""


def test_forwarded_mail_is_triaged_on_the_forwarded_question() -> None:
    subject, body, forwarded = split_forwarded("TR: question", FORWARDED)
    assert forwarded and subject == "TVA sur les dons" and body.startswith("Un salarié")
    decision = run(FORWARDED, subject="TR: question")
    assert decision.urgent_case == "accident_du_travail"
    assert decision.reasons[0].startswith("thème") or any(
        "message transféré" in r for r in decision.reasons)
    assert any("message transféré" in r for r in decision.reasons)
    for marker in ("Début du message réexpédié :", "-----Original Message-----"):
        assert split_forwarded("", f"Voir ci-dessous\n\n{marker}\nFrom: x\n\nLa question.")[1] \
            == "La question."
    assert split_forwarded("S", "Pas de transfert ici.") == ("S", "Pas de transfert ici.", False)


def test_prudhommes_questions_go_to_the_social_law_jurist() -> None:
    decision = run("Un ancien salarié nous attaque aux prud'hommes pour une clause du contrat "
                   "de prestation, l'audience est en avril.")
    assert decision.specialty == "droit_social" and decision.specialty_override
    assert "prud'hommes → juriste en droit social" in decision.reasons


def test_prudhommes_ticket_is_assigned_to_a_social_law_jurist(app, make) -> None:
    org = make.organisation("EI Bois", kind="EI", region="IDF")
    adherent = make.user("adherent", organisation=org)
    make.user("jurist", specialty="droit_des_affaires")
    social = make.user("jurist", specialty="droit_social")
    ticket = tickets.open_ticket(
        adherent, subject="Clause de non-concurrence",
        body="Une ancienne gérante nous attaque aux prud'hommes sur la propriété intellectuelle "
             "de nos modèles de meubles, l'audience est en avril.", now=NOW)
    assert ticket.triage["specialty_override"] is True
    assert ticket.assignee == social


# --- WhatsApp bursts ------------------------------------------------------------------------


def test_a_whatsapp_burst_is_triaged_again_when_merged(app, make) -> None:
    org = make.organisation("ACI Les Jardins", kind="ACI", region="IDF",
                            phone_numbers=["+33 7 56 12 34 56"])
    make.user("adherent", organisation=org, phone="06 12 34 56 78")
    make.user("jurist", specialty="droit_social")
    fragments = ["Bonjour", "un gars est tombé de l'échafaudage", "il est hospitalisé"]
    for number, text in enumerate(fragments):
        result = ingest_whatsapp(whatsapp_form(f"SM{number}", text),
                                 now=NOW + timedelta(minutes=number))
    ticket = db.session.scalars(select(Ticket).where(Ticket.reference == result.reference)).one()
    assert ticket.priority == Priority.URGENT
    assert ticket.urgent_case == "accident_du_travail"
    assert "fragments WhatsApp" in json.dumps(ticket.triage, ensure_ascii=False) or any(
        "fragments WhatsApp" in str(vars(event)) for event in ticket.events)


# --- train and evaluate -------------------------------------------------------------------


TINY = {"examples": [
    {"id": "A", "text": "Un salarié s'est blessé au bras ce matin sur le chantier.",
     "urgency": "urgent", "urgent_case": "accident_du_travail", "topic": "sante_securite",
     "level": "expert"},
    {"id": "B", "text": "Avez-vous un modèle de CDI inclusion ?", "urgency": "normal",
     "urgent_case": None, "topic": "cdi_inclusion", "level": "first_level"},
    {"id": "C", "text": "L'inspection vient demain.", "urgency": "urgent",
     "urgent_case": "echeance_proche", "received_at": "2026-12-03T09:00:00"},
]}


def test_train_stores_a_versioned_model_and_evaluate_prints_the_figures(app, tmp_path,
                                                                        monkeypatch) -> None:
    path = tmp_path / "instance" / "triage-model.joblib"
    monkeypatch.setitem(app.config, "TRIAGE_MODEL_PATH", str(path))
    monkeypatch.setattr(learned, "SHIPPED", tmp_path / "tiny.yaml")
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(TINY, allow_unicode=True))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["triage", "train", "--folds", "0"])
    assert result.exit_code == 0, result.output
    assert "3 exemples" in result.output and path.exists()
    model = learned.load(path)
    assert model.version == learned.FORMAT_VERSION and model.counts["total"] == 3
    assert model.trained_at and model.counts["shipped"] == 3
    result = runner.invoke(args=["triage", "evaluate", str(tmp_path / "tiny.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["questions"] == 3 and figures["urgency_recall"] == 1.0
    assert set(figures) >= {"urgency_precision", "topic_accuracy", "level_accuracy",
                            "urgent_case_accuracy"}
    text = runner.invoke(args=["triage", "evaluate", str(tmp_path / "tiny.yaml")]).output
    assert "urgence — rappel : 1.000" in text


def test_the_model_raises_urgency_with_its_probability_as_the_cue() -> None:
    examples = [learned.Labelled("le camion a heurté le salarié", "accident_du_travail")] * 4 + [
        learned.Labelled("modèle de contrat de travail", "normal")] * 4
    model = learned.fit(examples, now=THURSDAY, threshold=0.5)
    decision = run("le camion a heurté le salarié", model=model)
    assert decision.urgent_case == "accident_du_travail"
    assert any("modèle appris (p=" in r for r in decision.reasons)
    assert not run("modèle de contrat de travail", model=model).urgent


def test_triage_json_keeps_its_keys(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["triage", "--json", "--text", "L'inspection du travail vient demain."])
    data = json.loads(result.output)
    assert {"topic", "level", "urgent", "urgent_case", "reasons"} <= set(data)


def test_staff_corrections_become_labelled_examples(app, make) -> None:
    from legaldesk.tickets.moves import set_urgency

    org = make.organisation("EI Bois", kind="EI", region="IDF")
    adherent = make.user("adherent", organisation=org)
    manager = make.user("manager")
    ticket = tickets.open_ticket(adherent, subject="Question",
                                 body="Le camion a heurté Paul sur le parking.", now=NOW)
    assert tickets.triage_training_examples() == []
    set_urgency(manager, ticket, True, "heurté par un camion", now=NOW)
    rows = tickets.triage_training_examples()
    assert len(rows) == 1 and rows[0]["urgent"] is True
    assert "heurté Paul" in rows[0]["text"] and rows[0]["urgent_case"] == "echeance_proche"
