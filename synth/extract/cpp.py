"""C++ extraction: functions with a doc comment above them, their `>>>` and stdin/stdout examples."""

from __future__ import annotations

import re

from seidr.runners.problem import Problem, Span
from seidr.synth.extract import Extraction
from seidr.synth.extract.doc_comments import (
    context_without, doc_block_above, line_col, match_brace, parse_examples,
)

_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "catch", "else", "do"}
_DECL = re.compile(r"^\s*(?!#|//|/\*|\*)(?:template\s*<[^>]*>\s*)?[\w:<>,\s\*&~\[\]]*?\b(?P<name>(?:\w+::)*~?\w+)\s*\(")


def _header_end(text: str, start: int) -> tuple[int, str]:
    """Offset of the ``{`` or ``;`` that ends the declaration starting at ``start``, and which it is."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and c in "{;":
            return i, c
    return -1, ""


_SCOPE = re.compile(r"^\s*(?:namespace|struct|class)\s+(?P<name>\w+)[^;{]*\{")



def _only_comments(body: str) -> bool:
    """Whether a body holds nothing but comments and blanks, read in one pass (a pattern over the whole body
    backtracked exponentially on comments holding ``//``)."""
    i, n = 0, len(body)
    while i < n:
        if body[i].isspace():
            i += 1
        elif body.startswith("//", i):
            end = body.find("\n", i)
            i = n if end < 0 else end + 1
        elif body.startswith("/*", i):
            end = body.find("*/", i + 2)
            if end < 0:
                return False
            i = end + 2
        else:
            return False
    return True

def _scopes(text: str, offsets: list[int], lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of each namespace, struct and class, so members get qualified names."""
    spans = []
    for n, line in enumerate(lines):
        m = _SCOPE.match(line)
        if m:
            close = match_brace(text, offsets[n] + line.index("{"))
            if close > 0:
                spans.append((n, line_col(text, close)[0], m.group("name")))
    return spans


def extract(text: str, path: str | None = None) -> Extraction:
    lines = text.splitlines()
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    scopes = _scopes(text, offsets, lines)
    result = Extraction("cpp")
    for n, line in enumerate(lines):
        m = _DECL.match(line)
        if not m or m.group("name").split("::")[-1] in _KEYWORDS:
            continue
        first, block = doc_block_above(lines, n)
        if not block:
            continue
        end, kind = _header_end(text, offsets[n])
        if end < 0:
            continue
        description, examples = parse_examples(block)
        start_line = n
        while start_line > 0 and re.match(r"^\s*template\s*<", lines[start_line - 1]):
            start_line -= 1
        header = text[offsets[start_line]:end].strip()
        if kind == ";":
            end_line, _ = line_col(text, end)
            code = text[offsets[start_line]:end + 1]
            body_span = None
            is_stub = True
        else:
            close = match_brace(text, end)
            if close < 0:
                continue
            end_line, end_col = line_col(text, close)
            code = text[offsets[start_line]:close + 1]
            body = text[end + 1:close]
            bl, bc = line_col(text, end + 1)
            body_span = Span(bl, bc, end_line, end_col)
            is_stub = _only_comments(body) and ("TODO" in body or not body.strip())
        name = "::".join([t for s, e, t in scopes if s < n <= e] + [m.group("name")])
        result.problems.append(Problem(
            language="cpp",
            name=name.replace("::", "."),
            signature=header,
            description=description,
            examples=tuple(examples),
            context=context_without(lines, start_line, end_line),
            code=code,
            path=path,
            line=n,
            code_span=Span(start_line, 0, end_line, len(lines[end_line]) if end_line < len(lines) else 0),
            body_span=body_span,
            is_stub=is_stub,
            meta={"call_name": name, "doc_start": first},
        ))
    return result
