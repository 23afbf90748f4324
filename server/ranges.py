"""Where a mark goes in the client's document: a line range in the client's position units, and counts in
words, shared by the diagnostics and the related tests' marks."""
from __future__ import annotations

from typing import Callable, Sequence

from lsprotocol import types

# (line text, code-point column) -> the column in the client's position units
Units = Callable[[str, int], int]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def line_range(lines: Sequence[str], first: int, last: int | None, units: Units) -> types.Range:
    """From the first non-blank character of ``first`` to the end of ``last``, clamped to the document."""
    if not lines:
        return types.Range(types.Position(0, 0), types.Position(0, 0))
    first = min(max(first, 0), len(lines) - 1)
    last = min(max(first if last is None else last, first), len(lines) - 1)
    head, tail = lines[first].rstrip("\r\n"), lines[last].rstrip("\r\n")
    start = len(head) - len(head.lstrip())
    return types.Range(types.Position(first, units(head, start)), types.Position(last, units(tail, len(tail))))
