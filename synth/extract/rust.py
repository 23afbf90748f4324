"""Rust extraction: functions with `///` docs, their doc-test asserts and `>>>` examples; `todo!()` stubs."""

from __future__ import annotations

import re

from seidr.runners.example import Example
from seidr.runners.problem import Problem, Span
from seidr.synth.extract import Extraction
from seidr.synth.extract.doc_comments import (
    context_without, doc_block_above, line_col, match_brace, parse_examples,
)

# exec functions only: Verus's spec/proof functions are context, not problems
_FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+|async\s+|unsafe\s+|exec\s+)*fn\s+(?P<name>\w+)")
_IMPL = re.compile(r"^\s*impl(?:\s*<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?(?P<type>\w+)[^{]*\{")
_PLACEHOLDER = re.compile(r"(?:todo|unimplemented)!\s*\([^)]*\)\s*;?\s*(?://[^\n]*)?")
_ASSERT = re.compile(r"^\s*(assert_eq!|assert_ne!|assert!)")


def _is_stub(body: str) -> bool:
    """A body that is only ``todo!(...)`` or ``unimplemented!(...)`` among comment lines. Read line by line, in
    time linear in the body: a pattern over the whole body backtracked exponentially on comments holding ``//``."""
    code = " ".join(line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("//"))
    return _PLACEHOLDER.fullmatch(code) is not None


def _without_comment(line: str) -> str:
    """The line without a trailing ``// comment`` (outside string literals): the harness puts the assert on one
    line with more code after it, which such a comment would swallow."""
    quoted = escaped = False
    for i, c in enumerate(line):
        if quoted:
            escaped, quoted = (False, True) if escaped else (c == "\\", c != '"')
        elif c == '"':
            quoted = True
        elif line.startswith("//", i):
            return line[:i].rstrip()
    return line


def _doc_tests(block: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Example]]:
    """Pull the assert lines out of ```` ``` ```` code blocks; the rest stays for prose and `>>>`."""
    rest, examples, in_code = [], [], False
    for line_no, text in block:
        if text.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            if _ASSERT.match(text):
                examples.append(Example(source=_without_comment(text).strip(), line=line_no, kind="assert"))
            continue
        rest.append((line_no, text))
    return rest, examples


def _impls(text: str, offsets: list[int], lines: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    for n, line in enumerate(lines):
        m = _IMPL.match(line)
        if m:
            close = match_brace(text, offsets[n] + line.index("{"))
            if close > 0:
                spans.append((n, line_col(text, close)[0], m.group("type")))
    return spans


def extract(text: str, path: str | None = None, language: str = "rust") -> Extraction:
    lines = text.splitlines()
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    impls = _impls(text, offsets, lines)
    result = Extraction(language)
    for n, line in enumerate(lines):
        m = _FN.match(line)
        if not m:
            continue
        first, block = doc_block_above(lines, n)
        rest, asserts = _doc_tests(block)
        description, examples = parse_examples(rest)
        open_at = text.find("{", offsets[n])
        semi = text.find(";", offsets[n])
        if open_at < 0 or (0 <= semi < open_at and "(" in text[offsets[n]:semi]
                           and text[offsets[n]:semi].count("(") == text[offsets[n]:semi].count(")")):
            continue  # a trait method's declaration
        close = match_brace(text, open_at)
        if close < 0:
            continue
        end_line, end_col = line_col(text, close)
        body = text[open_at + 1:close]
        owner = next((t for s, e, t in impls if s < n <= e), None)
        name = f"{owner}::{m.group('name')}" if owner else m.group("name")
        if name == "main" and not examples:
            continue
        bl, bc = line_col(text, open_at + 1)
        result.problems.append(Problem(
            language=language,
            name=name.replace("::", "."),
            signature=text[offsets[n]:open_at].strip(),
            description=description,
            examples=tuple(sorted(asserts + examples, key=lambda e: e.line)),
            context=context_without(lines, n, end_line),
            code=text[offsets[n]:close + 1],
            path=path,
            line=n,
            code_span=Span(n, 0, end_line, end_col + 1),
            body_span=Span(bl, bc, end_line, end_col),
            is_stub=_is_stub(body),
            meta={"call_name": name, "doc_start": first, "impl": owner},
        ))
    return result
