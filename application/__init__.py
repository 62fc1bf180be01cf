"""Use-cases and the ports they talk to the world through. No frameworks, no adapters."""
