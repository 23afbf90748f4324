"""Put a new implementation into a file's text. Python: replace exactly the body, keep decorators, signature
and docstring, and add the imports the new code needs at the top once. C++/Rust/Verus: replace the function's
text, hoisting the ``#include``/``use`` lines it brings. ``new_text`` does either; the CLI and the server both
use it."""
from __future__ import annotations

import ast
import re
import textwrap
from typing import Sequence

from seidr.runners.problem import Problem


class EditError(Exception):
    """The new code or the file cannot be combined (not Python, or the function is gone)."""


def _find(tree: ast.AST, qualname: str):
    node = tree
    for part in qualname.split("."):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child.name == part:
                node = child
                break
        else:
            return None
    return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _body_statements(func) -> list[ast.stmt]:
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(
        body[0].value.value, str
    ):
        body = body[1:]
    return body


def _imports(tree: ast.Module, source: str) -> list[str]:
    return [ast.get_source_segment(source, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]


def replace_body(text: str, name: str, new_code: str) -> str:
    """``text`` with the body of function ``name`` (qualified for methods) taken from ``new_code``."""
    try:
        old_tree = ast.parse(text)
        new_tree = ast.parse(textwrap.dedent(new_code))
    except SyntaxError as exc:
        raise EditError(f"cannot parse: {exc.msg} (line {exc.lineno})") from None
    new_code = textwrap.dedent(new_code)
    short = name.rsplit(".", 1)[-1]
    old = _find(old_tree, name)
    new = _find(new_tree, short) or _find(new_tree, name)
    if old is None:
        raise EditError(f"function {name} is no longer in the file")
    if new is None:
        raise EditError(f"the new code does not define {short}")
    new_body = _body_statements(new)
    if not new_body:
        raise EditError(f"the new code for {short} has an empty body")
    lines = text.splitlines(keepends=True)
    old_body = _body_statements(old)
    indent = " " * (old.body[0].col_offset if old.body else old.col_offset + 4)
    new_lines = new_code.splitlines()
    start = new_body[0].lineno - 1
    chunk = textwrap.dedent("\n".join(new_lines[start:new_body[-1].end_lineno]))
    body_text = textwrap.indent(chunk, indent, lambda line: True).rstrip() + "\n"
    body_text = "\n".join(l if l.strip() else "" for l in body_text.split("\n"))
    if old_body:
        first, last = old_body[0].lineno - 1, old_body[-1].end_lineno
    else:  # a docstring-only stub: the body goes right after the docstring
        first = last = old.body[0].end_lineno
    # helpers the new code defines and the file lacks go right above the function, at its indentation
    have = {n.name for n in ast.walk(old_tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    helpers = [
        ast.get_source_segment(new_code, n) for n in new_tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not new and n.name not in have
    ]
    top = (old.decorator_list[0].lineno if old.decorator_list else old.lineno) - 1
    pad = " " * old.col_offset
    helper_text = "".join(textwrap.indent(h, pad, lambda line: True) + "\n\n\n" for h in helpers if h)
    out = lines[:top] + [helper_text] + lines[top:first] + [body_text] + lines[last:]
    return _add_imports("".join(out), [i for i in _imports(new_tree, new_code) if i])


def _add_imports(text: str, imports: list[str]) -> str:
    tree = ast.parse(text)
    have = {ast.dump(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    missing = []
    for statement in imports:
        node = ast.parse(statement).body[0]
        if ast.dump(node) not in have and statement not in missing:
            missing.append(statement)
    if not missing:
        return text
    # after the module docstring, __future__ imports and existing imports, so they stay one block
    after = 0
    for i, node in enumerate(tree.body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_doc or isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno
        else:
            break
    lines = text.splitlines(keepends=True)
    block = "".join(m + "\n" for m in missing)
    return "".join(lines[:after]) + block + "".join(lines[after:])


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


def with_program(text: str, problem: Problem, code: str) -> str:
    """``new_text`` for ``problem`` as it sits in ``text`` now: a native function's place moves when an earlier
    one in the file is replaced, so it is found again."""
    if problem.language != "python":
        from seidr.synth.extract import extract

        found = extract(text, problem.path).find(problem.name)
        if found is None:
            raise EditError(f"function {problem.name} is no longer in the file")
        problem = found
    return new_text(text, problem, code)
