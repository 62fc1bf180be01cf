"""Port: the risk rules' counters (application/risk.py)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class RiskMetrics(Protocol):
    """The risk rules' counters.

    Contract: cheap, synchronous, never raise; per process, not persisted (the rules'
    durable records are the `RiskStore`'s).
    """

    def risk_decision(self, rule: str, outcome: str) -> None:
        """One rule judged one action: outcome allow, review or block."""
        ...

    def risk_block_lifted(self, rule: str) -> None:
        """An operator lifted a block of this rule."""
        ...
