"""French-first display labels for enum values, exposed to templates."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

STATUS = {
    "new": _l("Nouvelle"), "assigned": _l("Attribuée"), "in_progress": _l("En cours"),
    "waiting_on_requester": _l("En attente du demandeur"), "answered": _l("Répondue"),
    "closed": _l("Close"), "reopened": _l("Rouverte"),
}
LEVEL = {"first_level": _l("Premier niveau"), "expert": _l("Expert")}
PRIORITY = {"normal": _l("Normale"), "urgent": _l("Urgente")}
CHANNEL = {"web": _l("Portail"), "email": _l("E-mail"), "phone": _l("Téléphone"),
           "whatsapp": _l("WhatsApp"), "webinar": _l("Webinaire"), "import": _l("Import")}
CLOCK_KIND = {"calendar": _l("Heures calendaires"), "business": _l("Heures ouvrées")}
#: The urgent case kinds detected by triage (tickets.vocabulary.URGENT_CASES + a near deadline).
URGENT_CASE = {
    "accident_du_travail": _l("accident du travail"),
    "agression_sexuelle": _l("agression sexuelle"),
    "discours_xenophobe": _l("discours xénophobe"),
    "redressement_judiciaire": _l("redressement judiciaire"),
    "liquidation_judiciaire": _l("liquidation judiciaire"),
    "echeance_proche": _l("échéance proche"),
}
QUEUE = {"delegation": _l("File de la délégation"), "national": _l("File nationale")}
ROLE = {"adherent": _l("Adhérent"), "delegate": _l("Délégué(e)"), "jurist": _l("Juriste"),
        "manager": _l("Responsable du pôle"), "admin": _l("Administrateur")}
SPECIALTY = {"droit_social": _l("Droit social"), "droit_des_affaires": _l("Droit des affaires")}
# The urgent case types found by triage (the five report cases and a near deadline).
URGENT_CASE = {
    "accident_du_travail": _l("accident du travail"),
    "agression_sexuelle": _l("agression sexuelle"),
    "discours_xenophobe": _l("propos racistes ou xénophobes"),
    "redressement_judiciaire": _l("redressement judiciaire"),
    "liquidation_judiciaire": _l("liquidation judiciaire"),
    "echeance_proche": _l("échéance proche"),
}
EVENT = {
    "created": _l("Création"), "status": _l("Statut"), "assignee": _l("Attribution"),
    "level": _l("Niveau"), "queue": _l("File"), "priority": _l("Priorité"), "topic": _l("Thème"),
    "confidential": _l("Confidentialité"), "escalated": _l("Escalade vers les juristes"),
    "deescalated": _l("Renvoi à la délégation"), "callback_requested": _l("Demande de rappel"),
    "attachment_added": _l("Pièce jointe"), "message_inbound": _l("Message du demandeur"),
    "message_outbound": _l("Réponse"), "message_internal": _l("Note interne"),
    "sender_unverified": _l("Expéditeur non vérifié"),
}
NOTIFICATION_KIND = {
    "requester_reply": _l("Nouveau message du demandeur"), "reopened": _l("Demande rouverte"),
    "escalated": _l("Demande transmise aux juristes"),
    "assigned": _l("Demande qui vous est attribuée"),
    "mentioned": _l("Vous êtes mentionné(e) dans une note interne"),
    "callback_requested": _l("Rappel urgent demandé"),
}
EMAIL_PREFERENCE = {
    "immediate": _l("Un e-mail à chaque notification"),
    "digest": _l("Un récapitulatif quotidien des notifications non lues"),
    "none": _l("Pas d'e-mail : seulement dans legaldesk"),
}

AUDIT_ACTION = {
    "ticket.read_confidential": _l("Lecture d'une demande confidentielle"),
    "ticket.break_glass": _l("Accès exceptionnel (bris de glace)"),
    "attachment.read_confidential": _l("Pièce jointe d'une demande confidentielle"),
    "export.sla_csv": _l("Export des délais (CSV)"),
    "export.tickets_csv": _l("Export de la liste des demandes (CSV)"),
    "export.annual_report": _l("Chiffres clés annuels"),
    "export.audit_log": _l("Export du journal d'audit"),
    "export.personal_data": _l("Export des données d'une personne"),
    "admin.user_created": _l("Compte créé"), "admin.user_changed": _l("Compte modifié"),
    "admin.sessions_revoked": _l("Sessions fermées partout"),
    "admin.organisation_saved": _l("Structure enregistrée"),
    "admin.region_saved": _l("Délégation enregistrée"), "admin.topic_saved": _l("Thème enregistré"),
    "admin.policy_saved": _l("Délai cible enregistré"),
    "admin.oncall_saved": _l("Astreinte enregistrée"),
    "privacy.retention_applied": _l("Durées de conservation appliquées"),
    "privacy.person_exported": _l("Données d'une personne exportées"),
    "privacy.person_erased": _l("Données d'une personne effacées"),
    "admin.settings_saved": _l("Réglages enregistrés"),
}


def french_label(table: dict, code: str | None, default: str = "") -> str:
    """The French label of a code, whoever's locale is in force (for messages sent out)."""
    if code not in table:
        return default
    with force_locale("fr"):
        return str(table[code])


def urgent_case_french(case: str | None) -> str:
    """The French label of an urgent case for alerts ('urgence signalée' when set by hand)."""
    return french_label(URGENT_CASE, case, "urgence signalée")


def urgent_badge(case: str | None) -> str:
    """The urgent badge text: « URGENT · accident du travail » (« URGENT » without a case)."""
    label = URGENT_CASE.get(case) if case else None
    return f"{_l('URGENT')} · {label}" if label is not None else str(_l("URGENT"))


def template_globals() -> dict:
    """Label tables for Jinja."""
    return {"STATUS": STATUS, "LEVEL": LEVEL, "PRIORITY": PRIORITY, "CHANNEL": CHANNEL,
            "QUEUE": QUEUE, "ROLE": ROLE, "SPECIALTY": SPECIALTY, "EVENT": EVENT,
            "AUDIT_ACTION": AUDIT_ACTION, "CLOCK_KIND": CLOCK_KIND, "URGENT_CASE": URGENT_CASE,
            "urgent_badge": urgent_badge}
