"""Outbound platform webhooks: Standard Webhooks signing, an HTTP sender, storage."""
