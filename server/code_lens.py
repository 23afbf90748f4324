"""A code lens above each function with examples: ``✓ 3/3 examples`` or ``✗ 1/3 examples``, and its related tests
counted apart: ``✓ 3/3 examples · ✗ 1/4 tests``."""
from __future__ import annotations

from lsprotocol import types

from seidr.server import related_tests


def lenses(ls, uri: str) -> list[types.CodeLens]:
    """Lenses at the functions of the current text, with the verdicts of the last check by function name."""
    state = ls.documents.states.get(uri)
    if state is None or state.checked is None:
        return []
    doc = ls.documents.document(uri)
    extraction = ls.documents.extraction(doc) or state.checked.extraction
    out = []
    for problem in extraction.problems:
        if problem.name not in state.checked.verdicts:
            continue
        # what the last check of this function judged: its examples and its related tests
        problem = related_tests.for_checked(state.checked.extraction.find(problem.name), problem)
        if not problem.checked_examples():
            continue
        verdict = state.checked.verdicts[problem.name]
        line = types.Position(problem.line, 0)
        title = related_tests.lens_title(problem, verdict)
        ambiguity = ls.jobs.ambiguity(uri, problem)
        if ambiguity is not None:
            title += f" · {ambiguity.summary()}"  # what the last search found, while it still holds
        out.append(types.CodeLens(
            range=types.Range(line, line),
            # a lens with an empty command is a label: clicking it does nothing
            command=types.Command(title=title, command=""),
            data={"function": problem.name},
        ))
    return out


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(ls, params: types.CodeLensParams):
        return lenses(ls, params.text_document.uri)
