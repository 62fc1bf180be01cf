"""Benchmarks: run with `make bench`; they print numbers and ratios, never assert."""
