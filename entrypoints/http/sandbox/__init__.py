"""Sandbox-only pages: a student buys a course and watches it unlock; an admin views
payments. Registered only by `skillpay sandbox`, never by `serve`."""
