"""In-process gateway for unit tests, BDD and quick demos. Refused in production."""
