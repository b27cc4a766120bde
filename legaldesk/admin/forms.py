"""Administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class UserForm(FlaskForm):
    """Create or edit a user."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired()])
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Rôle"), choices=[])
    organisation = SelectField(_l("Structure (adhérents)"), choices=[], validate_choice=False)
    region = SelectField(_l("Délégation (délégués)"), choices=[], validate_choice=False)
    specialty = SelectField(_l("Spécialité (juristes)"), choices=[], validate_choice=False)
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Langue"), choices=[("fr", "Français"), ("en", "English")])
    active = BooleanField(_l("Actif"), default=True)


class NewUserForm(UserForm):
    """Create a user: no password typed by the admin, an e-mailed invitation instead."""

    send_invitation = BooleanField(
        _l("Envoyer une invitation par e-mail (lien pour choisir son mot de passe)"),
        default=True)


class OrganisationForm(FlaskForm):
    """Create or edit an organisation."""

    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Type"), choices=[])
    region = SelectField(_l("Délégation"), choices=[], validate_choice=False)
    territory = StringField(_l("Territoire"), validators=[Optional(), Length(max=64)])
    email_domains = StringField(_l("Domaines e-mail (séparés par des virgules)"))
    phone_numbers = StringField(_l("Numéros de téléphone (séparés par des virgules)"))
    parent = SelectField(_l("Structure mère (GES)"), choices=[], validate_choice=False)
    active = BooleanField(_l("Active"), default=True)


class RegionForm(FlaskForm):
    """Edit a delegation."""

    name = StringField(_l("Nom"), validators=[DataRequired()])
    aliases = StringField(_l("Autres graphies (séparées par des virgules)"))
    timezone = StringField(_l("Fuseau horaire"), validators=[DataRequired()])
    holidays_subdiv = StringField(_l("Subdivision des jours fériés"))
    active = BooleanField(_l("Active"))


class TopicForm(FlaskForm):
    """Create or edit a topic and its triage keywords."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=48)])
    label_fr = StringField(_l("Libellé (français)"), validators=[DataRequired()])
    label_en = StringField(_l("Libellé (anglais)"))
    default_level = SelectField(_l("Niveau par défaut"), choices=[
        ("first_level", _l("Premier niveau")), ("expert", _l("Expert"))])
    specialty = SelectField(_l("Spécialité"), choices=[
        ("", "—"), ("droit_social", _l("Droit social")),
        ("droit_des_affaires", _l("Droit des affaires"))])
    keywords = TextAreaField(_l("Mots-clés (un par ligne : expression = poids)"))
    active = BooleanField(_l("Actif"), default=True)
