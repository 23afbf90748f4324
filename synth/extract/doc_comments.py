"""Shared parsing for C-family sources: doc-comment blocks, `>>>` examples in them, and brace matching."""

from __future__ import annotations

import re

from seidr.runners.example import Example
from seidr.runners.native import PROGRAM_MARK

_DOC_LINE = re.compile(r"^\s*///\s?(.*)$")


def doc_block_above(lines: list[str], index: int) -> tuple[int, list[tuple[int, str]]]:
    """The doc comment (``///`` lines or ``/** ... */``) that ends right above line ``index``, as
    (first line, [(line, text without the comment marker)]). Attributes (``#[...]``) and ``template<...>``
    lines between the comment and the declaration are skipped."""
    i = index - 1
    while i >= 0 and re.match(r"^\s*(#\[|template\s*<)", lines[i]):
        i -= 1
    out: list[tuple[int, str]] = []
    if i >= 0 and _DOC_LINE.match(lines[i]):
        while i >= 0 and _DOC_LINE.match(lines[i]):
            out.append((i, _DOC_LINE.match(lines[i]).group(1)))
            i -= 1
        out.reverse()
        return i + 1, out
    if i >= 0 and lines[i].rstrip().endswith("*/"):
        end = i
        while i >= 0 and "/**" not in lines[i]:
            i -= 1
        if i < 0:
            return index, []
        for n in range(i, end + 1):
            text = lines[n]
            text = re.sub(r"^\s*/\*\*\s?", "", text) if n == i else text
            text = re.sub(r"\s*\*/\s*$", "", text)
            text = re.sub(r"^\s*\*(?!/)\s?", "", text) if n != i else text
            out.append((n, text))
        return i, out
    return index, []


def parse_examples(block: list[tuple[int, str]]) -> tuple[str, list[Example]]:
    """Split a doc block into prose and examples: ``>>> expr`` + expected line (kind ``expr``) and
    ``>>> stdin:`` ... ``<<< stdout:`` ... blocks (kind ``io``)."""
    prose: list[str] = []
    examples: list[Example] = []
    i = 0
    while i < len(block):
        line_no, text = block[i]
        stripped = text.strip()
        if stripped.startswith(">>> stdin:"):
            stdin_lines, j = [], i + 1
            while j < len(block) and not block[j][1].strip().startswith("<<< stdout:"):
                stdin_lines.append(block[j][1].strip())
                j += 1
            out_lines, k = [], j + 1
            while k < len(block) and block[k][1].strip() and not block[k][1].strip().startswith(">>>"):
                out_lines.append(block[k][1].strip())
                k += 1
            stdin = "\n".join(stdin_lines) + ("\n" if stdin_lines else "")
            expected = "\n".join(out_lines) + ("\n" if out_lines else "")
            examples.append(Example(source="main", expected=expected, stdin=stdin, line=line_no,
                                    end_line=block[min(k, len(block)) - 1][0], kind="io",
                                    label=f"stdin {stdin_lines[0] if stdin_lines else '(empty)'}"))
            i = k
            continue
        if stripped.startswith(">>>"):
            source = stripped[3:].strip()
            expected = block[i + 1][1].strip() if i + 1 < len(block) else ""
            end = block[i + 1][0] if i + 1 < len(block) else line_no
            if expected and not expected.startswith(">>>"):
                examples.append(Example(source=source, expected=expected, line=line_no, end_line=end, kind="expr"))
                i += 2
                continue
            i += 1
            continue
        prose.append(text)
        i += 1
    return "\n".join(prose).strip(), examples


def match_brace(text: str, open_at: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_at``, skipping strings, chars and comments; -1 if none."""
    depth, i, n = 0, open_at, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            if c == "'" and re.match(r"'[A-Za-z_]", text[i:i + 2]) and text[i + 2:i + 3] != "'":
                i += 1  # a Rust lifetime, not a char literal
                continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)




def context_without(lines: list[str], start: int, end: int) -> str:
    """The file with lines ``start..end`` blanked and a mark where the program goes, so a harness can put
    a candidate in the same place with the same line numbers around it."""
    kept = lines[:start] + [PROGRAM_MARK] + [""] * (end - start) + lines[end + 1:]
    return "\n".join(kept)
