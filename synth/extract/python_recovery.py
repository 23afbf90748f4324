"""Python extraction's recovery from a syntax error: the module parsed again with the broken top-level block
blanked out, so the functions around it still have their examples checked."""

from __future__ import annotations

import ast
import re
import warnings

from seidr.synth.extract import SourceMessage

# how many times a broken module is parsed again with one more top-level block blanked out
_MAX_REPAIRS = 25
# a line that starts a top-level statement (not a continuation of the one above it)
_TOP_LEVEL = re.compile(r"(?!(?:else|elif|except|finally)\b)[^\s#)\]}]")


_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def _unreadable_character(source) -> SourceMessage | None:
    """A NUL or a lone surrogate, which Python refuses before it parses anything; each is replaced (by a
    space, by U+FFFD) so that what can be found is still found."""
    found = None
    for n, line in enumerate(source.lines):
        bad = _UNREADABLE.search(line) if "\0" in line or not line.isascii() else None
        if bad is None:
            continue
        if found is None:
            char = bad.group()
            what = "a NUL character" if char == "\0" else f"an unpaired surrogate ({ascii(char)[1:-1]})"
            found = SourceMessage(n, source.shown(n, bad.start()),
                                  f"the file holds {what}, which Python source cannot hold")
        source.lines[n] = _UNREADABLE.sub(lambda m: " " if m.group() == "\0" else "\ufffd", line)
    return found


def parse_module(source) -> tuple[ast.Module | None, SourceMessage | None]:
    """The module's tree and the first syntax error; after an error, the top-level block around it is
    blanked out (lines kept, so positions hold) and the rest parsed again."""
    first = _unreadable_character(source)
    for _ in range(_MAX_REPAIRS):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
                return ast.parse("\n".join(source.lines)), first
        except SyntaxError as exc:
            error = _syntax_message(source, exc)
        except (RecursionError, MemoryError):
            return None, first or SourceMessage(0, 0, "the code is nested too deeply for Python's parser")
        except SystemError as exc:  # the parser's own failure (CPython 3.11's recursion bookkeeping)
            return None, first or SourceMessage(0, 0, f"Python's parser failed on this file: {exc}")
        except ValueError as exc:  # NUL bytes on Pythons that raise ValueError for them
            return None, first or SourceMessage(0, 0, str(exc))
        first = first or error
        if not _blank_block(source.lines, error.line):
            return None, first
    return None, first


def _syntax_message(source, exc: SyntaxError) -> SourceMessage:
    last = len(source.lines) - 1
    line = min(max((exc.lineno or 1) - 1, 0), last)
    text = source.lines[line]
    col = min(max((exc.offset or 1) - 1, 0), len(text))
    if isinstance(exc, IndentationError) and not (exc.msg or "").startswith("expected"):
        col = len(text) - len(text.lstrip())  # Python's column for a bad indent is inside it, or past the line
    end_line = end_col = None
    if exc.end_lineno and exc.end_offset and (exc.end_lineno - 1, exc.end_offset - 1) > (line, col):
        end_line = min(exc.end_lineno - 1, last)
        end_col = source.shown(end_line, min(exc.end_offset - 1, len(source.lines[end_line])))
    return SourceMessage(line, source.shown(line, col), exc.msg or "invalid syntax", end_line=end_line,
                         end_col=end_col)


def _blank_block(lines: list[str], line: int) -> bool:
    """Take the broken code around ``line`` out: the innermost method (or nested class) holding it becomes
    ``pass``, so the rest of its class survives; at the top level, the whole statement with its decorators
    is blanked. False if nothing was left to take out."""
    line = min(max(line, 0), len(lines) - 1)
    inner = _enclosing_definition(lines, line)
    if inner is not None:
        start, end, indent = inner
        if lines[start] != indent + "pass" or any(lines[start + 1:end]):
            lines[start:end] = [indent + "pass"] + [""] * (end - start - 1)
            return True
    start = line
    while start > 0 and not _TOP_LEVEL.match(lines[start]):
        start -= 1
    while start > 0 and lines[start - 1].startswith("@"):
        start -= 1
    end = line + 1
    while end < len(lines) and not _TOP_LEVEL.match(lines[end]):
        end += 1
    changed = any(lines[start:end])
    lines[start:end] = [""] * (end - start)
    return changed


_DEFINITION = re.compile(r"([ \t]*)(?:async[ \t]+def|def|class)\b")


def _indent(text: str) -> int | None:
    """The width of a line's indentation, or None for a blank or comment line (which says nothing)."""
    stripped = text.lstrip()
    return None if not stripped or stripped.startswith("#") else len(text) - len(stripped)


def _enclosing_definition(lines: list[str], line: int) -> tuple[int, int, str] | None:
    """(first line with decorators, end line, indentation) of the innermost indented ``def`` or ``class``
    holding ``line``, judged by indentation alone; None at the top level."""
    limit = _indent(lines[line])
    found = None
    for n in range(line, -1, -1):
        width = _indent(lines[n])
        if width is None or (n != line and limit is not None and width >= limit):
            continue
        limit = width
        match = _DEFINITION.match(lines[n])
        if match:
            found = n, match.group(1)
            break
        if width == 0:
            return None
    if found is None or not found[1]:
        return None
    start, indent = found
    while start > 0 and lines[start - 1].startswith(indent + "@"):
        start -= 1
    end = line + 1
    while end < len(lines) and (_indent(lines[end]) is None or _indent(lines[end]) > len(indent)):
        end += 1
    return start, end, indent
