"""The real iK Pay adapter of the PaymentGateway port (see IKHOKHA.md)."""

from adapters.ikhokha.gateway import IkhokhaGateway

__all__ = ["IkhokhaGateway"]
