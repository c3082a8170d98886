"""Benchmarks that print numbers: ``python -m visualbp.bench [core|gui|all] [--json]``.

Speed targets live here, never in unit tests: the machines are shared and noisy,
so every figure is a median over repeats and is reported as a ratio against a
baseline timed in the same run.
"""
