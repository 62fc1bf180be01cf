"""The Litestar HTTP app: thin controllers that decode, call one use-case, encode."""
