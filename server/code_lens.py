"""A code lens above each function with examples: ``✓ 3/3 examples`` or ``✗ 1/3 examples``."""
from __future__ import annotations

from lsprotocol import types

from seidr.runners.verdict import Verdict


def title(verdict: Verdict | None, total: int) -> str:
    """What the last check found; a stub (not run) passes none of its examples."""
    if verdict is None:
        return f"✗ 0/{total} examples"
    passed = verdict.n_passed if verdict.error is None else 0
    total = verdict.n_total or total
    return f"{'✓' if verdict.passed else '✗'} {passed}/{total} examples"


def lenses(ls, uri: str) -> list[types.CodeLens]:
    """Lenses at the functions of the current text, with the verdicts of the last check by function name."""
    state = ls.documents.states.get(uri)
    if state is None or state.checked is None:
        return []
    doc = ls.documents.document(uri)
    extraction = ls.documents.extraction(doc) or state.checked.extraction
    out = []
    for problem in extraction.problems:
        if problem.name not in state.checked.verdicts or not problem.checked_examples():
            continue
        verdict = state.checked.verdicts[problem.name]
        line = types.Position(problem.line, 0)
        out.append(types.CodeLens(
            range=types.Range(line, line),
            # a lens with an empty command is a label: clicking it does nothing
            command=types.Command(title=title(verdict, len(problem.checked_examples())), command=""),
            data={"function": problem.name},
        ))
    return out


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(ls, params: types.CodeLensParams):
        return lenses(ls, params.text_document.uri)
