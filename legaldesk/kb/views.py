"""Knowledge-base pages: search, notes, editor, revisions, review, deflection JSON, staff panel.

Thin callers of the kb services: each write commits, then applies its index change with a short
lock timeout (a busy index leaves the change queued for the `kb_index_queue` job).
"""

from __future__ import annotations

import html
import logging
import re
import secrets
import threading
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from legaldesk.core.errors import LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.validation import HttpUrl
from legaldesk.core.web import commit_or_flash, now, roles_required
from legaldesk.kb import (
    anonymise,
    deflection,
    index_queue,
    note_attachments,
    note_search,
    permissions,
    services,
    ticket_drafts,
)
from legaldesk.kb.markdown import render_markdown
from legaldesk.kb.models import Audience, BodyFormat, Note, NoteKind, NoteStatus
from legaldesk.tickets import access as ticket_access
from legaldesk.tickets import services as tickets
from legaldesk.tickets.attachments import attachment_path
from legaldesk.tickets.models import Topic

log = logging.getLogger(__name__)
bp = Blueprint("kb", __name__, url_prefix="/kb")

NOTE_STATUS = {"draft": _l("Brouillon"), "in_review": _l("En relecture"),
               "published": _l("Publiée"), "archived": _l("Archivée")}
AUDIENCE = {"public": _l("Tout public"), "members": _l("Adhérents et équipe"),
            "staff": _l("Équipe seulement")}
KIND = {"note": _l("Note"), "fiche": _l("Fiche pratique"), "faq": _l("Question-réponse"),
        "guide": _l("Guide"), "modele": _l("Modèle"), "reference": _l("Texte de référence")}


@bp.app_context_processor
def _labels() -> dict:
    return {"KB_STATUS": NOTE_STATUS, "KB_AUDIENCE": AUDIENCE, "KB_KIND": KIND,
            "kb_topic_label": _topic_label}


def _topic_label(code: str) -> str:
    if "kb_topics" not in g:
        g.kb_topics = {t.code: t.label_fr for t in db.session.scalars(select(Topic))}
    return g.kb_topics.get(code, code)


def _actor():
    return current_user if current_user.is_authenticated else None


def _optional(compute, default=None):
    """Side suggestions (similar notes, deflection) must never break the page that shows them:
    a search-index failure is logged and shows nothing."""
    try:
        return compute()
    except Exception:
        log.exception("knowledge-base suggestions unavailable")
        return [] if default is None else default


# --- forms ------------------------------------------------------------------------------------


class NoteForm(FlaskForm):
    """The note editor."""

    title = StringField(_l("Titre"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Résumé (deux ou trois phrases)"), validators=[Length(max=2000)])
    body_markdown = TextAreaField(_l("Texte (Markdown)"), validators=[Length(max=300000)])
    topics = SelectMultipleField(_l("Thèmes"), choices=[], validate_choice=False)
    tags = StringField(_l("Mots-clés (séparés par des virgules)"), validators=[Length(max=1000)])
    audience = SelectField(_l("Public"), choices=list(AUDIENCE.items()),
                           default=Audience.MEMBERS.value)
    kind = SelectField(_l("Type"), choices=list(KIND.items()), default=NoteKind.NOTE.value)
    valid_as_of = DateField(_l("À jour au"), validators=[Optional()])
    review_by = DateField(_l("À revoir avant le"), validators=[Optional()])
    sources = TextAreaField(_l("Sources (une par ligne : libellé | lien)"),
                            validators=[Length(max=10000)])
    url = StringField(_l("Lien externe"), validators=[Optional(), Length(max=500), HttpUrl()])
    change_summary = StringField(_l("Résumé de la modification"), validators=[Length(max=300)])
    revision = HiddenField()


class ActionForm(FlaskForm):
    """A note status change, with an optional reason or confirmation."""

    reason = TextAreaField(_l("Motif"), validators=[Length(max=2000)])
    confirm = BooleanField(_l("J'ai vérifié : ce ne sont pas des données personnelles"))


class AttachmentForm(FlaskForm):
    """A file for a note."""

    file = FileField(_l("Fichier"), validators=[DataRequired()])


class LinkTicketForm(FlaskForm):
    """Link a source ticket by reference."""

    reference = StringField(_l("Référence de la demande"),
                            validators=[DataRequired(), Length(max=20)])


# --- search -----------------------------------------------------------------------------------


@bp.route("/")
def search():
    """Search with topic and kind filters, facets, pagination and "did you mean"."""
    actor = _actor()
    query = request.args.get("q", "").strip()[:500]
    topics = [t for t in request.args.getlist("topic") if t][:10]
    kinds = [k for k in request.args.getlist("kind") if k][:10]
    page = max(request.args.get("page", 1, type=int), 1)
    unpublished = request.args.get("all") == "1" and permissions.is_writer(actor)
    size = current_app.config["KB_SEARCH_PAGE_SIZE"]
    result = None
    if query:
        result = note_search.search_notes(actor, query, topics=topics, kinds=kinds, page=page,
                                          pagelen=size, include_unpublished=unpublished)
    return render_template(
        "kb/search.html", query=query, topics=topics, kinds=kinds, result=result, page=page,
        unpublished=unpublished, search_url=_search_url, snippet=_safe_snippet,
        latest=[] if query else services.latest_notes(actor),
        drafts=services.my_drafts(actor) if actor and not query else [],
        can_draft=permissions.is_drafter(actor), can_write=permissions.is_writer(actor))


def _search_url(**changes) -> str:
    """The current search URL with some arguments changed (lists toggle a value)."""
    args = {"q": request.args.get("q", ""), "topic": request.args.getlist("topic"),
            "kind": request.args.getlist("kind"), "all": request.args.get("all", "")}
    for key, value in changes.items():
        if key in ("topic", "kind"):
            values = list(args[key])
            args[key] = [v for v in values if v != value] if value in values else values + [value]
            args["page"] = 1
        else:
            args[key] = value
    return url_for("kb.search", **{k: v for k, v in args.items() if v not in ("", [], None)})


def _safe_snippet(snippet: str):
    """The engine's snippet is HTML-escaped text with <mark>; keep only those marks."""
    from markupsafe import Markup

    text = re.sub(r"</?mark>", "\x00", snippet)
    if "<" in text or ">" in text:  # not the expected shape: show it as plain text
        return html.unescape(re.sub(r"<[^>]*>", "", snippet))
    parts = text.split("\x00")
    marked = "".join(f"<mark>{p}</mark>" if i % 2 else p for i, p in enumerate(parts))
    return Markup(marked)


# --- notes ------------------------------------------------------------------------------------


@bp.route("/notes/<int:note_id>")
def note(note_id: int):
    """A note (audience-checked); staff also see its source tickets."""
    actor = _actor()
    item = permissions.get_note(actor, note_id)
    body = (render_markdown(item.body_markdown) if item.body_format == BodyFormat.MARKDOWN
            else item.body_markdown)
    return render_template(
        "kb/note.html", note=item, body=body,
        similar=_optional(lambda: note_search.similar_notes(actor, item))
        if item.status == NoteStatus.PUBLISHED else [],
        source_tickets=ticket_drafts.source_tickets(actor, item),
        can_edit=permissions.can_edit(actor, item), can_write=permissions.is_writer(actor),
        can_draft=permissions.is_drafter(actor), action_form=ActionForm(),
        attachment_form=AttachmentForm(), link_form=LinkTicketForm(),
        findings=services.personal_data_findings(item)
        if permissions.is_writer(actor) and item.status != NoteStatus.PUBLISHED else [],
        kind_labels=anonymise.KIND_LABELS)


@bp.route("/notes/new", methods=["GET", "POST"])
@roles_required("delegate", "jurist", "manager")
def new_note():
    """Write a new note (a draft)."""
    form = _note_form()
    if form.validate_on_submit():
        return _save(lambda: services.create_note(current_user, now=now(), **_form_fields(form),
                                                  change_summary=form.change_summary.data or ""),
                     _("Brouillon enregistré."), form, None)
    return render_template("kb/edit.html", form=form, note=None)


@bp.route("/notes/<int:note_id>/edit", methods=["GET", "POST"])
@roles_required("delegate", "jurist", "manager")
def edit_note(note_id: int):
    """Edit a note; a revision records the change."""
    item = permissions.get_note(current_user, note_id)
    if not permissions.can_edit(current_user, item):
        abort(403)
    form = _note_form(item)
    if form.validate_on_submit():
        expected = int(form.revision.data) if (form.revision.data or "").isdigit() else None
        return _save(lambda: services.update_note(
            current_user, item, now=now(), expected_revision=expected,
            change_summary=form.change_summary.data or "", **_form_fields(form)),
            _("Note enregistrée."), form, item)
    return render_template("kb/edit.html", form=form, note=item)


def _note_form(item: Note | None = None) -> NoteForm:
    if item is not None and request.method == "GET":
        form = NoteForm(obj=item)
        form.tags.data = ", ".join(item.tags or [])
        form.sources.data = "\n".join(
            f"{s['label']} | {s['url']}" if s.get("url") else s["label"] for s in item.sources)
        form.revision.data = str(item.revision_number)
    else:
        form = NoteForm()
    form.topics.choices = [(t.code, t.label_fr) for t in db.session.scalars(
        select(Topic).where(Topic.active.is_(True)).order_by(Topic.label_fr))]
    return form


def _form_fields(form: NoteForm) -> dict:
    return {
        "title": form.title.data, "summary": form.summary.data or "",
        "body_markdown": form.body_markdown.data or "", "topics": form.topics.data or [],
        "tags": [t for t in (form.tags.data or "").split(",")],
        "audience": form.audience.data, "kind": form.kind.data,
        "valid_as_of": form.valid_as_of.data, "review_by": form.review_by.data,
        "sources": services.parse_sources(form.sources.data or ""),
        "url": (form.url.data or "").strip() or None,
    }


def _save(action, success: str, form: NoteForm, item: Note | None):
    try:
        saved = action()
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        if item is not None:
            db.session.refresh(item)
        return render_template("kb/edit.html", form=form, note=item), exc.status_code
    index_queue.apply_after_commit([saved.id], now())
    flash(success, "success")
    return redirect(url_for("kb.note", note_id=saved.id))


_NOTE_ACTIONS = {
    "submit": (_l("Note soumise à relecture."),
               lambda n, f: services.submit_for_review(current_user, n, now=now())),
    "return": (_l("Note renvoyée en brouillon."),
               lambda n, f: services.return_to_draft(current_user, n, now=now(),
                                                     reason=f.reason.data or "")),
    "publish": (_l("Note publiée."),
                lambda n, f: services.publish_note(current_user, n, now=now(),
                                                   confirm_personal_data=bool(f.confirm.data))),
    "archive": (_l("Note archivée."),
                lambda n, f: services.archive_note(current_user, n, now=now(),
                                                   reason=f.reason.data or "")),
    "reopen": (_l("Note remise en brouillon."),
               lambda n, f: services.reopen_note(current_user, n, now=now())),
}


@bp.route("/notes/<int:note_id>/<action_name>", methods=["POST"])
@roles_required("delegate", "jurist", "manager")
def note_action(note_id: int, action_name: str):
    """Submit for review, return to draft, publish, archive or reopen a note."""
    item = permissions.get_note(current_user, note_id)
    if action_name == "delete":
        return _delete(item)
    if action_name not in _NOTE_ACTIONS:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    message, call = _NOTE_ACTIONS[action_name]
    return _commit_note(item.id, lambda: call(item, form), str(message))


def _delete(item: Note):
    if not ActionForm().validate_on_submit():
        abort(400)
    note_id = item.id
    try:
        services.delete_draft(current_user, item, now=now())
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("kb.note", note_id=note_id))
    index_queue.apply_after_commit([note_id], now())
    flash(_("Brouillon supprimé."), "success")
    return redirect(url_for("kb.search"))


def _commit_note(note_id: int, action, success: str, target: str | None = None):
    """Commit a note change, then let the search index follow it."""
    return commit_or_flash(action, success, target or url_for("kb.note", note_id=note_id),
                           after_commit=lambda: index_queue.apply_after_commit([note_id], now()))


# --- revisions --------------------------------------------------------------------------------


@bp.route("/notes/<int:note_id>/revisions")
@roles_required("delegate", "jurist", "manager")
def revisions(note_id: int):
    """Who changed what, when."""
    item = permissions.get_note(current_user, note_id)
    return render_template("kb/revisions.html", note=item, action_form=ActionForm(),
                           can_write=permissions.is_writer(current_user))


@bp.route("/notes/<int:note_id>/revisions/<int:number>")
@roles_required("delegate", "jurist", "manager")
def revision(note_id: int, number: int):
    """One revision as it was."""
    item = permissions.get_note(current_user, note_id)
    rev = services.get_revision(current_user, item, number)
    snapshot = rev.snapshot
    body = (render_markdown(snapshot.get("body_markdown"))
            if snapshot.get("body_format", "markdown") == "markdown"
            else snapshot.get("body_markdown", ""))
    return render_template("kb/revision.html", note=item, rev=rev, snapshot=snapshot, body=body,
                           action_form=ActionForm(), can_write=permissions.is_writer(current_user))


@bp.route("/notes/<int:note_id>/revisions/<int:number>/restore", methods=["POST"])
@roles_required("jurist", "manager")
def restore(note_id: int, number: int):
    """Bring back an earlier revision's content."""
    item = permissions.get_note(current_user, note_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _commit_note(item.id, lambda: services.restore_revision(current_user, item, number,
                                                                   now=now()),
                        _("Révision %(number)d restaurée.", number=number))


# --- files and source tickets -----------------------------------------------------------------


@bp.route("/notes/<int:note_id>/attachments", methods=["POST"])
@roles_required("delegate", "jurist", "manager")
def add_attachment(note_id: int):
    """Attach a file (model contract, guide) to a note."""
    item = permissions.get_note(current_user, note_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un fichier."), "error")
        return redirect(url_for("kb.note", note_id=item.id))
    upload = form.file.data
    uploaded = tickets.UploadedFile(upload.filename or "", upload.mimetype, upload.read())
    return _commit_note(
        item.id,
        lambda: note_attachments.add_note_attachment(current_user, item, uploaded, now=now()),
        _("Pièce jointe ajoutée."))


@bp.route("/notes/<int:note_id>/attachments/<int:attachment_id>")
def attachment(note_id: int, attachment_id: int):
    """Download a file of a note the reader may see."""
    item = note_attachments.get_note_attachment(_actor(), note_id, attachment_id)
    return send_file(attachment_path(item.sha256), mimetype=item.content_type,
                     as_attachment=True, download_name=item.filename)


@bp.route("/notes/<int:note_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@roles_required("delegate", "jurist", "manager")
def delete_attachment(note_id: int, attachment_id: int):
    """Remove a file from a note."""
    item = permissions.get_note(current_user, note_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _commit_note(item.id, lambda: note_attachments.remove_note_attachment(
        current_user, item, attachment_id, now=now()), _("Pièce jointe retirée."))


@bp.route("/notes/<int:note_id>/sources", methods=["POST"])
@roles_required("delegate", "jurist", "manager")
def link_ticket(note_id: int):
    """Link a source ticket (visible to staff only)."""
    item = permissions.get_note(current_user, note_id)
    form = LinkTicketForm()
    if not form.validate_on_submit():
        abort(400)

    def action():
        ticket = ticket_access.get_ticket(current_user, form.reference.data)
        ticket_drafts.add_source_ticket(current_user, item, ticket, now=now())
    return _commit_note(item.id, action, _("Demande liée à la note."))


# --- review and ticket → note -----------------------------------------------------------------


@bp.route("/review")
@roles_required("jurist", "manager")
def review():
    """Notes to review, drafts, and published notes past their review date."""
    queue = services.review_queue(current_user, today=now().date())
    to_check = queue["in_review"][:REVIEW_DETAIL_LIMIT] + queue["drafts"][:REVIEW_DETAIL_LIMIT]
    return render_template("kb/review.html", queue=queue,
                           segments={n.id: _review_segments(n) for n in to_check})


REVIEW_DETAIL_LIMIT = 20  # notes per list whose text the review screen checks and highlights


def _review_segments(item) -> dict:
    """The note's title, summary and text cut into placeholders and data still detected, and
    how many data are still detected."""
    parts = {part: anonymise.review_segments(text) for part, text in
             (("title", item.title), ("summary", item.summary or ""),
              ("body", item.body_markdown))}
    left = sum(seg.state == "detected" for segs in parts.values() for seg in segs)
    return {"parts": parts, "left": left}


@bp.route("/from-ticket/<reference>", methods=["POST"])
@roles_required("delegate", "jurist", "manager")
def from_ticket(reference: str):
    """Draft an anonymised note from an answered ticket, then open it in the editor."""
    ticket = ticket_access.get_ticket(current_user, reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        item = ticket_drafts.draft_note_from_ticket(current_user, ticket, now=now())
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("tickets.show", reference=ticket.reference))
    index_queue.apply_after_commit([item.id], now())
    flash(_("Brouillon anonymisé créé : relisez-le (noms, lieux, dates, chiffres) avant de le "
            "publier."), "success")
    return redirect(url_for("kb.edit_note", note_id=item.id))


@bp.app_template_global("kb_ticket_panel")
def ticket_panel(ticket) -> dict | None:
    """For tickets/show.html: similar notes, similar answered tickets, notes made from it."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    panel = {"can_draft": permissions.is_drafter(current_user),
             "notes_from_ticket": ticket_drafts.notes_from_ticket(current_user, ticket),
             "form": ActionForm(), "notes": [], "tickets": [], "error": False}
    try:
        related = note_search.related_for_ticket(current_user, ticket)
        panel.update(notes=related.notes, tickets=related.tickets)
    except Exception:  # the ticket page must work even if the search index is broken
        log.exception("related notes unavailable for %s", ticket.reference)
        panel["error"] = True
    return panel


@bp.route("/tickets/<reference>/related")
@roles_required("delegate", "jurist", "manager")
def ticket_related(reference: str):
    """JSON: similar published notes and past answered tickets for a ticket (staff)."""
    ticket = ticket_access.get_ticket(current_user, reference)
    related = note_search.related_for_ticket(current_user, ticket)
    return jsonify(
        notes=[{"id": int(h.id), "title": h.title, "score": h.score,
                "url": url_for("kb.note", note_id=int(h.id), _external=True)}
               for h in related.notes],
        tickets=[{"reference": t.reference, "subject": t.subject, "score": score,
                  "url": url_for("tickets.show", reference=t.reference)}
                 for t, score in related.tickets])


# --- deflection -------------------------------------------------------------------------------


@bp.app_template_global("kb_ask_session")
def ask_session(current: str | None = None) -> str:
    """The ask form's session key: the one posted back, or a new one."""
    if current and deflection.SESSION_KEY_RE.match(current):
        return current
    return secrets.token_urlsafe(18)


class FixedWindowLimiter:
    """In-process fixed-window counter: at most `limit` hits per key per window.

    Per process: with N web workers a client may get up to N × limit. Good enough to stop a
    runaway script on the suggestion endpoint without a database write per keystroke.
    """

    def __init__(self, period_seconds: float = 60.0, max_keys: int = 10000):
        self.period = period_seconds
        self.max_keys = max_keys
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, at: float) -> bool:
        """Count one hit; False when the key is over its limit in this window."""
        window = int(at // self.period)
        with self._lock:
            if len(self._counts) >= self.max_keys:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            seen_window, count = self._counts.get(key, (window, 0))
            count = count + 1 if seen_window == window else 1
            self._counts[key] = (window, count)
            return count <= limit


def _limiter() -> FixedWindowLimiter:
    limiter = current_app.extensions.get("kb_suggest_limiter")
    if limiter is None:
        limiter = current_app.extensions.setdefault("kb_suggest_limiter", FixedWindowLimiter())
    return limiter


def _rate_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr or '?'}"


@bp.route("/suggest", methods=["POST"])
def suggest():
    """JSON: published notes matching a question being typed (rate-limited).

    POST with the CSRF token in the X-CSRFToken header and the question in a JSON body: the
    question may hold health or other personal details, which must never reach a URL (access
    logs, browser history, Referer).
    """
    limit = current_app.config["KB_SUGGEST_RATE_PER_MINUTE"]
    if not _limiter().hit(_rate_key(), limit, time.time()):
        return jsonify(error=_("Trop de requêtes, réessayez dans une minute.")), 429
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    actor = _actor()
    hits = _optional(lambda: note_search.suggest_notes(
        actor, str(data.get("q") or "")[:5000], limit=current_app.config["KB_SUGGEST_LIMIT"]))
    _remember_shown(actor, data.get("session"), hits)
    return jsonify(suggestions=[{
        "id": int(h.id), "title": h.title, "url": url_for("kb.note", note_id=int(h.id)),
        "snippet": html.unescape(re.sub(r"</?mark>", "", h.snippet)),
    } for h in hits])


def _remember_shown(actor, session_key: str | None, hits) -> None:
    if actor is None or not hits or not session_key:
        return
    try:
        deflection.record_suggestions_shown(actor, session_key, [int(h.id) for h in hits],
                                            now=now())
        db.session.commit()
    except LegalDeskError:
        db.session.rollback()


@bp.route("/suggest/opened", methods=["POST"])
@login_required
def suggestion_opened():
    """JSON: the member opened a suggested note (CSRF token in the X-CSRFToken header)."""
    data = request.get_json(silent=True) or {}
    try:
        note_id = int(data.get("note_id"))
    except (TypeError, ValueError):
        return jsonify(error="note_id"), 400
    try:
        deflection.record_suggestion_open(current_user, data.get("session"), note_id, now=now())
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        return jsonify(error=exc.message), exc.status_code
    return jsonify(ok=True)
