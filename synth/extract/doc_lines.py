"""Which document line each line of a docstring's value starts on: escapes (``\\n``), line continuations and
implicitly joined literals make the two differ."""

from __future__ import annotations

import ast
import codecs
import re

_STRING_START = re.compile(r"([rRuU]?)('''|\"\"\"|'|\")")
_PLAIN = re.compile(r"[^\\\n'\"]+")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|[0-7]{1,3})")
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v"}


def line_starts(doc: ast.Constant, source) -> list[int]:
    """For each line of the docstring's value (as doctest numbers them), the document line it starts on.
    Escapes (``\\n``), line continuations and implicitly joined literals make the two differ."""
    first, last = doc.lineno - 1, doc.end_lineno - 1
    value_lines = doc.value.count("\n")
    first_col = source.col(first, doc.col_offset)
    segment = source.text(first, first_col, last, source.col(last, doc.end_col_offset))
    if "\\" not in segment and last - first == value_lines:
        return list(range(first, last + 1))
    try:
        scanned = _scan_literal(segment, first)
    except (ValueError, UnicodeError, IndexError):
        scanned = None
    if scanned is not None and scanned[0] == doc.value:
        return scanned[1]
    return list(range(first, first + value_lines + 1))


class _Decoded:
    """The value being decoded, and the document line each of its lines starts on: where its first
    character is, which for a line after an escaped ``\\n`` may be a later literal on a later line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.pending = True  # the next character starts a new line of the value

    def emit(self, text: str, line: int) -> None:
        if self.pending:
            self.starts.append(line)
        self.parts.append(text)
        newlines = text.count("\n")
        self.starts.extend([line] * (newlines - text.endswith("\n")))
        self.pending = text.endswith("\n")


def _scan_literal(segment: str, line: int) -> tuple[str, list[int]] | None:
    """Decode the string literal(s) in ``segment`` as Python does, noting the document line on which each
    line of the value starts; None for anything it does not understand (the caller then counts lines)."""
    value = _Decoded()
    pos, size = 0, len(segment)
    while pos < size:
        char = segment[pos]
        if char == "\n" or segment.startswith("\\\n", pos):
            line += 1
            pos += 1 if char == "\n" else 2
            continue
        if char in " \t\f":
            pos += 1
            continue
        if char == "#":
            pos = segment.find("\n", pos)
            pos = size if pos < 0 else pos
            continue
        opening = _STRING_START.match(segment, pos)
        if opening is None:
            return None
        raw, quote = opening.group(1) in ("r", "R"), opening.group(2)
        pos = opening.end()
        while not segment.startswith(quote, pos):
            if pos >= size:
                return None
            char = segment[pos]
            if char == "\n":
                value.emit("\n", line)
                line += 1
                pos += 1
            elif char == "\\":
                following = segment[pos + 1:pos + 2]
                if following == "\n":
                    if raw:
                        value.emit("\\\n", line)
                    line += 1
                    pos += 2
                elif raw:
                    value.emit(char + following, line)
                    pos += 2
                elif following in _SIMPLE_ESCAPES:
                    value.emit(_SIMPLE_ESCAPES[following], line)
                    pos += 2
                else:
                    escape = _ESCAPE.match(segment, pos)
                    if escape is None:
                        value.emit("\\", line)
                        pos += 1
                        continue
                    value.emit(codecs.decode(escape.group(0), "unicode_escape"), line)
                    pos = escape.end()
            else:
                plain = _PLAIN.match(segment, pos)
                end = plain.end() if plain else pos + 1
                value.emit(segment[pos:end], line)
                pos = end
        pos += len(quote)
    if value.pending:
        value.starts.append(line)
    return "".join(value.parts), value.starts
