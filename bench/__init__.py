"""Benchmark harness for `auditor audit` (not a test suite): see bench/run.py."""
