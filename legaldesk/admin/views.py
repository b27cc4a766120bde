"""Administration pages: users, organisations, delegations, topics (admins only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from legaldesk.admin.forms import NewUserForm, OrganisationForm, RegionForm, TopicForm, UserForm
from legaldesk.auth import services as auth
from legaldesk.auth.models import ORGANISATION_KINDS, Organisation, Region, Role, Specialty, User
from legaldesk.auth.sessions import end_sessions
from legaldesk.auth.tokens import invite_user, link_base_url
from legaldesk.auth.twofactor import remove_two_factor, two_factor_enabled
from legaldesk.core.errors import LegalDeskError, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.web import commit_or_flash, now, roles_required
from legaldesk.notify.services import queue_link_mail
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Topic

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required("admin")
def index():
    """Lists of users, organisations, delegations and topics."""
    return render_template(
        "admin/index.html", users=auth.list_users(current_user),
        organisations=db.session.scalars(select(Organisation).order_by(Organisation.name)).all(),
        regions=db.session.scalars(select(Region).order_by(Region.name)).all(),
        topics=db.session.scalars(select(Topic).order_by(Topic.code)).all(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def user(user_id: int | None = None):
    """Create (and invite) or edit a user."""
    existing = _get(User, user_id)
    form = UserForm(obj=existing) if existing else NewUserForm()
    if existing and not form.is_submitted():
        form.organisation.data = str(existing.organisation_id or "")
        form.region.data = str(existing.region_id or "")
        form.specialty.data = existing.specialty or ""
    _user_choices(form)
    if form.validate_on_submit():
        return _save(lambda: _save_user(existing, form), "admin/user.html", form, existing)
    return _user_page(form, existing)


def _user_page(form, existing: User | None, status: int = 200):
    has_2fa = existing is not None and two_factor_enabled(existing)
    return render_template("admin/user.html", form=form, item=existing, user_2fa=has_2fa), status


def _save_user(existing: User | None, form: UserForm):
    fields = {
        "name": form.name.data, "role": form.role.data,
        "organisation": _get(Organisation, _int(form.organisation.data)),
        "region": _get(Region, _int(form.region.data)),
        "specialty": form.specialty.data or None, "phone": form.phone.data or None,
        "locale": form.locale.data,
    }
    if existing is None:
        created = auth.create_user(current_user, email=form.email.data, **fields)
        if form.send_invitation.data:
            _invite(created)
        return created
    return auth.update_user(current_user, existing, active=form.active.data, **fields)


@bp.route("/users/<int:user_id>/invite", methods=["POST"])
@roles_required("admin")
def user_invite(user_id: int):
    """E-mail a new invitation link (earlier ones stop working)."""
    existing = _get(User, user_id)
    if existing is None:
        raise NotFound(_("Utilisateur introuvable."))
    return commit_or_flash(lambda: _invite(existing), _("Invitation envoyée."),
                           url_for("admin.user", user_id=existing.id))


def _invite(user: User) -> None:
    mail = invite_user(current_user, user, now=now(),
                       base_url=link_base_url(current_app.config, request.url_root))
    queue_link_mail(mail, now=now())


@bp.route("/users/<int:user_id>/two-factor/remove", methods=["POST"])
@roles_required("admin")
def user_remove_two_factor(user_id: int):
    """Remove a user's second factor (lost phone); they enrol again at next log-in."""
    existing = _get(User, user_id)
    if existing is None:
        raise NotFound(_("Utilisateur introuvable."))
    return commit_or_flash(lambda: remove_two_factor(current_user, existing),
                           _("Double authentification retirée."),
                           url_for("admin.user", user_id=existing.id))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@roles_required("admin")
def end_user_sessions(user_id: int):
    """Log a user out everywhere: every session and remember-me cookie of theirs ends."""
    user = _get(User, user_id)
    if user is None:
        raise NotFound(_("Utilisateur introuvable."))
    return commit_or_flash(
        lambda: end_sessions(current_user, user),
        _("Toutes les sessions de %(name)s sont fermées.", name=user.name),
        url_for("admin.user", user_id=user_id))


def _user_choices(form: UserForm) -> None:
    from legaldesk.core.labels import ROLE, SPECIALTY
    form.role.choices = [(r.value, ROLE[r.value]) for r in Role]
    form.organisation.choices = [("", "—")] + _options(Organisation)
    form.region.choices = [("", "—")] + _options(Region)
    form.specialty.choices = [("", "—")] + [(s.value, SPECIALTY[s.value]) for s in Specialty]


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@roles_required("admin")
def organisation(organisation_id: int | None = None):
    """Create or edit an organisation."""
    existing = _get(Organisation, organisation_id)
    form = OrganisationForm(obj=existing) if existing else OrganisationForm()
    if existing and not form.is_submitted():
        form.region.data = str(existing.region_id or "")
        form.parent.data = str(existing.parent_id or "")
        form.email_domains.data = ", ".join(existing.email_domains or [])
        form.phone_numbers.data = ", ".join(existing.phone_numbers or [])
    form.kind.choices = [(k, k) for k in ORGANISATION_KINDS]
    form.region.choices = [("", "—")] + _options(Region)
    form.parent.choices = [("", "—")] + _options(Organisation)
    if form.validate_on_submit():
        return _save(lambda: _save_organisation(existing, form), "admin/organisation.html",
                     form, existing)
    return render_template("admin/organisation.html", form=form, item=existing)


def _save_organisation(existing: Organisation | None, form: OrganisationForm):
    fields = {
        "name": form.name.data, "kind": form.kind.data,
        "region": _get(Region, _int(form.region.data)), "territory": form.territory.data or None,
        "email_domains": _split(form.email_domains.data),
        "phone_numbers": _split(form.phone_numbers.data),
        "parent": _get(Organisation, _int(form.parent.data)),
    }
    if existing is None:
        return auth.create_organisation(current_user, **fields)
    return auth.update_organisation(current_user, existing, active=form.active.data, **fields)


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@roles_required("admin")
def region(region_id: int):
    """Edit a delegation's name, aliases, time zone and holidays."""
    existing = _get(Region, region_id)
    if existing is None:
        raise NotFound(_("Délégation introuvable."))
    form = RegionForm(obj=existing)
    if not form.is_submitted():
        form.aliases.data = ", ".join(existing.aliases or [])
    if form.validate_on_submit():
        return _save(lambda: auth.update_region(
            current_user, existing, name=form.name.data, timezone=form.timezone.data.strip(),
            holidays_subdiv=form.holidays_subdiv.data.strip(), active=form.active.data,
            aliases=_split(form.aliases.data)), "admin/region.html", form, existing)
    return render_template("admin/region.html", form=form, item=existing)


@bp.route("/topics/new", methods=["GET", "POST"])
@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@roles_required("admin")
def topic(topic_id: int | None = None):
    """Create or edit a topic and its triage keywords."""
    existing = _get(Topic, topic_id)
    form = TopicForm(obj=existing) if existing else TopicForm()
    if existing and not form.is_submitted():
        form.specialty.data = existing.specialty or ""
        form.keywords.data = "\n".join(f"{k} = {v:g}" for k, v in (existing.keywords or {}).items())
    if form.validate_on_submit():
        return _save(lambda: tickets.save_topic(
            current_user, form.code.data, label_fr=form.label_fr.data,
            label_en=form.label_en.data or "", default_level=form.default_level.data,
            specialty=form.specialty.data or None, keywords=parse_keywords(form.keywords.data),
            active=form.active.data), "admin/topic.html", form, existing)
    return render_template("admin/topic.html", form=form, item=existing)


@bp.route("/outbox")
@roles_required("admin")
def outbox():
    """Notifications waiting to leave (pending, failed, dead), with their last error."""
    from legaldesk.notify.services import outbox_overview
    counts, rows = outbox_overview(current_user)  # subjects of confidential tickets masked
    return render_template("admin/outbox.html", counts=counts, rows=rows)


def parse_keywords(text: str | None) -> dict[str, float]:
    """Parse 'expression = weight' lines (weight defaults to 1)."""
    keywords: dict[str, float] = {}
    for line in (text or "").splitlines():
        phrase, _sep, weight = line.partition("=")
        if phrase.strip():
            try:
                keywords[phrase.strip()] = float(weight.strip() or 1)
            except ValueError:
                keywords[phrase.strip()] = 1.0
    return keywords


def _save(action, template: str, form, existing):
    try:
        action()
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render_template(template, form=form, item=existing), exc.status_code
    flash(_("Enregistré."), "success")
    return redirect(url_for("admin.index"))


def _get(model, object_id):
    return db.session.get(model, object_id) if object_id else None


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _options(model) -> list[tuple[str, str]]:
    return [(str(o.id), o.name) for o in db.session.scalars(select(model).order_by(model.name))]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
