"""Doctests as their authors meant them: ``>>> f(x) == y`` with no output line is the assertion that
``f(x)`` equals ``y``; a docstring doctest cannot read whole still has blocks it can."""
from __future__ import annotations

import ast
import doctest
import re
from dataclasses import replace

from seidr.runners.example import Example

_PARSER = doctest.DocTestParser()


def as_asserted(example: Example) -> Example:
    """``>>> f(x) == [1, 2]`` with nothing expected: ``f(x)`` must show ``[1, 2]`` (compared as a value)."""
    if example.kind != "doctest" or example.exception is not None or (example.expected or "").strip():
        return example
    try:
        tree = ast.parse(example.source.strip(), mode="eval").body
    except SyntaxError:
        return example
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1 and isinstance(tree.ops[0], ast.Eq)):
        return example
    text = example.source.strip()
    left = ast.get_source_segment(text, tree.left)
    right = ast.get_source_segment(text, tree.comparators[0])
    try:
        value = ast.literal_eval(tree.comparators[0])
    except (ValueError, SyntaxError, TypeError):
        value = None
        if left is None or right is None:
            return example
        return replace(example, source=f"assert {text}", expected=None, kind="assert", form=">>> ==")
    if left is None:
        return example
    return replace(example, source=left, expected=repr(value) + "\n", form=">>> ==")


def readable_blocks(text: str, name: str) -> list:
    """The parts of the blocks (separated by blank lines) that doctest can read, numbered as in ``text``."""
    parts: list = []
    offset = 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if block.strip():
            try:
                for part in _PARSER.parse(block, name):
                    if isinstance(part, doctest.Example):
                        part.lineno += offset
                    parts.append(part)
            except ValueError:
                parts.append(block)
        else:
            parts.append(block)
        offset += block.count("\n")
    return parts
