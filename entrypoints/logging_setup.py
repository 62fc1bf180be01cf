"""Logging: structlog over the standard library, every line redacted.

The one redaction step (application/redaction.py) runs in the log record factory, so
every record — ours, structlog's, Litestar's, uvicorn's — is masked before any handler
sees it. The configured secret values are registered with the redactor at startup.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from adapters.system.request_id import current_request_id
from application.redaction import redact_text, redact_value, register_secret
from entrypoints.settings import Settings

_installed = False


def _redacting_factory(base: Any) -> Any:
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


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    _add_request_id,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def install_redaction(settings: Settings) -> None:
    """Register the secret values and route structlog through stdlib (idempotent)."""
    global _installed
    for name in dir(settings):  # every configured secret: app, webhook, JWT, platform hooks
        value = getattr(settings, name)
        if "secret" in name and isinstance(value, str):
            register_secret(value)
    if _installed:
        return
    _installed = True
    logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
    structlog.configure(
        processors=[*SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # a logger used before this call must not keep
                                          # structlog's default, unredacted output
    )


def configure_logging(settings: Settings) -> None:
    """One handler on the root logger: JSON lines outside development, console inside."""
    install_redaction(settings)
    renderer: Any = (structlog.processors.JSONRenderer() if settings.log_format == "json"
                     else structlog.dev.ConsoleRenderer(colors=False))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=SHARED_PROCESSORS))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
