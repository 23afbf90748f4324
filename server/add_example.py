"""Ask, don't guess, in the editor: when the last search's programs that pass every example behave differently,
one code action per behaviour, *seidr: add example `f([1, 2])` → `2`*, puts that doctest into the docstring as a
versioned edit; the next synthesis is then pinned by it."""
from __future__ import annotations

from typing import Any

from lsprotocol import types

from seidr.runners.problem import Problem
from seidr.server import edits

ADD_EXAMPLE = "seidr.addExample"
WARNING = types.MessageType.Warning


def doctests(ls, uri: str, problem: Problem) -> list[str]:
    """The doctests (``>>> call`` then the result) that would settle the last search's ambiguity, while it holds."""
    ambiguity = ls.jobs.ambiguity(uri, problem)
    return ambiguity.doctests() if ambiguity is not None else []


def title(doctest_text: str) -> str:
    call, _, result = doctest_text.partition("\n")
    return f"seidr: add example `{call.removeprefix('>>> ')}` → `{result}`"


def with_example(text: str, problem: Problem, doctest_text: str) -> str:
    """``text`` with ``doctest_text`` after the last doctest of ``problem``'s docstring, indented as it is."""
    doctest_examples = [e for e in problem.examples if e.kind == "doctest"]
    if not doctest_examples:
        raise edits.EditError(f"{problem.name} has no doctest to add the example beside")
    last = doctest_examples[-1]
    lines = text.splitlines(keepends=True)
    if not 0 <= last.line < len(lines) or not 0 <= last.last_line < len(lines):
        raise edits.EditError(f"{problem.name} moved; list the actions again")
    head = lines[last.line]
    indent = head[:len(head) - len(head.lstrip())]
    newline = "\r\n" if head.endswith("\r\n") else "\n"
    added = "".join(f"{indent}{line}{newline}" for line in doctest_text.splitlines())
    return "".join(lines[:last.last_line + 1]) + added + "".join(lines[last.last_line + 1:])


def actions(ls, uri: str, problem: Problem, version: int | None, kind: str) -> list[types.CodeAction]:
    return [types.CodeAction(title=title(d), kind=kind, command=types.Command(
        title=title(d), command=ADD_EXAMPLE,
        arguments=[{"uri": uri, "function": problem.name, "version": version, "example": d}]))
        for d in doctests(ls, uri, problem)]


async def add(ls, arg: Any) -> dict:
    """Insert the example, unless the document changed since the action was listed."""
    if not isinstance(arg, dict) or not all(isinstance(arg.get(k), str) for k in ("uri", "function", "example")):
        return {"applied": False, "reason": 'the command needs {"uri", "function", "example", "version"}'}
    uri, name = arg["uri"], arg["function"]
    doc = ls.documents.document(uri)
    if not ls.documents.is_open(uri) or doc.version != arg.get("version"):
        message = f"seidr: {name} changed since the action was listed; nothing was changed (list the actions again)"
        ls.show(message, WARNING)
        return {"applied": False, "reason": "document changed"}
    problem = ls.documents.extraction(doc).find(name)
    try:
        if problem is None:
            raise edits.EditError(f"function {name} is no longer in the file")
        after = with_example(doc.source, problem, arg["example"])
    except edits.EditError as exc:
        ls.show(f"seidr: cannot add the example: {exc}", WARNING)
        return {"applied": False, "reason": str(exc)}
    changes = edits.text_edits(doc.source, after, lambda line: doc.position_codec.client_num_units(line))
    result = await edits.send(ls, uri, doc.version, changes, f"seidr: add an example to {name}")
    if not result.applied:
        return {"applied": False, "reason": f"edit rejected: {result.failure_reason or 'no reason given'}"}
    return {"applied": True, "reason": "added"}


def register(server) -> None:
    @server.command(ADD_EXAMPLE)
    async def add_example(ls, *args):
        return await add(ls, args[0] if args else None)
