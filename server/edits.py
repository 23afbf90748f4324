"""Put a program into a document safely: the new text (Python: exactly the body; C++/Rust/Verus: the function's
text), as the fewest whole-line text edits, sent as a versioned ``TextDocumentEdit``."""
from __future__ import annotations

import difflib
import re
from typing import Callable, Sequence

from lsprotocol import types

from seidr.runners.problem import Problem
from seidr.synth.edits import EditError, replace_body

__all__ = ["EditError", "new_text", "text_edits", "workspace_edit"]

# lines a native program needs at the top of the file rather than beside the function
_HOISTED = {"cpp": re.compile(r"^\s*#\s*include\b"), "rust": re.compile(r"^\s*use\s"),
            "verus": re.compile(r"^\s*use\s")}
_FILE_HEADER = re.compile(r"^\s*(//(?!/)|//!|#!\[)")
_DOC_COMMENT = re.compile(r"^\s*(///|//!|/\*\*|\*|\*/)")


def _offset(lines: Sequence[str], line: int, col: int) -> int:
    return sum(len(x) for x in lines[:line]) + col


def _native(text: str, problem: Problem, code: str) -> str:
    """``text`` with the function's span replaced by ``code``; ``#include``/``use`` lines the file lacks go
    after the file's last one (or at its top), and a doc comment the program repeats is dropped."""
    span = problem.code_span
    if span is None:
        raise EditError(f"seidr does not know where {problem.name} sits in the file")
    hoist_pattern = _HOISTED.get(problem.language)
    code_lines = code.strip("\n").splitlines()
    hoisted = []
    while code_lines and (_DOC_COMMENT.match(code_lines[0]) or not code_lines[0].strip()
                          or (hoist_pattern and hoist_pattern.match(code_lines[0]))):
        line = code_lines.pop(0)
        if hoist_pattern and hoist_pattern.match(line):
            hoisted.append(line.strip())
    if not code_lines:
        raise EditError(f"the program for {problem.name} is empty")
    lines = text.splitlines(True)
    start, end = _offset(lines, span.start_line, span.start_col), _offset(lines, span.end_line, span.end_col)
    out = text[:start] + "\n".join(code_lines) + text[end:]
    have = {line.strip() for line in out.splitlines()}
    missing = [h for h in dict.fromkeys(hoisted) if h not in have]
    if not missing:
        return out
    out_lines = out.splitlines(True)
    at = 0
    for i, line in enumerate(out_lines):
        if hoist_pattern.match(line):
            at = i + 1
    if at == 0:  # no include/use yet: below the file's opening comments and crate attributes
        while at < len(out_lines) and _FILE_HEADER.match(out_lines[at]):
            at += 1
    return "".join(out_lines[:at]) + "".join(m + "\n" for m in missing) + "".join(out_lines[at:])


def new_text(text: str, problem: Problem, code: str) -> str:
    """The document's text with ``code`` as the implementation of ``problem`` (found in ``text``)."""
    if problem.language == "python":
        return replace_body(text, problem.name, code)
    return _native(text, problem, code)


def text_edits(old: str, new: str, units: Callable[[str], int]) -> list[types.TextEdit]:
    """Whole-line edits that turn ``old`` into ``new``, touching only the lines that differ.
    ``units(line)`` is a line's length in the client's position units."""
    a, b = old.splitlines(True), new.splitlines(True)

    def position(i: int) -> types.Position:
        if i < len(a) or not a or a[-1].endswith(("\n", "\r")):
            return types.Position(i, 0)
        return types.Position(len(a) - 1, units(a[-1]))  # the end of a last line with no newline

    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(types.TextEdit(range=types.Range(position(i1), position(i2)), new_text="".join(b[j1:j2])))
    return edits


def workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit], versioned: bool) -> types.WorkspaceEdit:
    """A versioned ``TextDocumentEdit`` where the client takes ``documentChanges``, else plain ``changes``
    (the caller checked the version just before sending)."""
    if versioned:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)])
    return types.WorkspaceEdit(changes={uri: edits})
