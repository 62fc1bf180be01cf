"""Reconciliation: compare our payments with the gateway's history, day by day."""
