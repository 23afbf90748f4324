"""What the server knows about each open document: its language, the functions found in its current text, and
the verdicts of its last check."""
from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from seidr.runners.problem import Problem
from seidr.runners.verdict import Verdict
from seidr.server import engine
from seidr.synth.extract import Extraction


@dataclass
class Checked:
    """The outcome of one check: ``verdicts`` by function name (None for a stub, which is not run)."""

    version: int | None
    extraction: Extraction
    verdicts: dict[str, Verdict | None] = field(default_factory=dict)


@dataclass
class DocumentState:
    uri: str
    generation: int = 0  # a document closed and opened again is a new one
    task: asyncio.Task | None = None  # the check scheduled or running
    checked: Checked | None = None
    # the version of the user's last change: seidr's own edits do not count, so a result for one function
    # still lands after seidr filled in another one meanwhile
    user_version: int | None = None
    # the text a seidr edit on its way will produce; the change that brings it is seidr's, checked at once
    pending_text: str | None = None
    landed: asyncio.Event = field(default_factory=asyncio.Event)  # set when the pending edit's change came
    edit_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _extraction: tuple[str, Extraction] | None = None

    @property
    def baseline(self) -> tuple[int, int | None]:
        """What a result must still find to be applied: this opening of the document, and no user change."""
        return self.generation, self.user_version

    def changed(self, version: int | None, text: str) -> bool:
        """Note a change of the document; True when it is the one seidr's pending edit makes."""
        if self.pending_text is not None and text == self.pending_text:
            self.pending_text = None
            self.landed.set()
            return True
        self.user_version = version
        return False


class Documents:
    """Per-URI state, and the extraction of a document's current text cached by that text."""

    def __init__(self, ls):
        self._ls = ls
        self.states: dict[str, DocumentState] = {}
        self._generations = itertools.count(1)

    def state(self, uri: str) -> DocumentState:
        if uri not in self.states:
            self.states[uri] = DocumentState(uri, next(self._generations))
        return self.states[uri]

    def forget(self, uri: str) -> DocumentState | None:
        return self.states.pop(uri, None)

    def document(self, uri: str):
        return self._ls.workspace.get_text_document(uri)

    def is_open(self, uri: str) -> bool:
        return uri in self._ls.workspace.text_documents

    def language(self, doc) -> str | None:
        return engine.language_of(doc.path, doc.language_id, doc.source)

    def remember(self, uri: str, text: str, extraction: Extraction) -> None:
        self.state(uri)._extraction = (text, extraction)

    def extraction(self, doc) -> Extraction | None:
        """The functions of ``doc``'s current text (parsed once per distinct text); None for other languages."""
        language = self.language(doc)
        if language is None:
            return None
        text = doc.source
        state = self.state(doc.uri)
        if state._extraction is not None and state._extraction[0] == text:
            return state._extraction[1]
        extraction = engine.extract(text, doc.path, language)
        state._extraction = (text, extraction)
        return extraction


def lines_of(problem: Problem) -> tuple[int, int]:
    """The first and last line of a function's text (a span ending at column 0 stops on the line before)."""
    span = problem.code_span
    if span is None:
        return problem.line, problem.line
    end = span.end_line - 1 if span.end_col == 0 and span.end_line > span.start_line else span.end_line
    return span.start_line, end


def problem_at(extraction: Extraction, line: int) -> Problem | None:
    """The innermost function whose text spans ``line`` (a method rather than its class's other methods)."""
    best = None
    for problem in extraction.problems:
        start, end = lines_of(problem)
        if start <= line <= end and (best is None or best[0] <= start):
            best = (start, problem)
    return best[1] if best else None


def find_problem(extraction: Extraction, name: str | None, line: int | None) -> Problem | None:
    if name:
        return extraction.find(name)
    if line is not None:
        return problem_at(extraction, line)
    return None
