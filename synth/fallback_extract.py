"""Stopgap Python extraction (functions, their doctests, stubs) used only while ``seidr.synth.extract.python``
is not in the tree; ``extract`` prefers the real one."""
from __future__ import annotations

import ast
import doctest
import importlib

from seidr.runners.example import Example
from seidr.runners.problem import Problem, Span
from seidr.synth.extract import Extraction, SourceMessage
from seidr.synth.extract import extract as real_extract


def extract(text: str, path: str | None = None) -> Extraction:
    try:
        importlib.import_module("seidr.synth.extract.python")
    except ModuleNotFoundError as exc:
        if exc.name != "seidr.synth.extract.python":
            raise
        return extract_python(text, path)
    return real_extract(text, path)


def _is_stub(body: list[ast.stmt]) -> bool:
    for node in body:
        if isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            continue
        if isinstance(node, ast.Raise) and "NotImplementedError" in ast.dump(node):
            continue
        return False
    return True


def extract_python(text: str, path: str | None) -> Extraction:
    out = Extraction("python")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        out.messages.append(SourceMessage(max((exc.lineno or 1) - 1, 0), max((exc.offset or 1) - 1, 0), exc.msg))
        return out
    lines = text.splitlines()

    def visit(nodes, prefix: str) -> None:
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.problems.append(_problem(node, prefix + node.name, text, lines, path))

    visit(tree.body, "")
    return out


def _problem(node, name: str, text: str, lines: list[str], path: str | None) -> Problem:
    doc = ast.get_docstring(node, clean=True) or ""
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    base = first.lineno - 1 if has_doc else node.lineno - 1
    examples = tuple(
        Example(source=ex.source.strip(), expected=ex.want, line=base + ex.lineno,
                exception=ex.exc_msg and ex.want or None)
        for ex in doctest.DocTestParser().get_examples(doc)
    )
    prose = doctest.DocTestParser().parse(doc)
    description = "".join(p for p in prose if isinstance(p, str)).strip()
    top = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    body_start = (first.end_lineno if has_doc else first.lineno - 1)
    return Problem(
        language="python", name=name, signature=lines[node.lineno - 1].strip(), description=description,
        examples=examples, context=text, code="\n".join(lines[top:node.end_lineno]) + "\n", path=path,
        line=node.lineno - 1, code_span=Span(top, 0, node.end_lineno, 0),
        body_span=Span(body_start, 0, node.end_lineno, 0), is_stub=_is_stub(node.body),
    )
