"""Metrics adapters: Prometheus for production, a recording fake for tests, and the
decorators that measure the gateway and count committed events."""
