"""Ticket pages: ask, follow, answer, queues and staff logging (thin callers of services)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from legaldesk.auth.models import Organisation, Role, User
from legaldesk.core.errors import LegalDeskError, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.web import commit_or_flash, now, roles_required
from legaldesk.notify import inapp
from legaldesk.tickets import access, campaigns, moves, queues, services
from legaldesk.tickets.attachments import attachment_path
from legaldesk.tickets.forms import (
    AskForm,
    AssignForm,
    BreakGlassForm,
    CampaignAnswerForm,
    CampaignForm,
    CampaignTagForm,
    ClassifyForm,
    LogCallForm,
    MessageForm,
    ReasonForm,
    StatusForm,
    UrgencyForm,
)
from legaldesk.tickets.models import ALLOWED_STATUS_CHOICES, Ticket, Topic

bp = Blueprint("tickets", __name__)


@bp.route("/")
@login_required
def home():
    """Send each role to its natural starting page."""
    if current_user.role == Role.DELEGATE:
        return redirect(url_for("tickets.queue", name="delegation"))
    if current_user.role in {Role.JURIST, Role.MANAGER}:
        return redirect(url_for("tickets.queue", name="national"))
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.index"))
    return redirect(url_for("tickets.mine"))


@bp.route("/tickets")
@login_required
def mine():
    """An adherent's organisation tickets (a staff member's own requests)."""
    return render_template("tickets/mine.html", tickets=queues.list_own_tickets(current_user))


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def new():
    """Ask a question, with optional topic, attachments and an urgent call-back request."""
    form = AskForm()
    form.topic.choices = _topic_choices(optional=True)
    if form.validate_on_submit():
        try:
            ticket = services.open_ticket(
                current_user, subject=form.subject.data, body=form.body.data, now=now(),
                topic=_topic(form.topic.data),
            )
            errors = services.attach_files(current_user, ticket, _uploads(form.files), now=now(),
                                           message=ticket.messages[0])
            if form.callback.data:
                moves.request_callback(current_user, ticket, "", now=now())
            from legaldesk.kb.deflection import record_ask_submitted  # deflection: asked anyway
            record_ask_submitted(current_user, request.form.get("kb_session"), ticket, now=now())
            db.session.commit()
        except LegalDeskError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("tickets/new.html", form=form), exc.status_code
        _flash_file_errors(errors)
        flash(_("Votre demande %(ref)s est enregistrée.", ref=ticket.reference), "success")
        return redirect(url_for("tickets.show", reference=ticket.reference))
    return render_template("tickets/new.html", form=form)


@bp.route("/tickets/<reference>")
@login_required
def show(reference: str):
    """A ticket with its thread; staff also see internal notes, history and action forms.

    Opening it marks the viewer's notifications about it read. Someone who may only know of
    the ticket (metadata viewers) gets its metadata page, with the break-glass form for admins;
    everyone else gets 404.
    """
    try:
        ticket = access.read_ticket(current_user, reference, now=now())
    except NotFound:
        return _metadata_page(access.get_ticket_metadata(current_user, reference))
    audited = access.audit_confidential_read(current_user, ticket, now=now())
    if inapp.mark_ticket_read(current_user, ticket.id, now=now()) or audited:
        db.session.commit()
    read_only = access.is_read_only(current_user, ticket, now=now())
    forms = _staff_forms(ticket) if current_user.is_staff and not read_only else {}
    return render_template(
        "tickets/show.html", ticket=ticket, forms=forms, message_form=MessageForm(),
        reason_form=ReasonForm(), messages=access.public_messages(current_user, ticket),
        campaigns=_active_campaigns() if current_user.is_staff else [],
        read_only=read_only,
        break_glass=access.active_break_glass(current_user, ticket, now=now()) if read_only
        else None,
        local_tz=ZoneInfo(ticket.organisation.effective_timezone if ticket.organisation
                          else "Europe/Paris"),
    )


def _metadata_page(metadata: access.TicketMetadata):
    form = BreakGlassForm() if current_user.role == Role.ADMIN and metadata.confidential \
        else None
    return render_template("tickets/metadata.html", ticket=metadata, break_glass_form=form)


@bp.route("/tickets/<reference>/break-glass", methods=["POST"])
@roles_required()
def break_glass(reference: str):
    """An admin reads a confidential ticket for a limited time, with a reason (audited)."""
    access.get_ticket_metadata(current_user, reference)  # 404 unless seen as metadata only
    form = BreakGlassForm()
    if not form.validate_on_submit():
        flash(_("Indiquez le motif de l'accès exceptionnel."), "error")
        return redirect(url_for("tickets.show", reference=reference))
    minutes = current_app.config["BREAK_GLASS_MINUTES"]
    return commit_or_flash(
        lambda: access.break_glass_ticket(current_user, reference, form.reason.data, now=now()),
        _("Accès exceptionnel ouvert pour %(minutes)s minutes, en lecture seule ; il est "
          "enregistré dans le journal d'audit.", minutes=minutes),
        url_for("tickets.show", reference=reference))


def _staff_forms(ticket) -> dict:
    status_form = StatusForm(status=ticket.status)
    status_form.status.choices = ALLOWED_STATUS_CHOICES
    assign_form = AssignForm(assignee=str(ticket.assignee_id or ""))
    assign_form.assignee.choices = [("", _("— personne —"))] + [
        (str(u.id), u.name) for u in access.assignable_staff(ticket)]
    classify = ClassifyForm(topic=ticket.topic.code if ticket.topic else "", level=ticket.level,
                            priority=ticket.priority, confidential=ticket.confidential)
    classify.topic.choices = _topic_choices(optional=True)
    return {"status": status_form, "assign": assign_form, "classify": classify}


@bp.route("/tickets/<reference>/reply", methods=["POST"])
@login_required
def reply(reference: str):
    """The requester writes again (with attachments)."""
    ticket = access.get_ticket(current_user, reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return _invalid(ticket)

    def action():
        message = services.add_requester_reply(current_user, ticket, form.body.data, now=now())
        _flash_file_errors(services.attach_files(current_user, ticket, _uploads(form.files),
                                                 now=now(), message=message))
    return commit_or_flash(action, _("Message envoyé."), _back(ticket))


@bp.route("/tickets/<reference>/answer", methods=["POST"])
@login_required
def answer(reference: str):
    """Staff answer the requester."""
    ticket = access.get_ticket(current_user, reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return _invalid(ticket)

    def action():
        message = services.record_answer(current_user, ticket, form.body.data, now=now(),
                                         status=form.status.data or "answered")
        _flash_file_errors(services.attach_files(current_user, ticket, _uploads(form.files),
                                                 now=now(), message=message))
    return commit_or_flash(action, _("Réponse envoyée au demandeur."), _back(ticket))


@bp.route("/tickets/<reference>/note", methods=["POST"])
@login_required
def note(reference: str):
    """Staff add an internal note."""
    ticket = access.get_ticket(current_user, reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return _invalid(ticket)

    def action():
        message = services.add_internal_note(current_user, ticket, form.body.data, now=now())
        _flash_file_errors(services.attach_files(current_user, ticket, _uploads(form.files),
                                                 now=now(), message=message))
    return commit_or_flash(action, _("Note interne ajoutée."), _back(ticket))


@bp.route("/tickets/<reference>/<action_name>", methods=["POST"])
@login_required
def act(reference: str, action_name: str):
    """Claim, assign, status, escalate, de-escalate, classify, close, reopen, call back."""
    ticket = access.get_ticket(current_user, reference)
    handler = _ACTIONS.get(action_name)
    if handler is None:
        abort(404)
    form_class, message, call = handler
    form = form_class()
    if form_class is StatusForm:
        form.status.choices = ALLOWED_STATUS_CHOICES
    if form_class is CampaignTagForm:
        form.campaign.choices = [("", "")] + [(c.code, c.label) for c in _active_campaigns()]
    if form_class is AssignForm:
        form.assignee.choices = [("", "")] + [(str(u.id), u.name) for u in
                                             access.assignable_staff(ticket)]
    if not form.validate_on_submit():
        return _invalid(ticket)
    return commit_or_flash(lambda: call(ticket, form), str(message), _back(ticket))


def _assignee(form):
    return db.session.get(User, int(form.assignee.data)) if form.assignee.data else None


_ACTIONS = {
    "claim": (ReasonForm, _l("Demande prise en charge."),
              lambda t, f: moves.claim_ticket(current_user, t, now=now())),
    "assign": (AssignForm, _l("Attribution enregistrée."),
               lambda t, f: moves.assign_ticket(current_user, t, _assignee(f), now=now())),
    "status": (StatusForm, _l("Statut mis à jour."),
               lambda t, f: services.set_status(current_user, t, f.status.data, now=now())),
    "escalate": (ReasonForm, _l("Demande transmise aux juristes."),
                 lambda t, f: moves.escalate_ticket(current_user, t, f.reason.data,
                                                       now=now())),
    "deescalate": (ReasonForm, _l("Demande renvoyée à la délégation."),
                   lambda t, f: moves.deescalate_ticket(current_user, t, f.reason.data,
                                                           now=now())),
    "classify": (ClassifyForm, _l("Classement mis à jour."),
                 lambda t, f: moves.classify_ticket(
                     current_user, t, now=now(), topic=_topic(f.topic.data),
                     level=f.level.data, priority=f.priority.data,
                     confidential=f.confidential.data, reason=f.reason.data)),
    "close": (ReasonForm, _l("Demande close."),
              lambda t, f: services.close_ticket(current_user, t, now=now())),
    "reopen": (ReasonForm, _l("Demande rouverte."),
               lambda t, f: services.reopen_ticket(current_user, t, now=now(),
                                                   reason=f.reason.data)),
    "urgency": (UrgencyForm, _l("Urgence mise à jour."),
                lambda t, f: moves.set_urgency(current_user, t, f.urgent.data == "1",
                                                  f.reason.data, now=now())),
    "campaign": (CampaignTagForm, _l("Campagne mise à jour."),
                 lambda t, f: campaigns.tag_tickets(current_user, [t.reference],
                                                    f.campaign.data or None, now=now())),
    "callback": (ReasonForm, _l("Demande de rappel transmise à l'équipe juridique."),
                 lambda t, f: moves.request_callback(current_user, t, f.reason.data,
                                                        now=now())),
}


@bp.route("/tickets/<reference>/attachments/<int:attachment_id>")
@login_required
def attachment(reference: str, attachment_id: int):
    """Download an attachment of a readable ticket (break glass included, audited)."""
    ticket = access.read_ticket(current_user, reference, now=now())
    item = access.get_attachment(current_user, ticket, attachment_id)
    if access.audit_confidential_read(current_user, ticket, now=now(), attachment=item):
        db.session.commit()
    return send_file(attachment_path(item.sha256), mimetype=item.content_type,
                     as_attachment=True, download_name=item.filename)


@bp.route("/queue/<name>")
@roles_required("delegate", "jurist", "manager")
def queue(name: str):
    """The delegation or national queue with filters."""
    if name not in ("delegation", "national"):
        abort(404)
    filters = _filters_from_args()
    page = max(request.args.get("page", 1, type=int), 1)
    size = 50
    tickets, total = queues.list_queue(current_user, name, filters, now=now(), limit=size,
                                         offset=(page - 1) * size)
    return render_template("tickets/queue.html", name=name, tickets=tickets, total=total,
                           unread=inapp.unread_ticket_ids(current_user, [t.id for t in tickets
                                                                      if isinstance(t, Ticket)]),
                           page=page, size=size, filters=filters, topics=_topic_choices(),
                           regions=_region_choices(), now=now(),
                           staff=_staff_choices(), page_url=_page_url(name))


def _page_url(name: str):
    args = {k: v for k, v in request.args.items() if k != "page"}
    return lambda number: url_for("tickets.queue", name=name, page=number, **args)


def _filters_from_args() -> queues.QueueFilters:
    args = request.args
    return queues.QueueFilters(
        status=args.get("status", ""), level=args.get("level", ""),
        priority=args.get("priority", ""), topic=args.get("topic", ""),
        region=args.get("region", ""), channel=args.get("channel", ""),
        assignee=args.get("assignee", ""), min_age_days=args.get("age", type=int),
        only_open=args.get("all") != "1",
        sort="received" if args.get("sort") == "received" else "due",
    )


@bp.route("/staff/log", methods=["GET", "POST"])
@roles_required("delegate", "jurist", "manager")
def log_call():
    """Staff log a phone call or webinar question with its real receipt time."""
    form = LogCallForm()
    form.organisation.choices = _organisation_choices()
    form.topic.choices = _topic_choices(optional=True)
    form.requester.choices = [("", _("— la structure —"))] + _member_choices()
    if form.validate_on_submit():
        try:
            ticket = _log_from_form(form)
            db.session.commit()
        except LegalDeskError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("tickets/log_call.html", form=form), exc.status_code
        flash(_("Demande %(ref)s enregistrée.", ref=ticket.reference), "success")
        return redirect(url_for("tickets.show", reference=ticket.reference))
    return render_template("tickets/log_call.html", form=form)


def _log_from_form(form: LogCallForm):
    organisation = db.session.get(Organisation, int(form.organisation.data))
    if organisation is None:
        abort(400)
    local = form.received_at.data.replace(tzinfo=ZoneInfo(organisation.effective_timezone))
    requester = db.session.get(User, int(form.requester.data)) if form.requester.data else None
    return services.open_ticket(
        current_user, subject=form.subject.data, body=form.body.data, now=now(),
        organisation=organisation, requester=requester, channel=form.channel.data,
        received_at=local, topic=_topic(form.topic.data),
        priority="urgent" if form.urgent.data else None,
    )


# --- small helpers ------------------------------------------------------------------------


def _topic(code: str | None):
    if not code:
        return None
    return db.session.scalar(select(Topic).where(Topic.code == code))


def _topic_choices(optional: bool = False) -> list[tuple[str, str]]:
    topics = db.session.scalars(select(Topic).where(Topic.active.is_(True))
                                .order_by(Topic.label_fr))
    label = (lambda t: t.label_en or t.label_fr) if _english() else (lambda t: t.label_fr)
    choices = [(t.code, label(t)) for t in topics]
    return ([("", _("— je ne sais pas —"))] + choices) if optional else choices


def _english() -> bool:
    return current_user.is_authenticated and current_user.locale == "en"


def _region_choices():
    from legaldesk.auth.models import Region
    return [(r.code, r.name) for r in db.session.scalars(select(Region).order_by(Region.name))]


def _organisation_choices():
    query = select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
    if current_user.role == Role.DELEGATE:
        query = query.where(Organisation.region_id == current_user.region_id)
    return [(str(o.id), o.name) for o in db.session.scalars(query)]


def _member_choices():
    query = select(User).where(User.role == Role.ADHERENT, User.active.is_(True))
    if current_user.role == Role.DELEGATE:
        query = query.join(Organisation, User.organisation_id == Organisation.id).where(
            Organisation.region_id == current_user.region_id)
    return [(str(u.id), f"{u.name} ({u.organisation.name})")
            for u in db.session.scalars(query.order_by(User.name))]


def _staff_choices():
    users = db.session.scalars(select(User).where(
        User.role.in_([Role.DELEGATE, Role.JURIST, Role.MANAGER]), User.active.is_(True))
        .order_by(User.name))
    return [(str(u.id), u.name) for u in users]


def _uploads(field) -> list[services.UploadedFile]:
    return [services.UploadedFile(f.filename, f.mimetype, f.read())
            for f in (field.data or []) if getattr(f, "filename", "")]


def _flash_file_errors(errors: list[str]) -> None:
    for error in errors:
        flash(_("Pièce jointe refusée : %(error)s (le texte est bien enregistré).", error=error),
              "error")


def _back(ticket) -> str:
    return url_for("tickets.show", reference=ticket.reference)


def _invalid(ticket):
    flash(_("Formulaire incomplet : vérifiez les champs."), "error")
    return redirect(_back(ticket))


def _active_campaigns():
    from legaldesk.tickets.models import Campaign
    return db.session.scalars(select(Campaign).where(Campaign.active.is_(True))
                              .order_by(Campaign.label)).all()


@bp.route("/campaigns", methods=["GET", "POST"])
@roles_required("delegate", "jurist", "manager")
def campaign_list():
    """Campaigns with their open-ticket counts; jurists and managers create them."""
    form = CampaignForm()
    if form.validate_on_submit():
        return commit_or_flash(lambda: campaigns.save_campaign(
            current_user, form.code.data, label=form.label.data,
            keywords=form.keywords.data.splitlines(), canned_answer=form.canned_answer.data,
            note_url=form.note_url.data), _("Campagne enregistrée."),
            url_for("tickets.campaign_list"))
    rows = [(c, len(campaigns.campaign_tickets(current_user, c.code)))
            for c in _active_campaigns()]
    return render_template("tickets/campaigns.html", rows=rows, form=form)


@bp.route("/campaigns/<code>", methods=["GET", "POST"])
@roles_required("delegate", "jurist", "manager")
def campaign(code: str):
    """A campaign's open tickets; answer the selected ones in one action."""
    item = campaigns.get_campaign(code)
    form = CampaignAnswerForm(body=item.canned_answer)
    if form.validate_on_submit():
        selected = request.form.getlist("references")
        return commit_or_flash(lambda: campaigns.answer_campaign(
            current_user, code, selected, form.body.data, now=now()),
            _("Réponse envoyée à chaque demandeur sur son canal."),
            url_for("tickets.campaign", code=code))
    return render_template("tickets/campaign.html", campaign=item, form=form,
                           tickets=campaigns.campaign_tickets(current_user, code))
