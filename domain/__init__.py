"""The payment domain: pure Python, no frameworks, no I/O."""
