"""Ingest 1,000 .eml files: messages per second, and zero loss / zero duplicates after a kill.

Three measurements on the same generated files, in one run:
  1. baseline: the pure MIME parser alone (parse_email), no database;
  2. the full pipeline in-process (store raw, commit, parse, file, commit) on a fresh database;
  3. the real `legaldesk ingest-eml` command, SIGKILLed once part of the batch is stored, then
     run again over every file; the database must hold each message exactly once.

    .venv/bin/python bench/ingest_eml.py [--count 1000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

CORPUS = REPO_ROOT / "tests" / "data" / "eml"
NOW = datetime(2026, 3, 10, 10, 0)


# --- the files ------------------------------------------------------------------------------


def generate(folder: Path, count: int) -> list[Path]:
    """count files cycling over the corpus, each with its own Message-ID; every 4th one
    answers an earlier one (In-Reply-To), so created, appended, ignored and quarantined mix."""
    templates = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    paths = []
    for index in range(count):
        raw = templates[index % len(templates)]
        headers = f"Message-ID: <bench-{index}@bench.example>\r\n"
        if index % 4 == 3:
            headers += f"In-Reply-To: <bench-{index - 3}@bench.example>\r\n"
        path = folder / f"{index:04d}.eml"
        path.write_bytes(_insert_headers(raw, headers.encode()))
        paths.append(path)
    return paths


def _insert_headers(raw: bytes, headers: bytes) -> bytes:
    """Put our headers first (after an mbox 'From ' line), dropping the template's own ids."""
    envelope = b""
    if raw.startswith(b"From "):
        envelope, _, raw = raw.partition(b"\n")
        envelope += b"\n"
    raw = re.sub(rb"(?im)^(message-id|in-reply-to|references):.*\r?\n(?:[ \t].*\r?\n)*", b"",
                 raw)
    return envelope + headers + raw


# --- databases ------------------------------------------------------------------------------


def fresh_database(kind: str, work: Path, name: str, pg_url: str | None) -> str:
    """An empty database URL: a SQLite file, or a recreated PostgreSQL database."""
    if kind == "sqlite":
        return f"sqlite:///{work / (name + '.sqlite')}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url.rsplit("/", 1)[0] + "/" + name


def settings(url: str, work: Path) -> dict:
    """App settings for a bench database."""
    return {"SQLALCHEMY_DATABASE_URI": url, "DEPLOYMENT": "development",
            "SECRET_KEY": "bench-secret",
            "ATTACHMENTS_DIR": str(work / "attachments"), "KB_INDEX_DIR": str(work / "kb-index"),
            "INTAKE_ACKNOWLEDGE": True}


def make_schema(url: str, work: Path) -> None:
    """Create the tables and the reference data."""
    from legaldesk import create_app
    from legaldesk.core.extensions import db
    from legaldesk.tickets.seed import seed_reference_data

    app = create_app(settings(url, work))
    with app.app_context():
        db.create_all()
        seed_reference_data()
        db.session.commit()
        db.engine.dispose()


# --- measurements -------------------------------------------------------------------------


def measure_parse(paths: list[Path]) -> dict:
    """Baseline: the parser alone."""
    from legaldesk.intake.email_parse import EmailParseError, parse_email

    raws = [p.read_bytes() for p in paths]
    start = time.perf_counter()
    failures = 0
    for raw in raws:
        try:
            parse_email(raw)
        except EmailParseError:
            failures += 1
    seconds = time.perf_counter() - start
    return {"messages": len(raws), "seconds": round(seconds, 2),
            "per_second": round(len(raws) / seconds, 1), "unparseable": failures}


def measure_pipeline(paths: list[Path], url: str, work: Path) -> dict:
    """The full pipeline in one process, uninterrupted."""
    from legaldesk import create_app
    from legaldesk.core.extensions import db
    from legaldesk.intake.services import ingest_email

    app = create_app(settings(url, work))
    outcomes: Counter = Counter()
    with app.app_context():
        raws = [p.read_bytes() for p in paths]
        start = time.perf_counter()
        for raw in raws:
            outcomes[ingest_email(raw, now=NOW, source="cli").outcome.value] += 1
        seconds = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    return {"messages": len(paths), "seconds": round(seconds, 2),
            "per_second": round(len(paths) / seconds, 1), "outcomes": dict(outcomes)}


def measure_kill_and_rerun(paths: list[Path], url: str, work: Path, kill_share: float) -> dict:
    """Run the real command, SIGKILL it mid-batch, run it again; check exactly-once."""
    env = {**os.environ, **{f"LEGALDESK_{k}": str(v) for k, v in settings(url, work).items()}}
    command = [str(REPO_ROOT / ".venv" / "bin" / "legaldesk"), "ingest-eml", "--json",
               *map(str, paths)]
    watcher = create_engine(url)
    start = time.perf_counter()
    first = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    stored_at_kill = _kill_after(first, watcher, int(len(paths) * kill_share))
    before_rerun = _state(watcher)
    rerun_start = time.perf_counter()
    second = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                            check=True)
    rerun_seconds = time.perf_counter() - rerun_start
    lines = [json.loads(line) for line in second.stdout.splitlines()]
    check = verify(watcher, paths, lines)
    watcher.dispose()
    return {"killed_after_stored": stored_at_kill, "state_at_kill": before_rerun,
            "total_seconds": round(time.perf_counter() - start, 2),
            "rerun_seconds": round(rerun_seconds, 2),
            "rerun_outcomes": dict(Counter(line["outcome"] for line in lines)), **check}


def _kill_after(process: subprocess.Popen, engine, stored: int) -> int:
    while process.poll() is None:
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM inbound_messages")).scalar_one()
        if count >= stored:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return count
        time.sleep(0.02)
    raise SystemExit("the first run finished before it could be killed: raise --count")


def _state(engine) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM inbound_messages GROUP BY status"))
        return {status: n for status, n in rows}


def verify(engine, paths: list[Path], lines: list[dict]) -> dict:
    """Zero loss: every file has its one inbound row in a final state; zero duplicates: each
    filed message has exactly one ticket message (ignored or quarantined ones none), and
    tickets = created outcomes."""
    from legaldesk.intake.models import InboundMessage
    from legaldesk.tickets.models import Message, Ticket

    expected = {f"bench-{i}@bench.example" for i in range(len(paths))}
    with engine.connect() as conn:
        inbound = conn.execute(select(InboundMessage.external_id, InboundMessage.status,
                                      InboundMessage.outcome, InboundMessage.message_id)).all()
        messages = conn.execute(select(Message.external_id, func.count())
                                .group_by(Message.external_id)).all()
        tickets = conn.execute(select(func.count(Ticket.id))).scalar_one()
    ids = [row.external_id for row in inbound]
    final = {"processed", "ignored", "quarantined"}
    lost = sorted(expected - set(ids))
    unsettled = [row.external_id for row in inbound if row.status not in final]
    per_message = {external_id: n for external_id, n in messages if external_id}
    filed = [row for row in inbound if row.status == "processed"]
    duplicated = [r.external_id for r in filed if per_message.get(r.external_id, 0) != 1]
    stray = [r.external_id for r in inbound
             if r.status != "processed" and r.external_id in per_message]
    created = sum(1 for r in inbound if r.outcome == "created")
    report = {
        "files": len(paths), "inbound_rows": len(ids), "distinct_ids": len(set(ids)),
        "lost": len(lost), "unsettled": len(unsettled), "duplicated_messages": len(duplicated),
        "messages_from_unfiled": len(stray),
        "tickets": tickets, "created_outcomes": created,
        "final_outcomes": dict(Counter(r.outcome for r in inbound)),
        "rerun_lines": len(lines),
    }
    report["exactly_once"] = (not lost and not unsettled and not duplicated and not stray
                              and len(ids) == len(set(ids)) == len(paths)
                              and tickets == created and len(lines) == len(paths))
    return report


def main() -> None:
    """Generate the files, run the three measurements, print one JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kill-share", type=float, default=0.45,
                        help="kill the first run once this share of files is stored")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on PostgreSQL (admin URL, e.g. postgresql+psycopg://"
                             "postgres@127.0.0.1:5432/postgres)")
    args = parser.parse_args()
    report: dict = {"count": args.count}
    with tempfile.TemporaryDirectory(prefix="legaldesk-bench-") as tmp:
        work = Path(tmp)
        (work / "eml").mkdir()
        paths = generate(work / "eml", args.count)
        report["baseline_parse_only"] = measure_parse(paths)
        kinds = ["sqlite"] + (["postgres"] if args.postgres else [])
        for kind in kinds:
            url = fresh_database(kind, work, "bench_pipeline", args.postgres)
            make_schema(url, work)
            report[f"{kind}_pipeline"] = measure_pipeline(paths, url, work)
            url = fresh_database(kind, work, "bench_kill", args.postgres)
            make_schema(url, work)
            report[f"{kind}_kill_and_rerun"] = measure_kill_and_rerun(
                paths, url, work, args.kill_share)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
