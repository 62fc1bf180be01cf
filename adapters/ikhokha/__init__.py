"""The real iK Pay adapter of the PaymentGateway port (see docs/ikhokha.md)."""

from adapters.ikhokha.gateway import IkhokhaGateway

__all__ = ["IkhokhaGateway"]
