"""One class per use-case, each with one public method taking a command."""
