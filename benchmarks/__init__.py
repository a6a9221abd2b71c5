"""Benchmark helpers (scripts/bench_scale.py): the URL log extension and the bare spider."""
