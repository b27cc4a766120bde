"""The register of processing activities (GDPR art. 30), generated from the retention settings."""

from __future__ import annotations

from dataclasses import dataclass

from legaldesk.privacy.retention import KIND_BY_CODE, retention_days


@dataclass(frozen=True)
class Activity:
    """One processing activity as the register lists it."""

    name: str
    purpose: str
    people: str
    data: str
    recipients: str
    retention: str


def _period(code: str, days: dict[str, int]) -> str:
    kind = KIND_BY_CODE[code]
    return f"{days[code]} jours {kind.starts} ({kind.label.lower()})"


def processing_activities() -> list[Activity]:
    """The desk's processing activities, with the retention periods in force."""
    days = retention_days()
    return [
        Activity(
            "Réponse aux questions juridiques des structures adhérentes",
            "Instruire et répondre aux demandes (web, e-mail, téléphone, WhatsApp, webinaires)",
            "Salariés et dirigeants des structures adhérentes ; personnes citées dans les "
            "questions (salariés en parcours, victimes, témoins)",
            "Identité et coordonnées du demandeur ; texte des questions, pouvant contenir des "
            "données de santé, d'origine, de vie sexuelle (art. 9) ou d'infractions (art. 10) ; "
            "pièces jointes",
            "Juristes, délégués et managers de la fédération, selon le besoin d'en connaître",
            "; ".join([_period("closed_ticket_content", days), _period("raw_inbound", days)])),
        Activity(
            "Contacts extérieurs sans compte",
            "Répondre aux personnes qui écrivent sans compte (partenaires, services de l'État)",
            "Contacts extérieurs", "Nom, e-mail, téléphone",
            "Équipe du service juridique", _period("contacts", days)),
        Activity(
            "Notifications envoyées",
            "Informer les demandeurs et l'équipe (e-mail, WhatsApp)",
            "Demandeurs et équipe", "Destinataire, objet et texte du message",
            "Prestataires d'envoi (SMTP, Twilio)", _period("outbox", days)),
        Activity(
            "Journal d'audit",
            "Tracer les lectures confidentielles, exports, effacements et changements",
            "Équipe et administrateurs", "Auteur, action, objet, date, origine",
            "Managers", _period("audit_log", days)),
        Activity(
            "Base de connaissances",
            "Publier des fiches anonymisées tirées des réponses",
            "Aucune après relecture (les noms détectés empêchent la publication)",
            "Texte anonymisé", "Adhérents, public selon la fiche", "Jusqu'à l'archivage"),
    ]
