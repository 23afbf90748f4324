"""Code actions on a function with examples: Synthesize (a stub) or Repair (failing examples), as quick fixes of
seidr's diagnostics and as ``refactor.rewrite``; Apply last result / Show candidates / Cancel when they apply.
Listing never calls a model or runs anything: each action carries a command that does the work."""
from __future__ import annotations

from lsprotocol import types

from seidr.runners.problem import Problem
from seidr.server import add_example, related_tests
from seidr.server.diagnostics import SOURCE
from seidr.server.documents import problem_at
from seidr.server.synthesis import APPLY_LAST, CANCEL, REPAIR, SHOW_CANDIDATES, SYNTHESIZE

QUICKFIX, REWRITE = types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite


def _wanted(kind: str, only) -> bool:
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def with_checked_tests(ls, uri: str, problem: Problem) -> Problem:
    """``problem`` with the related tests its last check judged (while its code and examples are unchanged)."""
    state = ls.documents.states.get(uri)
    if state is None or state.checked is None:
        return problem
    return related_tests.for_checked(state.checked.extraction.find(problem.name), problem)


def main_action(ls, uri: str, problem: Problem, version: int | None) -> tuple[str, str] | None:
    """(title, command) of the action that fills or fixes ``problem``; None when its examples all pass."""
    problem = with_checked_tests(ls, uri, problem)
    if not problem.checked_examples() or not problem.synthesizable:
        return None
    if problem.is_stub:
        return f"seidr: Synthesize from {related_tests.counted(problem)}", SYNTHESIZE
    state = ls.documents.states.get(uri)
    verdict = None
    if state is not None and state.checked is not None:
        checked = state.checked.extraction.find(problem.name)
        if checked is not None and checked.code == problem.code and checked.examples == problem.examples:
            verdict = state.checked.verdicts.get(problem.name)
    if verdict is None:  # not checked in this form yet
        return f"seidr: Repair from {related_tests.counted(problem)}", REPAIR
    if verdict.passed:
        return None
    return f"seidr: Repair ({related_tests.failing(problem, verdict)} fail)", REPAIR


def _action(title: str, kind: str, command: str, argument: dict, diagnostics=None, preferred=None):
    return types.CodeAction(title=title, kind=kind, diagnostics=diagnostics, is_preferred=preferred,
                            command=types.Command(title=title, command=command, arguments=[argument]))


def actions(ls, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    doc = ls.documents.document(uri)
    extraction = ls.documents.extraction(doc)
    if extraction is None:
        return []
    only = params.context.only
    out: list[types.CodeAction] = []
    fixed: set[str] = set()  # functions whose main action is already offered as a quick fix
    if _wanted(QUICKFIX, only):
        by_function: dict[str, list] = {}
        for d in params.context.diagnostics:
            if d.source == SOURCE and isinstance(d.data, dict) and isinstance(d.data.get("function"), str):
                by_function.setdefault(d.data["function"], []).append(d)
        for name, diagnostics in by_function.items():
            problem = extraction.find(name)
            found = problem and main_action(ls, uri, problem, doc.version)
            if found:
                title, command = found
                out.append(_action(title, QUICKFIX, command, {"uri": uri, "function": problem.name,
                                                              "version": doc.version}, diagnostics, True))
                fixed.add(problem.name)
    if _wanted(REWRITE, only):
        problem = problem_at(extraction, params.range.start.line)
        if problem is not None and with_checked_tests(ls, uri, problem).checked_examples():
            argument = {"uri": uri, "function": problem.name, "version": doc.version}
            found = main_action(ls, uri, problem, doc.version)
            if found and problem.name not in fixed:  # an editor lists both kinds in one menu: offer it once
                out.append(_action(found[0], REWRITE, found[1], argument))
            key = (uri, problem.name)
            if key in ls.jobs.running:
                out.append(_action(f"seidr: Cancel ({problem.name} is being synthesized)", REWRITE, CANCEL,
                                   {"uri": uri, "function": problem.name}))
            if key in ls.jobs.last:
                out.extend(add_example.actions(ls, uri, with_checked_tests(ls, uri, problem), doc.version, REWRITE))
                out.append(_action("seidr: Apply last result", REWRITE, APPLY_LAST, argument))
                out.append(_action("seidr: Show candidates", REWRITE, SHOW_CANDIDATES, argument))
    return out


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[QUICKFIX, REWRITE], resolve_provider=False))
    def code_action(ls, params: types.CodeActionParams):
        return actions(ls, params)
