"""Every error leaves as application/problem+json (RFC 9457): no stack trace, no secret."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)

from domain.classification import CATALOGUE, ClassifiedFailure, Severity, classify
from entrypoints.http.schemas import Problem

log = logging.getLogger("skillpay.http")


class ErrorCounter(Protocol):
    def error(self, category: str, code: str) -> None: ...


ExceptionHandler = Callable[[Request, Exception], Response[bytes]]
PROBLEM_JSON = "application/problem+json"
_LEVELS = {Severity.INFO: logging.INFO, Severity.WARNING: logging.WARNING,
           Severity.ERROR: logging.ERROR, Severity.CRITICAL: logging.CRITICAL}
_HTTP_CODES = {400: "invalid_request", 401: "unauthenticated", 403: "forbidden",
               404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def problem_for(code: str, detail: str, instance: str | None = None,
                failure: BaseException | None = None) -> tuple[Problem, dict[str, str]]:
    """`failure` may carry `extra` members that tell the client what to do instead
    (already_enrolled names the existing enrollment; risk_blocked brings the rule's own
    words for the student as `user_message`)."""
    c = CATALOGUE[code]
    extra = getattr(failure, "extra", None) or {}
    problem = Problem(type=f"https://docs.betaskill.co.za/payments/errors#{code}",
                      title=c.title, status=c.http_status, detail=detail, code=code,
                      category=c.category.value, retryable=c.retryable,
                      user_message=extra.get("user_message") or c.user_message,
                      instance=instance,
                      enrollment_id=extra.get("enrollment_id"))
    return problem, {}


def problem_response(code: str, detail: str, instance: str | None = None,
                     retry_after_s: float | None = None,
                     failure: BaseException | None = None) -> Response[bytes]:
    problem, headers = problem_for(code, detail, instance, failure)
    if retry_after_s is not None or code in ("gateway_rate_limited", "gateway_circuit_open"):
        headers["Retry-After"] = str(max(1, int(retry_after_s or 1)))
    return Response(msgspec.json.encode(problem), status_code=problem.status,
                    media_type=PROBLEM_JSON, headers=headers)


_UNPARSABLE = ("malformed", "invalid json", "truncated", "not valid json")
CENTS_HINT = "amounts are integer cents, e.g. 49900 for R499.00"


def _unparsable(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _UNPARSABLE)


def _field_message(error: dict[str, Any]) -> str:
    """`price.amount: Expected int >= 1 (amounts are integer cents, ...)`: what to fix."""
    key, message = str(error.get("key") or ""), str(error.get("message", ""))
    hint = f" ({CENTS_HINT})" if key.rsplit(".", 1)[-1] == "amount" else ""
    return f"{key}: {message}{hint}" if key else message


def _detail_of_validation(exc: ValidationException) -> tuple[str, str]:
    messages = [_field_message(e) for e in (exc.extra or []) if isinstance(e, dict)]
    text = "; ".join(m for m in messages if m) or str(exc.detail)
    if _unparsable(text):
        return "malformed_json", "the body is not valid JSON"
    return "invalid_request", text[:500]


def exception_handler(metrics: ErrorCounter) -> ExceptionHandler:
    """The app's handler for every exception: a problem answer, counted in `metrics`."""

    def counted(request: Request, exc: Exception) -> Response[bytes]:
        response = handle_exception(request, exc)
        problem = msgspec.json.decode(response.content, type=Problem)
        metrics.error(problem.category, problem.code)
        return response

    return counted


def handle_exception(request: Request, exc: Exception) -> Response[bytes]:
    """The problem answer for `exc` (not counted: see `exception_handler`)."""
    path = request.url.path
    if isinstance(exc, ClassifiedFailure):
        c = classify(exc)
        log.log(_LEVELS[c.severity], "request failed: %s", c.code)
        return problem_response(c.code, exc.detail or c.title, path, exc.retry_after_s, exc)
    if isinstance(exc, ValidationException):
        code, detail = _detail_of_validation(exc)
        return problem_response(code, detail, path)
    if isinstance(exc, (NotAuthorizedException, PermissionDeniedException, NotFoundException)):
        return problem_response(_HTTP_CODES[exc.status_code], str(exc.detail), path)
    if isinstance(exc, MethodNotAllowedException):
        response = problem_response("method_not_allowed",
                                    f"{request.method} is not allowed here", path)
        response.headers["Allow"] = str((exc.headers or {}).get("allow", ""))
        return response
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        code = _HTTP_CODES.get(exc.status_code, "invalid_request")
        if code == "invalid_request" and _unparsable(str(exc.detail)):
            return problem_response("malformed_json", "the body is not valid JSON", path)
        return problem_response(code, str(exc.detail)[:300], path)
    c = classify(exc)  # the database unreachable arrived above, as StorageUnavailable
    if c.code == "internal_error":
        log.error("unexpected failure on %s: %s", path, type(exc).__name__, exc_info=exc)
    else:
        log.log(_LEVELS[c.severity], "request failed: %s", c.code)
    return problem_response(c.code, c.title, path)
