"""The real clock and id generator."""
