"""Logging: structlog over the standard library, every line redacted.

The one redaction step (application/redaction.py) runs in the log record factory, so
every record — ours, structlog's, Litestar's, uvicorn's — is masked before any handler
sees it. The configured secret values are registered with the redactor at startup.

The log record factory is process-wide (the standard library keeps one), so the
`Redactor` it masks with is too: `install_redaction` creates it on first use and every
later call (each app, worker or CLI built in this process) registers its settings'
secrets with the same one and gets it back. The composition root injects that redactor
into the use cases that store raw input, so logs and the inbox mask alike.

Tracebacks are formatted here, plainly, never with local variables (structlog's console
renderer would use rich's formatter, which prints every frame's locals: a card number
from a request body, or a token). The formatted stack is redacted before it is written,
and JSON lines carry it as text. Control characters in logged values are escaped, so a
CRLF inside a student id cannot forge a log line.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from typing import Any

import structlog

from adapters.system.request_id import current_request_id
from application.redaction import Redactor
from entrypoints.settings import Settings

_redactor: Redactor | None = None  # the log record factory's, once installed


def _redacting_factory(base: Any, redactor: Redactor) -> Any:
    redact_text, redact_value = redactor.redact_text, redactor.redact_value

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = base(*args, **kwargs)
        if isinstance(record.msg, str):  # redact the merged text: a secret may be an arg
            try:
                merged = record.getMessage()
            except (TypeError, ValueError):
                merged = f"{record.msg} {record.args!r}"
            record.msg, record.args = redact_text(merged), ()
        else:  # structlog's event dict (and anything else logged as an object)
            record.msg = redact_value(record.msg)
            if record.args:
                record.args = redact_value(record.args)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return record

    return factory


def _add_request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    request_id = current_request_id.get()
    if request_id and "request_id" not in event:
        event["request_id"] = request_id
    return event


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|[\r\n]")


def _escape(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _plain_redacted_exception(redactor: Redactor) -> Any:
    def processor(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        """exc_info -> `exception`: the plain stack (no locals), redacted, as text."""
        exc_info = event.pop("exc_info", None)
        if exc_info is True:
            exc_info = sys.exc_info()
        if isinstance(exc_info, BaseException):  # formatted with its own stack
            event["exception"] = "".join(traceback.format_exception(exc_info))
        elif isinstance(exc_info, tuple) and exc_info[1] is not None:
            event["exception"] = "".join(traceback.format_exception(*exc_info))
        if "exception" in event:
            event["exception"] = redactor.redact_text(str(event["exception"]))
        return event

    return processor


def _escape_control_characters(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key != "exception" and isinstance(value, str):
            event[key] = _escape(value)
    return event


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    _add_request_id,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def process_redactor() -> Redactor:
    """The redactor every log record of this process goes through (made on first use)."""
    global _redactor
    if _redactor is None:
        _redactor = Redactor()
        logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory(),
                                                       _redactor))
        structlog.configure(
            processors=[*SHARED_PROCESSORS,
                        structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            cache_logger_on_first_use=False,  # a logger used before this call must not
                                              # keep structlog's default, unredacted output
        )
    return _redactor


def install_redaction(settings: Settings) -> Redactor:
    """Register the secret values and route structlog through stdlib (idempotent);
    returns the process's redactor, for the composition root to inject."""
    redactor = process_redactor()
    for name in dir(settings):  # every configured secret: app, webhook, JWT, platform hooks
        value = getattr(settings, name)
        if "secret" in name and isinstance(value, str):
            redactor.register(value)
    return redactor


def log_formatter(log_format: str, redactor: Redactor | None = None) -> logging.Formatter:
    """Console or JSON lines; either way stacks are plain, redacted (by the process's
    redactor unless told otherwise) and without locals."""
    renderer: Any = (structlog.processors.JSONRenderer() if log_format == "json"
                     else structlog.dev.ConsoleRenderer(
                         colors=False, exception_formatter=structlog.dev.plain_traceback))
    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    _plain_redacted_exception(redactor or process_redactor()),
                    _escape_control_characters, renderer],
        foreign_pre_chain=SHARED_PROCESSORS)


def configure_logging(settings: Settings) -> None:
    """One handler on the root logger: JSON lines outside development, console inside."""
    redactor = install_redaction(settings)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter(settings.log_format, redactor))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    skip_unused_record_fields()


def skip_unused_record_fields() -> None:
    """No line we write shows the caller's file and line, thread or process, so records
    do not collect them: the standard library's documented optimisation (Logging HOWTO,
    "Optimization"); finding the caller walks the stack on every record. It took a fifth
    of an access line's cost (docs/benchmarks.md)."""
    logging._srcfile = None  # the HOWTO's switch for caller information
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
