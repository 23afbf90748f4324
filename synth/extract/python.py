"""Python extraction: every function and method with its docstring's doctests, each example on its own
document line; a module that does not parse still yields the functions around the broken block.

Lines are 0-based document lines split at ``\\n``, ``\\r\\n`` and ``\\r`` (as Python and LSP count them);
columns count characters (code points) within a line.
"""

from __future__ import annotations

import ast
import dataclasses
import doctest
import inspect
import io
import re
import tokenize

from seidr.runners.doctest_flags import project_flags
from seidr.runners.example import Example
from seidr.runners.problem import Problem, Span
from seidr.synth.extract import Extraction, SourceMessage
from seidr.synth.extract.doctest_forms import as_asserted, readable_blocks
from seidr.synth.extract.doc_lines import line_starts
from seidr.synth.extract.inferred import inferred
from seidr.synth.extract.python_recovery import parse_module

_NEWLINE = re.compile(r"\r\n|\r|\n")
_PARSER = doctest.DocTestParser()
_FLAG_NAMES = {flag: name for name, flag in doctest.OPTIONFLAGS_BY_NAME.items()}
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
# statement lists of compound statements, in source order; functions in them are module (or class) attributes
_BLOCK_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")


class _Source:
    """The text as parsed: its lines, and the conversions from ``ast``'s UTF-8 byte columns."""

    def __init__(self, text: str) -> None:
        self.bom = 1 if text.startswith("\ufeff") else 0
        self.lines = _NEWLINE.split(text[self.bom:])

    def col(self, line: int, byte_col: int) -> int:
        """The character column of a byte offset ``ast`` reports (before any byte-order mark)."""
        text = self.lines[line]
        if not text.isascii():
            byte_col = len(text.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))
        return byte_col

    def shown(self, line: int, col: int) -> int:
        """A column of the parsed text as a column of the document, which may start with a byte-order mark."""
        return col + self.bom if line == 0 else col

    def end_of(self, line: int) -> int:
        return self.shown(line, len(self.lines[line]))

    def text(self, first: int, first_col: int, last: int, last_col: int) -> str:
        if first == last:
            return self.lines[first][first_col:last_col]
        middle = self.lines[first + 1:last]
        return "\n".join([self.lines[first][first_col:], *middle, self.lines[last][:last_col]])


def extract(text: str, path: str | None = None) -> Extraction:
    """Every function and method of a module (functions nested in a function are left out, as doctest's
    finder leaves them out: nothing outside the function can call them). Never raises."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    source = _Source(text)
    out = Extraction("python")
    tree, message = parse_module(source)
    if message is not None:
        out.messages.append(message)
    if tree is None:
        return out
    flags = project_flags(path)
    found = [_problem(node, name, source, text, path) for node, name in _functions(tree.body, "")]
    found += [_docstring_problem(node, name, source, text, path) for node, name in _documented(tree)]
    for problem, warning in found:
        if problem is not None:
            out.problems.append(_with_flags(problem, flags) if flags else problem)
        if warning is not None:
            out.messages.append(warning)
    out.problems.sort(key=lambda p: p.line)
    return out


MODULE = "<module>"  # the name a module docstring's examples go by


def _documented(tree: ast.Module):
    """(node, name) of the module and each class (``Outer.Inner``), whose docstrings doctest also runs."""
    yield tree, MODULE
    yield from ((node, name) for node, name in _definitions(tree.body, "") if isinstance(node, ast.ClassDef))


def _docstring_problem(node, name: str, source: _Source, text: str, path: str | None):
    """A class's or the module's docstring examples, checked like a function's; never a synthesis target."""
    doc = _docstring(node) if node.body else None
    if doc is None or ">>>" not in doc.value.value:
        return None, None
    examples, description, warning = _examples(doc.value, name, source)
    if not examples:
        return None, warning
    lines = source.lines
    if isinstance(node, ast.Module):
        top, last, line = 0, len(lines) - 1, doc.lineno - 1
    else:
        line = node.lineno - 1
        top = node.decorator_list[0].lineno - 1 if node.decorator_list else line
        last = node.end_lineno - 1
    code = text if isinstance(node, ast.Module) else source.text(top, 0, last, len(lines[last]))
    return Problem(language="python", name=name, description=description, examples=examples, context=text,
                   code=code, path=path, line=line, code_span=Span(top, 0, last, source.end_of(last)),
                   meta={"docstring_of": "module" if isinstance(node, ast.Module) else "class"}), warning


def _with_flags(problem: Problem, flags: frozenset[str]) -> Problem:
    """The project's ``doctest_optionflags`` on every doctest; a directive on the example itself wins."""
    def merged(e: Example) -> Example:
        if e.kind != "doctest":
            return e
        added = {f for f in flags if f not in e.options and "-" + f not in e.options}
        return dataclasses.replace(e, options=e.options | added) if added else e

    return dataclasses.replace(problem, examples=tuple(merged(e) for e in problem.examples))


# --- functions and their examples ------------------------------------------------------------------------

def _functions(body: list[ast.stmt], prefix: str):
    """(node, qualified name) for each function defined at this level, through classes (``Outer.Inner.f``)
    and compound statements (``if``, ``try``, ``with``, ...), but not into function bodies."""
    return ((node, name) for node, name in _definitions(body, prefix) if isinstance(node, _DEFS))


def _definitions(body: list[ast.stmt], prefix: str):
    """(node, qualified name) for each function and class, in source order, as doctest's finder sees them:
    into classes and compound statements, not into function bodies."""
    for node in body:
        if isinstance(node, _DEFS):
            yield node, prefix + node.name
        elif isinstance(node, ast.ClassDef):
            yield node, prefix + node.name
            yield from _definitions(node.body, prefix + node.name + ".")
        else:
            for field in _BLOCK_FIELDS:
                for child in getattr(node, field, None) or ():
                    if isinstance(child, (ast.excepthandler, ast.match_case)):
                        yield from _definitions(child.body, prefix)
                    elif isinstance(child, ast.stmt):
                        yield from _definitions([child], prefix)


def _docstring(node) -> ast.Expr | None:
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _problem(node, name: str, source: _Source, text: str, path: str | None):
    lines = source.lines
    doc = _docstring(node)
    def_line = node.lineno - 1
    top = node.decorator_list[0].lineno - 1 if node.decorator_list else def_line
    last = node.end_lineno - 1
    header_line, header_col = _header_end(source, node)
    signature = source.text(def_line, source.col(def_line, node.col_offset), header_line, header_col)
    if doc is not None:
        body_line = doc.end_lineno - 1
        body_col = source.col(body_line, doc.end_col_offset)
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)] if "." not in name else None
        examples, description, warning = _examples(doc.value, name, source, params)
    else:
        body_line, body_col = header_line, header_col
        examples, description, warning = (), "", None
    rest = node.body[1:] if doc is not None else node.body
    problem = Problem(
        language="python",
        name=name,
        signature=signature,
        description=description,
        examples=examples,
        context=text,
        code=source.text(top, 0, last, len(lines[last])),
        path=path,
        line=def_line,
        code_span=Span(top, 0, last, source.end_of(last)),
        body_span=Span(body_line, source.shown(body_line, body_col), last, source.end_of(last)),
        is_stub=all(placeholder(s) for s in rest),
    )
    return problem, warning


def _header_end(source: _Source, node) -> tuple[int, int]:
    """Line and column just after the ``:`` that ends the ``def`` header (which may span lines)."""
    def_line = node.lineno - 1
    body_line = node.body[0].lineno - 1
    line = source.lines[def_line].rstrip()
    body_text = source.lines[body_line]
    if (body_line == def_line + 1 and line.endswith(":") and "#" not in line
            and node.body[0].col_offset == len(body_text) - len(body_text.lstrip())):
        return def_line, len(line)
    body_col = source.col(body_line, node.body[0].col_offset)
    header = source.text(def_line, 0, body_line, body_col)
    after = (0, 0)
    if node.returns is not None:  # a lambda in the annotation has a colon of its own
        after = (node.returns.end_lineno - 1 - def_line, source.col(node.returns.end_lineno - 1,
                                                                    node.returns.end_col_offset))
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(header).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0 and (token.start[0] - 1, token.start[1]) >= after:
                return def_line + token.start[0] - 1, token.end[1]
    except (tokenize.TokenError, SyntaxError):
        pass
    return def_line, len(source.lines[def_line])


def placeholder(statement: ast.stmt) -> bool:
    """``pass``, ``...`` or ``raise NotImplementedError[(...)]``: a body still to be written."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return statement.value.value is Ellipsis
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
    return False


def _examples(doc: ast.Constant, name: str, source: _Source, params: list[str] | None = None):
    """The examples of a docstring with their document lines (doctests, and for a function the examples its
    prose writes, ``f(x) ==> y``), its prose, and a warning when doctest cannot read it (doctest then runs
    none of its examples; seidr runs the blocks it can read)."""
    starts = line_starts(doc, source)

    def line_of(value_line: int) -> int:
        return starts[min(max(value_line, 0), len(starts) - 1)]

    warning = None
    try:
        parts = _PARSER.parse(doc.value, name)
    except ValueError as exc:
        value_line, reason = _doctest_complaint(str(exc))
        line = line_of(value_line)
        text = source.lines[line]
        warning = SourceMessage(line, source.shown(line, len(text) - len(text.lstrip())),
                                f"doctest cannot read the examples of {name}: {reason}", severity="warning")
        parts = readable_blocks(doc.value, name)
    examples, held = [], set()
    for part in parts:
        if not isinstance(part, doctest.Example):
            continue
        last = part.lineno + part.source.count("\n") + part.want.count("\n") - 1
        held.update(range(part.lineno, last + 1))
        options = frozenset((_FLAG_NAMES[flag] if on else "-" + _FLAG_NAMES[flag])
                            for flag, on in part.options.items())
        examples.append(as_asserted(Example(
            source=part.source[:-1] if part.source.endswith("\n") else part.source,
            expected=part.want,
            line=line_of(part.lineno),
            kind="doctest",
            end_line=line_of(last),
            options=options,
            exception=part.exc_msg.rstrip("\n") if part.exc_msg is not None else None,
        )))
    if params is not None:
        examples += inferred(doc.value.split("\n"), held, name, params, line_of)
    prose = _prose(parts) if parts else _prose([doc.value])
    return tuple(examples), prose, warning


_COMPLAINT = re.compile(r"line (\d+) of the (?:docstring|doctest) for \S+ (.*)", re.S)


def _doctest_complaint(message: str) -> tuple[int, str]:
    """Which line of the docstring doctest rejected (0-based) and why, in plainer words."""
    match = _COMPLAINT.match(message)
    if not match:
        return 0, message
    number, reason = int(match.group(1)), match.group(2)
    if reason.startswith("lacks blank after"):
        return number - 1, "'>>>' and '...' need a space after them: " + reason.split(": ", 1)[-1]
    if reason.startswith("has inconsistent leading whitespace"):
        return number - 1, "this line is indented less than its '>>>' line: " + reason.split(": ", 1)[-1]
    if reason.startswith("has an invalid option"):
        return number - 1, "unknown doctest directive " + reason.split(": ", 1)[-1]
    if reason.startswith("has an option directive on a line with no example"):
        return number, "a '# doctest:' directive needs a statement on its line"
    return number - 1, reason


def _prose(parts) -> str:
    text = inspect.cleandoc("".join(p for p in parts if isinstance(p, str)))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
