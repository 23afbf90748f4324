"""``Limits``: how much time, memory and output one program may use while it is judged."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    example_seconds: float = 2.0
    program_seconds: float = 10.0
    memory_mb: int = 512
    output_bytes: int = 64 * 1024
    file_size_mb: int = 16
    processes: int = 64  # processes and threads at once: thread pools and test suites start dozens
    open_files: int = 64
    test_seconds: float = 30.0  # one pytest test of the user's own code: they take as long as under pytest

    def key(self) -> tuple:
        """What a cached verdict depends on."""
        return tuple(sorted(asdict(self).items()))
