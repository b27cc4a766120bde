"""SLA reports as SQL aggregates, identical on SQLite and PostgreSQL (no Python loops over rows).

Each ticket stores its net first-response and resolution durations (business and calendar
seconds, pauses excluded) when its clock stops, and the targets in force; a report is then one
query per breakdown.  Percentiles use the linear interpolation of PostgreSQL's percentile_cont,
computed portably: ROW_NUMBER() and COUNT() windows per group, then the two neighbouring ranks
picked with integer arithmetic (``1 + (n - 1) * p // 100``).

Periods are whole local days in Europe/Paris (the desk's calendar); months too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, literal_column, or_, select

from legaldesk.auth.models import Region, Role, User
from legaldesk.auth.services import require_role
from legaldesk.errors import InvalidInput
from legaldesk.extensions import db
from legaldesk.sla.services import business_day_seconds
from legaldesk.tickets.models import OPEN_STATUSES, Priority, Ticket, Topic

DAY = 86400
REPORT_ZONE = ZoneInfo("Europe/Paris")
BREAKDOWNS = ("month", "channel", "region", "topic", "level", "priority", "requester_type",
              "assignee")
METRICS = {
    "frc": Ticket.first_response_calendar_seconds,
    "frb": Ticket.first_response_business_seconds,
    "rsc": Ticket.resolution_calendar_seconds,
    "rsb": Ticket.resolution_business_seconds,
}
PERCENTILES = (50, 90)
OVERALL = literal_column("'all'")  # the key of the whole period's single group
BACKLOG_BUCKETS = ((2, "0–2 j"), (5, "2–5 j"), (10, "5–10 j"), (30, "10–30 j"))
BACKLOG_OLDEST = "plus de 30 j"


# --- access -------------------------------------------------------------------------------


def require_report_access(actor: User | None) -> None:
    """Managers and admins; jurists read the dashboard too. None = the CLI (trusted)."""
    if actor is not None:
        require_role(actor, Role.MANAGER, Role.JURIST)


def require_export_access(actor: User | None) -> None:
    """The ticket-list export is for managers and admins only. None = the CLI."""
    if actor is not None:
        require_role(actor, Role.MANAGER)


# --- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local days [first, last] in Europe/Paris, with their naive-UTC bounds [start, end)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        """Refuse an empty or reversed period."""
        if self.last < self.first:
            raise InvalidInput("La fin de la période précède son début.")

    @property
    def start(self) -> datetime:
        """Naive UTC instant of the first local midnight."""
        return _utc_midnight(self.first)

    @property
    def end(self) -> datetime:
        """Naive UTC instant of the local midnight after the last day (exclusive)."""
        return _utc_midnight(self.last + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same number of days just before this one."""
        length = self.last - self.first + timedelta(days=1)
        return Period(self.first - length, self.first - timedelta(days=1))

    def months(self) -> list[tuple[str, datetime, datetime]]:
        """(YYYY-MM, start, end) of each local month the period touches, clipped to it."""
        months, cursor = [], self.first.replace(day=1)
        while cursor <= self.last:
            following = (cursor + timedelta(days=32)).replace(day=1)
            months.append((f"{cursor:%Y-%m}", max(_utc_midnight(cursor), self.start),
                           min(_utc_midnight(following), self.end)))
            cursor = following
        return months


def _utc_midnight(day: date) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=REPORT_ZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def parse_period(first: str, last: str) -> Period:
    """A period from two ISO dates (YYYY-MM-DD), with a clear error otherwise."""
    try:
        return Period(date.fromisoformat(first), date.fromisoformat(last))
    except (TypeError, ValueError) as exc:
        raise InvalidInput("Dates invalides : utilisez le format AAAA-MM-JJ.") from exc


# --- result shapes ------------------------------------------------------------------------


@dataclass
class Block:
    """Durations of one clock over a set of tickets (days; None when nothing was measured)."""

    count: int = 0
    mean_calendar_days: float | None = None
    median_calendar_days: float | None = None
    p90_calendar_days: float | None = None
    mean_business_days: float | None = None
    median_business_days: float | None = None
    p90_business_days: float | None = None
    within_target_share: float | None = None

    def as_dict(self) -> dict:
        """The JSON block (documented key by key in docs/sla.md)."""
        return {name: _round(value) for name, value in self.__dict__.items()}


@dataclass
class Row:
    """One group of a breakdown (or the whole period): volume and the two clocks."""

    key: str | None
    tickets: int
    first_response: Block
    resolution: Block

    def as_dict(self) -> dict:
        """The JSON object of a breakdown entry."""
        return {"key": self.key, "tickets": self.tickets,
                "first_response": self.first_response.as_dict(),
                "resolution": self.resolution.as_dict()}


@dataclass
class Report:
    """Everything the dashboard, the CLI and the CSV exports show for a period."""

    period: Period
    generated_at: datetime
    overall: Row
    previous: Row
    by: dict[str, list[Row]]
    backlog: list[tuple[str, int]]
    breaches: dict[str, int]
    baseline_mean_days: float
    labels: dict[str, dict] = field(default_factory=dict)

    def as_json(self) -> dict:
        """The `legaldesk sla report --format json` document."""
        return {
            "period": {"from": self.period.first.isoformat(), "to": self.period.last.isoformat(),
                       "timezone": str(REPORT_ZONE)},
            "generated_at": self.generated_at.isoformat() + "Z",
            "tickets": self.overall.tickets,
            "first_response": self.overall.first_response.as_dict(),
            "resolution": self.overall.resolution.as_dict(),
            "previous_period": self.previous.as_dict() | {
                "from": self.period.previous().first.isoformat(),
                "to": self.period.previous().last.isoformat()},
            "baseline": {"mean_calendar_days": self.baseline_mean_days},
            "backlog": [{"age": label, "tickets": count} for label, count in self.backlog],
            "breaches": self.breaches,
            "by": {name: [row.as_dict() for row in rows] for name, rows in self.by.items()},
        }


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


# --- the report ---------------------------------------------------------------------------


def build_report(actor: User | None, period: Period, *, now: datetime,
                 breakdowns: tuple[str, ...] = BREAKDOWNS) -> Report:
    """The manager report for a period: overall, previous period, breakdowns, backlog, breaches."""
    require_report_access(actor)
    _prepare_session()
    overall = _rows(period, OVERALL, ())[0] if _count(period) else _empty_row()
    previous_period = period.previous()
    previous = (_rows(previous_period, OVERALL, ())[0]
                if _count(previous_period) else _empty_row())
    by = {name: _rows(period, *_dimension(name, period)) for name in breakdowns}
    return Report(
        period=period, generated_at=now, overall=overall, previous=previous, by=by,
        backlog=backlog_ages(period, now), breaches=breach_counts(period, now),
        baseline_mean_days=float(current_app.config["SLA_BASELINE_MEAN_DAYS"]),
    )


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _prepare_session() -> None:
    """On PostgreSQL, give this transaction's sorts enough memory to stay off disk."""
    if _postgres():
        memory = current_app.config["SLA_REPORT_WORK_MEM"]
        db.session.execute(select(func.set_config("work_mem", memory, True)))


def _empty_row() -> Row:
    return Row("all", 0, Block(), Block())


def _count(period: Period) -> int:
    return db.session.scalar(select(func.count(Ticket.id)).where(_in_period(period))) or 0


def _in_period(period: Period):
    return and_(Ticket.received_at >= period.start, Ticket.received_at < period.end)


def _dimension(name: str, period: Period):
    """(key expression, outer joins) of a breakdown."""
    if name == "month" and _postgres():  # same local months, without a long CASE per row
        local = func.timezone(str(REPORT_ZONE), func.timezone("UTC", Ticket.received_at))
        return func.to_char(local, "YYYY-MM"), ()
    if name == "month":
        branches = [(Ticket.received_at < end, label) for label, _start, end in period.months()]
        return case(*branches, else_=None), ()
    if name == "region":
        return Region.code, ((Region, Ticket.region_id == Region.id),)
    if name == "topic":
        return Topic.code, ((Topic, Ticket.topic_id == Topic.id),)
    if name == "assignee":
        return User.name, ((User, Ticket.assignee_id == User.id),)
    columns = {"channel": Ticket.channel, "level": Ticket.level, "priority": Ticket.priority,
               "requester_type": Ticket.requester_type}
    if name not in columns:
        raise InvalidInput(f"Ventilation inconnue : {name}")
    return columns[name], ()


def _rows(period: Period, key, joins) -> list[Row]:
    """One query: per key, volume, means, within-target shares and interpolated percentiles."""
    if _postgres():
        # The same interpolation as the portable query, by PostgreSQL's ordered-set aggregate.
        query, interpolated = _percentile_cont_query(period, key, joins), True
    else:
        base = _ranked(period, key, joins)
        query = select(base.c.key, func.count().label("tickets"), *_aggregates(base)).group_by(
            base.c.key)
        interpolated = False
    query = query.order_by(literal_column("key").asc().nulls_last())
    day = business_day_seconds()
    rows = []
    for values in db.session.execute(query).mappings():
        values = dict(values) if interpolated else _interpolate(values)
        rows.append(_row(values, day))
    return rows


def _percentile_cont_query(period: Period, key, joins):
    source = Ticket.__table__
    for table, on in joins:
        source = source.outerjoin(table, on)
    columns = [key.label("key"), func.count().label("tickets")]
    for name, column in METRICS.items():
        columns += [func.count(column).label(f"{name}_count"),
                    func.avg(column).label(f"{name}_mean")]
        columns += [func.percentile_cont(p / 100).within_group(column).label(f"{name}_p{p}")
                    for p in PERCENTILES]
    columns += _within_columns(Ticket.first_response_business_seconds,
                               Ticket.first_response_target_seconds,
                               Ticket.resolution_business_seconds,
                               Ticket.resolution_target_seconds)
    query = select(*columns).select_from(source).where(_in_period(period))
    return query if key is OVERALL else query.group_by(key)


def _interpolate(values) -> dict:
    """Percentiles from the two neighbouring ranks picked by the portable query."""
    result = dict(values)
    for name in METRICS:
        for p in PERCENTILES:
            low, high = values[f"{name}_p{p}_low"], values[f"{name}_p{p}_high"]
            fraction = (values[f"{name}_p{p}_fraction"] or 0) / 100
            result[f"{name}_p{p}"] = None if low is None else (
                low + fraction * ((high if high is not None else low) - low))
    return result


def _ranked(period: Period, key, joins):
    """The period's tickets with each metric's rank and count within the key's group."""
    source = Ticket.__table__
    for table, on in joins:
        source = source.outerjoin(table, on)
    # The key is computed once per row here (the month CASE is long), then ranked above.
    keyed = select(key.label("key"), Ticket.first_response_target_seconds.label("frt"),
                   Ticket.resolution_target_seconds.label("rst"),
                   *(column.label(name) for name, column in METRICS.items())
                   ).select_from(source).where(_in_period(period)
                                               ).cte("keyed").prefix_with("MATERIALIZED")
    columns = [keyed.c.key, keyed.c.frt, keyed.c.rst]
    for name in METRICS:
        value = keyed.c[name]
        columns += [
            value,
            # NULLs last on both databases, so ranks 1..n are the measured values.
            func.row_number().over(partition_by=keyed.c.key, order_by=value.asc().nulls_last())
            .label(f"{name}_rank"),
            func.count(value).over(partition_by=keyed.c.key).label(f"{name}_n"),
        ]
    return select(*columns).subquery()


def _aggregates(base) -> list:
    """Per metric: count, mean, the ranks around each percentile, share within target."""
    columns = []
    for name in METRICS:
        value, rank, n = base.c[name], base.c[f"{name}_rank"], base.c[f"{name}_n"]
        columns += [func.count(value).label(f"{name}_count"),
                    func.avg(value).label(f"{name}_mean")]
        for p in PERCENTILES:
            low = 1 + (n - 1) * p // 100
            fraction = ((n - 1) * p).op("%")(100)
            high = low + case((fraction > 0, 1), else_=0)
            columns += [func.max(case((rank == low, value))).label(f"{name}_p{p}_low"),
                        func.max(case((rank == high, value))).label(f"{name}_p{p}_high"),
                        func.max(fraction).label(f"{name}_p{p}_fraction")]
    return columns + _within_columns(base.c.frb, base.c.frt, base.c.rsb, base.c.rst)


def _within_columns(first, first_target, resolution, resolution_target) -> list:
    """Share of measured clocks with a target that stayed within it (None if none)."""
    columns = []
    for clock, value, target in (("fr", first, first_target),
                                 ("rs", resolution, resolution_target)):
        met = case((and_(value.is_not(None), target.is_not(None)),
                    case((value <= target, 1.0), else_=0.0)))
        columns.append(func.avg(met).label(f"{clock}_within"))
    return columns


def _row(values, day_seconds: int) -> Row:
    return Row(values["key"], values["tickets"],
               _block(values, "fr", day_seconds), _block(values, "rs", day_seconds))


def _block(values, clock: str, day_seconds: int) -> Block:
    calendar, business = f"{clock}c", f"{clock}b"

    def days(metric: str, stat: str, unit: int):
        value = values[f"{metric}_{stat}"]
        return None if value is None else float(value) / unit

    within = values[f"{clock}_within"]
    return Block(
        count=values[f"{calendar}_count"],
        mean_calendar_days=days(calendar, "mean", DAY),
        median_calendar_days=days(calendar, "p50", DAY),
        p90_calendar_days=days(calendar, "p90", DAY),
        mean_business_days=days(business, "mean", day_seconds),
        median_business_days=days(business, "p50", day_seconds),
        p90_business_days=days(business, "p90", day_seconds),
        within_target_share=None if within is None else float(within),
    )


# --- backlog and breaches -----------------------------------------------------------------


def _open():
    return Ticket.status.in_([s.value for s in OPEN_STATUSES])


def backlog_ages(period: Period, now: datetime) -> list[tuple[str, int]]:
    """Tickets open now and received before the period's end, by calendar age (every bucket)."""
    branches = [(Ticket.received_at > now - timedelta(days=days), label)
                for days, label in BACKLOG_BUCKETS]
    bucket = case(*branches, else_=BACKLOG_OLDEST).label("bucket")
    counts = dict(db.session.execute(
        select(bucket, func.count()).where(_open(), Ticket.received_at < period.end)
        .group_by(bucket)).all())
    labels = [label for _days, label in BACKLOG_BUCKETS] + [BACKLOG_OLDEST]
    return [(label, counts.get(label, 0)) for label in labels]


def breach_counts(period: Period, now: datetime) -> dict[str, int]:
    """Tickets of the period past target: stopped clocks over it, and running clocks overdue."""
    running = and_(_open(), Ticket.paused_since.is_(None))
    first = or_(
        Ticket.first_response_business_seconds > Ticket.first_response_target_seconds,
        and_(running, Ticket.first_response_at.is_(None),
             Ticket.first_response_due_at <= now))
    resolution = or_(
        Ticket.resolution_business_seconds > Ticket.resolution_target_seconds,
        and_(running, Ticket.resolution_due_at <= now))
    urgent = Ticket.priority == Priority.URGENT
    row = db.session.execute(select(
        func.count(case((first, 1))), func.count(case((resolution, 1))),
        func.count(case((and_(first, urgent), 1))), func.count(case((and_(resolution, urgent), 1)))
    ).where(_in_period(period))).one()
    return {"first_response": row[0], "resolution": row[1],
            "urgent_first_response": row[2], "urgent_resolution": row[3]}


# --- CSV ----------------------------------------------------------------------------------

BLOCK_FIELDS = tuple(Block().__dict__)
TABLE_HEADER = ("breakdown", "key", "tickets",
                *(f"{clock}_{name}" for clock in ("first_response", "resolution")
                  for name in BLOCK_FIELDS))
TICKET_HEADER = ("reference", "received_at_utc", "channel", "topic", "level", "priority",
                 "region", "requester_type", "status", "first_response_calendar_days",
                 "first_response_business_days", "first_response_within_target",
                 "resolution_calendar_days", "resolution_business_days",
                 "resolution_within_target")


def table_rows(report: Report, name: str) -> list[list]:
    """One breakdown ("all" = the whole period) as CSV rows under TABLE_HEADER."""
    rows = [report.overall] if name == "all" else report.by.get(name)
    if rows is None:
        raise InvalidInput(f"Tableau inconnu : {name}")
    return [[name, row.key, row.tickets,
             *(_round(getattr(block, f)) for block in (row.first_response, row.resolution)
               for f in BLOCK_FIELDS)] for row in rows]


def report_csv(report: Report) -> str:
    """Every table of the report in one CSV (the `sla report --format csv` output)."""
    rows = table_rows(report, "all")
    for name in report.by:
        rows += table_rows(report, name)
    return to_csv(TABLE_HEADER, rows)


def to_csv(header, rows) -> str:
    """CSV text with a header line (comma separated, UTF-8, no free text from tickets)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def ticket_rows(actor: User | None, period: Period) -> list[list]:
    """The period's tickets as aggregate-friendly CSV rows: codes and durations, no free text."""
    require_export_access(actor)
    day = business_day_seconds()
    query = (select(Ticket.reference, Ticket.received_at, Ticket.channel, Topic.code,
                    Ticket.level, Ticket.priority, Region.code, Ticket.requester_type,
                    Ticket.status, Ticket.first_response_calendar_seconds,
                    Ticket.first_response_business_seconds, Ticket.first_response_target_seconds,
                    Ticket.resolution_calendar_seconds, Ticket.resolution_business_seconds,
                    Ticket.resolution_target_seconds)
             .select_from(Ticket.__table__.outerjoin(Topic, Ticket.topic_id == Topic.id)
                          .outerjoin(Region, Ticket.region_id == Region.id))
             .where(_in_period(period)).order_by(Ticket.received_at, Ticket.id))
    rows = []
    for r in db.session.execute(query):
        rows.append([r[0], r[1].isoformat(), r[2], r[3] or "", r[4], r[5], r[6] or "", r[7],
                     r[8], *_durations(r[9], r[10], r[11], day),
                     *_durations(r[12], r[13], r[14], day)])
    return rows


def _durations(calendar, business, target, day: int) -> list:
    if business is None:
        return ["", "", ""]
    within = "" if target is None else ("yes" if business <= target else "no")
    return [round(calendar / DAY, 4), round(business / day, 4), within]


# --- annual key figures -------------------------------------------------------------------


@dataclass
class AnnualFigures:
    """The « chiffres clés » of one year, ready for the annual report."""

    year: int
    report: Report
    urgent_handled: int
    urgent_by_case: list[tuple[str | None, int]]
    notes_published: int | None  # None until the knowledge base records publications


def annual_figures(actor: User | None, year: int, *, now: datetime) -> AnnualFigures:
    """Requests, response times, splits by channel, level and topic, urgent cases, KB notes."""
    require_report_access(actor)
    period = Period(date(year, 1, 1), date(year, 12, 31))
    report = build_report(actor, period, now=now, breakdowns=("channel", "level", "topic"))
    urgent = Ticket.priority == Priority.URGENT
    by_case = db.session.execute(
        select(Ticket.urgent_case, func.count()).where(_in_period(period), urgent)
        .group_by(Ticket.urgent_case).order_by(func.count().desc(), Ticket.urgent_case)).all()
    handled = db.session.scalar(select(func.count()).where(
        _in_period(period), urgent, Ticket.resolved_at.is_not(None))) or 0
    return AnnualFigures(year, report, handled, [tuple(row) for row in by_case],
                         _notes_published(period))


def _notes_published(period: Period) -> int | None:
    """Knowledge-base notes first published in the period, when the KB keeps that date."""
    import sys

    # Only if the KB's models are registered (all_models): importing them here would add
    # tables to the metadata behind the app's back.
    kb_models = sys.modules.get("legaldesk.kb.models")
    Note = getattr(kb_models, "Note", None)  # noqa: N806
    published_at = getattr(Note, "published_at", None)
    if published_at is None:
        return None
    return db.session.scalar(select(func.count()).select_from(Note).where(
        published_at >= period.start, published_at < period.end)) or 0
