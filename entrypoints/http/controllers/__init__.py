"""One controller per resource of docs/api.md."""
