"""In-memory storage with real transaction semantics, for tests and quick demos."""
