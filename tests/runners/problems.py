"""Problems for the Python runner's tests, made from real files the way the extractor makes them: the whole
file as context, the function's own code, its docstring's doctests with their document lines and directives."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

from seidr.runners.example import Example
from seidr.runners.problem import Problem

FLAG_NAMES = {flag: name for name, flag in doctest.OPTIONFLAGS_BY_NAME.items()}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def problem_in(path: Path, name: str, **fields) -> Problem:
    """The problem for ``name`` (``Class.method`` for a method) in the Python file at ``path``."""
    text = path.read_text()
    body = ast.parse(text).body
    node = None
    for part in name.split("."):
        node = next(n for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part)
        body = node.body
    doc = ast.get_docstring(node) or ""
    first = (node.body[0].lineno - 1) if doc else node.lineno - 1
    examples = tuple(
        Example(source=ex.source.rstrip("\n"), expected=ex.want, line=first + ex.lineno, exception=ex.exc_msg,
                options=frozenset(("" if on else "-") + FLAG_NAMES[flag] for flag, on in ex.options.items()))
        for ex in doctest.DocTestParser().get_examples(doc))
    top = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    code = "\n".join(text.splitlines()[top:node.end_lineno]) + "\n"
    return Problem(language="python", name=name, examples=examples, context=text, code=code, path=str(path),
                   line=node.lineno - 1, **fields)
