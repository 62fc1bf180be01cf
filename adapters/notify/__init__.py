"""Notifiers: where domain events go after commit."""
