"""Benchmarks and batch runs: datasets as Problems, pass@k, runs that resume, reports, Codex-Runner batches."""
