"""Composition root, configuration, HTTP app and CLI: the only place that wires."""
