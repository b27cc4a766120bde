"""Ticket forms (CSRF-protected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from legaldesk.core.validation import HttpUrl


class AskForm(FlaskForm):
    """An adherent's question."""

    subject = StringField(_l("Objet"), validators=[DataRequired(), Length(max=250)])
    body = TextAreaField(_l("Votre question"), validators=[DataRequired(), Length(max=50000)])
    topic = SelectField(_l("Thème (facultatif)"), choices=[], validate_choice=False)
    files = MultipleFileField(_l("Pièces jointes"))
    callback = BooleanField(_l("C'est urgent : je souhaite être rappelé(e)"))


class LogCallForm(FlaskForm):
    """Staff log a phone call or a webinar question on behalf of an organisation."""

    organisation = SelectField(_l("Structure"), choices=[], validate_choice=False,
                               validators=[DataRequired()])
    requester = SelectField(_l("Demandeur"), choices=[], validate_choice=False)
    channel = SelectField(_l("Canal"), choices=[("phone", _l("Téléphone")),
                                                  ("webinar", _l("Webinaire"))])
    received_at = DateTimeLocalField(_l("Reçue le (heure locale de la structure)"),
                                     format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    subject = StringField(_l("Objet"), validators=[DataRequired(), Length(max=250)])
    body = TextAreaField(_l("Question"), validators=[DataRequired()])
    topic = SelectField(_l("Thème"), choices=[], validate_choice=False)
    urgent = BooleanField(_l("Urgent"))


class MessageForm(FlaskForm):
    """A reply, an answer or an internal note."""

    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=50000)])
    files = MultipleFileField(_l("Pièces jointes"))
    status = SelectField(_l("Statut après envoi"), choices=[
        ("answered", _l("Répondu")), ("waiting_on_requester", _l("En attente du demandeur")),
        ("in_progress", _l("En cours"))], validators=[Optional()])


class ReasonForm(FlaskForm):
    """An action that needs a reason (escalate, de-escalate, reopen, call back)."""

    reason = TextAreaField(_l("Motif"), validators=[Length(max=2000)])


class BreakGlassForm(FlaskForm):
    """An admin's reason for reading a confidential ticket (mandatory, audited)."""

    reason = TextAreaField(_l("Motif de l'accès exceptionnel"),
                           validators=[DataRequired(), Length(max=2000)])


class StatusForm(FlaskForm):
    """Set a ticket's status."""

    status = SelectField(_l("Statut"), choices=[])


class AssignForm(FlaskForm):
    """Assign to a staff member."""

    assignee = SelectField(_l("Attribuer à"), choices=[], validate_choice=False)


class ClassifyForm(FlaskForm):
    """Correct topic, level, priority and confidentiality."""

    topic = SelectField(_l("Thème"), choices=[], validate_choice=False)
    level = SelectField(_l("Niveau"), choices=[("first_level", _l("Premier niveau")),
                                              ("expert", _l("Expert"))])
    priority = SelectField(_l("Priorité"), choices=[("normal", _l("Normale")),
                                                   ("urgent", _l("Urgente"))])
    confidential = BooleanField(_l("Confidentiel"))
    reason = StringField(_l("Motif de la correction"), validators=[Length(max=500)])


class UrgencyForm(FlaskForm):
    """Raise ("1") or clear ("0") urgency with a reason."""

    urgent = StringField()
    reason = TextAreaField(_l("Motif"), validators=[DataRequired(), Length(max=2000)])


class CampaignTagForm(FlaskForm):
    """Tag a ticket with a campaign (empty = untag)."""

    campaign = SelectField(_l("Campagne"), choices=[], validate_choice=False)


class CampaignForm(FlaskForm):
    """Create or update a campaign."""

    code = StringField(_l("Code (ex. fin-pass-iae-2023)"), validators=[DataRequired(),
                                                                         Length(max=64)])
    label = StringField(_l("Libellé"), validators=[DataRequired(), Length(max=200)])
    keywords = TextAreaField(_l("Expressions déclenchantes (une par ligne)"))
    canned_answer = TextAreaField(_l("Réponse type"))
    note_url = StringField(_l("Lien vers la fiche de référence"),
                           validators=[Optional(), Length(max=500), HttpUrl()])


class CampaignAnswerForm(FlaskForm):
    """One answer for the selected tickets of a campaign."""

    body = TextAreaField(_l("Réponse"), validators=[DataRequired(), Length(max=50000)])
