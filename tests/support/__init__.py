"""Helpers the tests and benchmarks share: a scripted model server, workspaces, process checks."""
