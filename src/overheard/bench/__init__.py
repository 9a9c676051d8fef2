"""Benchmarks: speed and memory, run by hand and recorded in docs/BENCHMARKS.md."""
