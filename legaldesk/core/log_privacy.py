"""Logs without personal text: exception messages of the app's loggers are masked.

An exception raised while handling a question, a message or a search may carry its words (a
parser error quoting the text, a database error listing the statement's parameters). The
traceback's frames say where it failed, which is what an operator needs; the message is
replaced by « [texte masqué] ». SQL parameters are also hidden at the engine
(`hide_parameters`, see `configure_logging`). Access logs drop query strings (access_log.py).
"""

from __future__ import annotations

import logging
import traceback

HIDDEN = "[texte masqué]"
# Loggers whose records may concern requests with personal text.
SCRUBBED_PREFIXES = ("legaldesk", "flask", "werkzeug", "sqlalchemy", "apscheduler")
_INSTALLED = "_legaldesk_scrubber"


def scrubbed_traceback(exc_info) -> str:
    """The traceback's frames, each exception of the chain named by its type only."""
    _kind, value, _tb = exc_info
    lines: list[str] = []
    seen: set[int] = set()
    chain = []
    while value is not None and id(value) not in seen:
        seen.add(id(value))
        chain.append(value)
        value = value.__cause__ or value.__context__
    for exc in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.format_tb(exc.__traceback__)
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}: {HIDDEN}\n")
    return "".join(lines).rstrip("\n")


def install_exception_scrubber() -> None:
    """Wrap the log-record factory once per process: records of SCRUBBED_PREFIXES loggers keep
    their traceback frames but lose the exception messages."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.exc_info and record.exc_info[1] is not None and \
                record.name.split(".")[0] in SCRUBBED_PREFIXES:
            record.exc_text = scrubbed_traceback(record.exc_info)
            record.exc_info = None
        return record

    setattr(factory, _INSTALLED, True)
    logging.setLogRecordFactory(factory)
