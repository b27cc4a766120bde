"""SLA reports as SQL aggregates, identical on SQLite and PostgreSQL (no Python loops over rows).

Each ticket stores its net first-response and resolution durations (business and calendar
seconds, pauses excluded) when its clock stops, and the targets in force, so a report is plain
SQL.  Percentiles use the linear interpolation of PostgreSQL's percentile_cont.  Sorting the
durations is the whole cost (4 clocks x 9 groupings), so each database gets its fastest exact way:

* PostgreSQL: one GROUPING SETS query computes the overall row and every breakdown in one scan,
  with percentile_cont (the 0.5 and 0.9 of one clock share their sort).
* SQLite (no GROUPING SETS, no percentile_cont): the period's rows are copied once into a narrow
  temporary table; per breakdown and clock one sort numbers the values into another temporary
  table, and the two neighbouring ranks ``1 + (n - 1) * p // 100`` are read back by number.

Periods are whole local days in Europe/Paris (the desk's calendar); months too.  Whether a
clock met its target compares the duration of the ticket's own kind (``sla_clock``: calendar
seconds for calendar-clock tickets, business seconds otherwise) with the target, in one CASE
expression that both databases evaluate alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.schema import CreateTable, DropTable

from legaldesk.auth.models import Region, Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.sla.services import business_day_seconds
from legaldesk.tickets.models import OPEN_STATUSES, ClockKind, Priority, Ticket, Topic

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
ALL = "all"  # the key of the whole period's single group
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
    for name in breakdowns:
        if name not in BREAKDOWNS:
            raise InvalidInput(f"Ventilation inconnue : {name}")
    _prepare_session()
    by = _grouped_rows(period, tuple(breakdowns))
    # The page compares only the totals with the previous period: no breakdowns there.
    previous = _grouped_rows(period.previous(), ())
    return Report(
        period=period, generated_at=now, overall=by.pop(ALL)[0], previous=previous[ALL][0],
        by=by, backlog=backlog_ages(period, now), breaches=breach_counts(period, now),
        baseline_mean_days=float(current_app.config["SLA_BASELINE_MEAN_DAYS"]),
    )


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _prepare_session() -> None:
    """On PostgreSQL, give this transaction's sorts enough memory to stay off disk, and no JIT.

    JIT compilation of the one big grouping-sets query costs more than it saves (measured).
    """
    if _postgres():
        memory = current_app.config["SLA_REPORT_WORK_MEM"]
        db.session.execute(select(func.set_config("work_mem", memory, True),
                                  func.set_config("jit", "off", True)))


def _in_period(period: Period):
    return and_(Ticket.received_at >= period.start, Ticket.received_at < period.end)


def _grouped_rows(period: Period, names: tuple[str, ...]) -> dict[str, list[Row]]:
    """The whole period (key ALL) and each named breakdown, rows sorted by key, NULL last."""
    if _postgres():
        grouped = _grouping_sets(period, names)
    else:
        grouped = _ranked_in_scratch_tables(period, names)
    day = business_day_seconds()
    return {name: [_row(values, day) for values in rows] for name, rows in grouped.items()}


def _dimension(name: str, period: Period):
    """(key expression, outer joins) of a breakdown."""
    if name == "month" and _postgres():  # same local months, without a CASE per row
        local = func.timezone(str(REPORT_ZONE), func.timezone("UTC", Ticket.received_at))
        return func.to_char(local, "YYYY-MM"), ()
    if name == "month":
        return _month_of_received_at(period.months()), ()
    if name == "region":
        return Region.code, ((Region, Ticket.region_id == Region.id),)
    if name == "topic":
        return Topic.code, ((Topic, Ticket.topic_id == Topic.id),)
    if name == "assignee":
        return User.name, ((User, Ticket.assignee_id == User.id),)
    columns = {"channel": Ticket.channel, "level": Ticket.level, "priority": Ticket.priority,
               "requester_type": Ticket.requester_type}
    return columns[name], ()


def _month_of_received_at(months: list[tuple[str, datetime, datetime]]):
    """The local month (YYYY-MM) of a ticket of the period, by bisection on the months' starts.

    A nested CASE a few levels deep instead of one branch per month: ten years are 120 months,
    and the flat CASE made the month breakdown the slowest of all on SQLite.
    """
    if len(months) == 1:
        return literal(months[0][0])
    middle = len(months) // 2
    return case((Ticket.received_at < months[middle][1], _month_of_received_at(months[:middle])),
                else_=_month_of_received_at(months[middle:]))


def _interpolate(values) -> dict:
    """Percentiles from the two neighbouring ranks picked on SQLite (as percentile_cont)."""
    result = dict(values)
    for name in METRICS:
        for p in PERCENTILES:
            low, high = values[f"{name}_p{p}_low"], values[f"{name}_p{p}_high"]
            fraction = (values[f"{name}_p{p}_fraction"] or 0) / 100
            result[f"{name}_p{p}"] = None if low is None else (
                low + fraction * ((high if high is not None else low) - low))
    return result


def _on_own_clock(clock_kind, calendar_seconds, business_seconds):
    """SQL: the measured seconds of the ticket's own clock kind (calendar or business)."""
    return case((clock_kind == ClockKind.CALENDAR.value, calendar_seconds),
                else_=business_seconds)


def _within_columns(first, first_target, resolution, resolution_target) -> list:
    """Share of measured clocks with a target that stayed within it (None if none).

    ``first`` and ``resolution`` are the durations on each ticket's own clock (_on_own_clock).
    """
    columns = []
    for clock, value, target in (("fr", first, first_target),
                                 ("rs", resolution, resolution_target)):
        met = case((and_(value.is_not(None), target.is_not(None)),
                    case((value <= target, 1.0), else_=0.0)))
        columns.append(func.avg(met).label(f"{clock}_within"))
    return columns


# --- PostgreSQL: one GROUPING SETS query ------------------------------------------------------


def _grouping_sets(period: Period, names: tuple[str, ...]) -> dict[str, list[dict]]:
    """The overall row and every breakdown in one scan, percentiles by percentile_cont."""
    keys = [_dimension(name, period) for name in names]
    source = Ticket.__table__
    for _key, joins in keys:
        for table, on in joins:
            source = source.outerjoin(table, on)
    expressions = [key for key, _joins in keys]
    query = select(*(key.label(f"key_{index}") for index, key in enumerate(expressions)),
                   func.count().label("tickets"), *_percentile_cont_columns()
                   ).select_from(source).where(_in_period(period))
    if expressions:
        mask = func.grouping(*expressions)  # which grouping set a row belongs to
        query = (query.add_columns(mask.label("grouping_mask"))
                 .group_by(func.grouping_sets(tuple_(), *(tuple_(key) for key in expressions)))
                 .order_by(mask, *(key.asc().nulls_last() for key in expressions)))
    return _split_grouping_sets(db.session.execute(query).mappings(), names)


def _percentile_cont_columns() -> list:
    """Per metric: count, mean and percentile_cont (the interpolation the SQLite path copies)."""
    columns = []
    for name, column in METRICS.items():
        columns += [func.count(column).label(f"{name}_count"),
                    func.avg(column).label(f"{name}_mean")]
        columns += [func.percentile_cont(p / 100).within_group(column).label(f"{name}_p{p}")
                    for p in PERCENTILES]
    return columns + _within_columns(_first_on_own_clock(), Ticket.first_response_target_seconds,
                                     _resolution_on_own_clock(),
                                     Ticket.resolution_target_seconds)


def _first_on_own_clock():
    return _on_own_clock(Ticket.sla_clock, Ticket.first_response_calendar_seconds,
                        Ticket.first_response_business_seconds)


def _resolution_on_own_clock():
    return _on_own_clock(Ticket.sla_clock, Ticket.resolution_calendar_seconds,
                        Ticket.resolution_business_seconds)


def _split_grouping_sets(results, names: tuple[str, ...]) -> dict[str, list[dict]]:
    """Rows of the grouping-sets query filed under ALL or their breakdown, with their key."""
    everything = (1 << len(names)) - 1  # GROUPING() sets the bit of each column left out
    owners = {everything: (ALL, None)}
    for index, name in enumerate(names):
        owners[everything ^ (1 << (len(names) - 1 - index))] = (name, f"key_{index}")
    grouped: dict[str, list[dict]] = {ALL: []} | {name: [] for name in names}
    for values in results:
        name, column = owners[values.get("grouping_mask", everything)]
        grouped[name].append(dict(values) | {"key": ALL if column is None else values[column]})
    return grouped


# --- SQLite: the period copied once, each clock sorted once per breakdown ---------------------

_SCRATCH = MetaData()  # connection-private temporary tables, not part of the app's schema
_PERIOD_ROWS = Table(
    "report_rows", _SCRATCH,
    *(Column(name, String) for name in BREAKDOWNS),
    *(Column(name, Integer) for name in (*METRICS, "frt", "rst")),
    Column("clk", String),  # the ticket's clock kind (calendar or business)
    schema="temp")
_SORTED_VALUES = {
    name: Table(f"report_sorted_{name}", _SCRATCH, Column("position", Integer, primary_key=True),
                Column("value", Integer), schema="temp")
    for name in METRICS}


def _ranked_in_scratch_tables(period: Period, names: tuple[str, ...]) -> dict[str, list[dict]]:
    """The period's rows copied once into a narrow temporary table, then one query per breakdown.

    SQLite has neither GROUPING SETS nor percentile_cont; its sorts are the cost, so each clock
    is sorted once per breakdown, into a table whose row number is the rank.
    """
    connection = db.session.connection()
    tables = [_PERIOD_ROWS, *_SORTED_VALUES.values()]
    for table in tables:
        connection.execute(DropTable(table, if_exists=True))  # left over by a failed report
        connection.execute(CreateTable(table))
    try:
        _copy_period_rows(period, names)
        return {name: _ranked_rows(name) for name in (ALL, *names)}
    finally:
        for table in tables:
            connection.execute(DropTable(table))


def _copy_period_rows(period: Period, names: tuple[str, ...]) -> None:
    """The period's tickets, with their breakdown keys already computed, into _PERIOD_ROWS."""
    source, columns = Ticket.__table__, {}
    for name in names:
        key, joins = _dimension(name, period)
        for table, on in joins:
            source = source.outerjoin(table, on)
        columns[name] = key
    columns |= METRICS | {"frt": Ticket.first_response_target_seconds,
                          "rst": Ticket.resolution_target_seconds, "clk": Ticket.sla_clock}
    rows = select(*columns.values()).select_from(source).where(_in_period(period))
    db.session.execute(insert(_PERIOD_ROWS).from_select(list(columns), rows))


def _ranked_rows(name: str) -> list[dict]:
    """Per key of a breakdown (or ALL): volume, means, within-target shares, percentiles."""
    for statement in _numbering_statements(name):
        db.session.execute(statement)
    results = db.session.execute(_ranked_query(name)).mappings()
    return [_interpolate(values) for values in results]


# The scratch-table statements do not depend on the period: built once, not on every report
# (building them took longer than running them on a month's tickets).
@cache
def _numbering_statements(name: str) -> tuple:
    """Per clock: empty its table, then insert its measured values sorted by (key, value).

    An emptied table numbers its rows from 1 in insertion order (SQLite gives each new row one
    more than the largest rowid), so the position is the rank and one sort ranks every key at
    once; ROW_NUMBER() windows took twice as long (measured on 100,000 tickets).
    """
    key = _scratch_key(name)
    statements = []
    for metric, table in _SORTED_VALUES.items():
        value = _PERIOD_ROWS.c[metric]
        order = (value,) if key is None else (key, value)
        statements += [delete(table), insert(table).from_select(
            ["value"], select(value).where(value.is_not(None)).order_by(*order))]
    return tuple(statements)


@cache
def _ranked_query(name: str):
    """The groups of a breakdown with their percentile values read back by position."""
    groups = _scratch_groups(_scratch_key(name)).subquery()
    return select(groups, *_picked_percentiles(groups)).order_by(groups.c.key.asc().nulls_last())


def _scratch_key(name: str):
    return None if name == ALL else _PERIOD_ROWS.c[name]


def _scratch_groups(key):
    """Per key: volume, per clock its count, mean and how many values sort before the key's."""
    columns = [(literal(ALL) if key is None else key).label("key"), func.count().label("tickets")]
    for name in METRICS:
        measured = func.count(_PERIOD_ROWS.c[name])
        # Keys sort the same way here and in _numbering_statements (NULL first, then BINARY).
        before = (literal(0) if key is None else
                  func.sum(measured).over(order_by=key, rows=(None, 0)) - measured)
        columns += [measured.label(f"{name}_count"),
                    func.avg(_PERIOD_ROWS.c[name]).label(f"{name}_mean"),
                    before.label(f"{name}_before")]
    rows = _PERIOD_ROWS.c
    columns += _within_columns(_on_own_clock(rows.clk, rows.frc, rows.frb), rows.frt,
                               _on_own_clock(rows.clk, rows.rsc, rows.rsb), rows.rst)
    query = select(*columns).select_from(_PERIOD_ROWS)
    return query if key is None else query.group_by(key)


def _picked_percentiles(groups) -> list:
    """Per clock and percentile: the values at the two neighbouring ranks and the fraction.

    Ranks as percentile_cont: 1 + (n - 1) * p / 100, split into its integer part and hundredths.
    """
    columns = []
    for name, table in _SORTED_VALUES.items():
        count, before = groups.c[f"{name}_count"], groups.c[f"{name}_before"]
        for p in PERCENTILES:
            low = 1 + (count - 1) * p // 100
            fraction = (count - 1) * p % 100
            columns += [
                case((count > 0, _value_at(table, before + low))).label(f"{name}_p{p}_low"),
                case((fraction > 0, _value_at(table, before + low + 1))).label(
                    f"{name}_p{p}_high"),
                fraction.label(f"{name}_p{p}_fraction"),
            ]
    return columns


def _value_at(table: Table, position):
    return select(table.c.value).where(table.c.position == position).scalar_subquery()


# --- rows to blocks -----------------------------------------------------------------------


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
    """Tickets of the period past target: stopped clocks over it, and running clocks overdue.

    A stopped clock compares the duration of the ticket's own kind (calendar or business).
    """
    running = and_(_open(), Ticket.paused_since.is_(None))
    first = or_(
        _first_on_own_clock() > Ticket.first_response_target_seconds,
        and_(running, Ticket.first_response_at.is_(None),
             Ticket.first_response_due_at <= now))
    resolution = or_(
        _resolution_on_own_clock() > Ticket.resolution_target_seconds,
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
                    Ticket.resolution_target_seconds, Ticket.sla_clock)
             .select_from(Ticket.__table__.outerjoin(Topic, Ticket.topic_id == Topic.id)
                          .outerjoin(Region, Ticket.region_id == Region.id))
             .where(_in_period(period)).order_by(Ticket.received_at, Ticket.id))
    rows = []
    for r in db.session.execute(query):
        rows.append([r[0], r[1].isoformat(), r[2], r[3] or "", r[4], r[5], r[6] or "", r[7],
                     r[8], *_durations(r[9], r[10], r[11], r[15], day),
                     *_durations(r[12], r[13], r[14], r[15], day)])
    return rows


def _durations(calendar, business, target, clock_kind: str, day: int) -> list:
    if business is None:
        return ["", "", ""]
    measured = calendar if clock_kind == ClockKind.CALENDAR else business
    within = "" if target is None else ("yes" if measured <= target else "no")
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

    # Only if the KB's models are registered: importing them here would add
    # tables to the metadata behind the app's back.
    kb_models = sys.modules.get("legaldesk.kb.models")
    Note = getattr(kb_models, "Note", None)  # noqa: N806
    published_at = getattr(Note, "published_at", None)
    if published_at is None:
        return None
    return db.session.scalar(select(func.count()).select_from(Note).where(
        published_at >= period.start, published_at < period.end)) or 0
