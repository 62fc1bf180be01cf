"""How a use-case's refusal becomes the sentence an operator reads in a flash message,
and how a fault is told apart from a refusal (a fault is re-raised by the caller, so it
becomes the usual logged 500/503 problem instead of a message).

Shared by every operator form (review, refund, confirm, resend, lift a risk block).
"""

from __future__ import annotations

from domain.classification import ClassifiedFailure, classify
from domain.errors import DomainError


def sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else ""


def refusal_detail(failure: Exception) -> str | None:
    """Why a use-case said no, in words; None for a fault (the caller re-raises it, so it
    becomes the usual logged 500/503 problem)."""
    refused = classify(failure)
    if refused.code in ("internal_error", "storage_unavailable"):
        return None
    if isinstance(failure, ClassifiedFailure):
        return failure.detail or refused.user_message
    if isinstance(failure, DomainError):
        return str(failure)
    return f"{refused.title}: {refused.user_message}"  # e.g. iKhokha unreachable


def refused_text(failure: Exception, plain: dict[str, str] | None = None) -> str | None:
    """The refusal as a sentence (`plain` rewords some codes); None for a fault."""
    detail = refusal_detail(failure)
    if detail is None:
        return None
    return (plain or {}).get(classify(failure).code) or sentence(detail)
