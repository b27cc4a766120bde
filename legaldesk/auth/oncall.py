"""The on-call rota: per ISO week, the jurist on duty for urgent cases and an optional backup.

Managers (and admins) edit it; ``on_duty_jurist(now)`` tells the ticket services whom to alert
when an urgent ticket arrives.  Weeks run Monday 00:00 to Sunday 24:00 in ONCALL_TIMEZONE.
Writes happen in the caller's transaction (the caller commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from legaldesk.audit.services import record_audit
from legaldesk.auth.models import OnCallWeek, Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db


@dataclass(frozen=True)
class RotaWeek:
    """One week of the rota page: its Monday, ISO number, entry (None if empty), current or not."""

    week_start: date
    entry: OnCallWeek | None
    current: bool

    @property
    def code(self) -> str:
        """The ISO week as text, e.g. '2026-W11' (the audit log's reference)."""
        return week_code(self.week_start)

    @property
    def week_end(self) -> date:
        """The Sunday closing the week."""
        return self.week_start + timedelta(days=6)


def week_start(moment: datetime) -> date:
    """The Monday of the rota week holding a naive-UTC instant (local to ONCALL_TIMEZONE)."""
    zone = ZoneInfo(current_app.config["ONCALL_TIMEZONE"])
    day = moment.replace(tzinfo=UTC).astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def week_code(monday: date) -> str:
    """ISO year and week of a Monday: '2026-W11'."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def on_duty_jurist(now: datetime) -> User | None:
    """The week's jurist if active and not away, else the backup if so, else None.

    None also when the week has no rota entry (callers then keep the alerts they had before).
    """
    entry = db.session.scalar(select(OnCallWeek).where(OnCallWeek.week_start == week_start(now)))
    if entry is None:
        return None
    for person in (entry.jurist, entry.backup):
        if person is not None and is_available(person, now):
            return person
    return None


def is_available(user: User, now: datetime) -> bool:
    """An active jurist who is not away at that instant."""
    return (user.role == Role.JURIST and bool(user.active)
            and (user.away_until is None or user.away_until <= now))


def list_rota(actor: User, *, now: datetime, weeks: int | None = None) -> list[RotaWeek]:
    """The current week and the following ones (ONCALL_WEEKS_SHOWN), with their entries."""
    require_role(actor, Role.MANAGER)
    count = weeks or int(current_app.config["ONCALL_WEEKS_SHOWN"])
    first = week_start(now)
    mondays = [first + timedelta(weeks=offset) for offset in range(count)]
    entries = {entry.week_start: entry for entry in db.session.scalars(
        select(OnCallWeek).where(OnCallWeek.week_start.in_(mondays)))}
    return [RotaWeek(monday, entries.get(monday), monday == first) for monday in mondays]


def oncall_candidates() -> list[User]:
    """Active jurists, by name: the people a week can be given to."""
    return list(db.session.scalars(select(User).where(
        User.role == Role.JURIST, User.active.is_(True)).order_by(User.name, User.id)))


def save_oncall_week(actor: User, *, week: date | str, jurist: User | None,
                     backup: User | None = None, now: datetime) -> OnCallWeek | None:
    """A manager sets (or clears, with no jurist) a week's on-call jurist and backup.

    The week is its Monday (a date or 'YYYY-MM-DD'), the current week or a later one.  Each
    change is recorded in the audit log; saving the same choice again records nothing.
    Caller commits.  Returns the entry (None once cleared).
    """
    require_role(actor, Role.MANAGER)
    monday = _valid_week(week, now)
    _check_people(jurist, backup)
    entry = db.session.scalar(select(OnCallWeek).where(OnCallWeek.week_start == monday))
    before = (entry.jurist_id, entry.backup_id) if entry else (None, None)
    after = (jurist.id if jurist else None, backup.id if backup else None)
    if before == after:
        return entry
    if jurist is None:
        db.session.delete(entry)
        entry = None
    else:
        if entry is None:
            entry = OnCallWeek(week_start=monday)
            db.session.add(entry)
        entry.jurist, entry.backup = jurist, backup
        entry.updated_at, entry.updated_by_id = now, actor.id
    record_audit(actor, "admin.oncall_saved", target_type="oncall_week",
                 target_ref=week_code(monday), now=now,
                 details={"jurist_id": after[0], "backup_id": after[1],
                          "previous_jurist_id": before[0], "previous_backup_id": before[1]})
    db.session.flush()
    return entry


def _valid_week(week: date | str, now: datetime) -> date:
    try:
        monday = week if isinstance(week, date) else date.fromisoformat(str(week).strip())
    except ValueError as exc:
        raise InvalidInput("Semaine invalide.") from exc
    if monday.weekday() != 0:
        raise InvalidInput("Une semaine d'astreinte commence un lundi.")
    if monday < week_start(now):
        raise InvalidInput("Une semaine passée ne se modifie plus.")
    return monday


def _check_people(jurist: User | None, backup: User | None) -> None:
    if jurist is None and backup is not None:
        raise InvalidInput("Choisissez d'abord la personne d'astreinte, puis son renfort.")
    for person in (jurist, backup):
        if person is not None and (person.role != Role.JURIST or not person.active):
            raise InvalidInput(f"{person.name} n'est pas juriste en activité.")
    if jurist is not None and backup is not None and jurist.id == backup.id:
        raise InvalidInput("Le renfort doit être une autre personne que la personne d'astreinte.")
