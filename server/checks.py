"""Check on open, save and (debounced) change: run every function's examples off the event loop, publish the
diagnostics; a newer check of a document cancels the older one, and closing it clears them."""
from __future__ import annotations

import asyncio
import logging
import os

from lsprotocol import types

from seidr.runners.program import Program
from seidr.runners.verdict import Verdict
from seidr.server import diagnostics as diag
from seidr.server import engine, related_tests
from seidr.server.documents import Checked

log = logging.getLogger(__name__)


def cancelled_here() -> bool:
    """Whether the running task itself is being cancelled, rather than a CancelledError reaching it from work it
    shared with a task that was (a compile two judges waited for)."""
    cancelling = getattr(asyncio.current_task(), "cancelling", None)
    return cancelling is None or cancelling() > 0


# Compiled languages finish a judge whose check was superseded rather than cancel it: a compile (or the
# precompiled header) cut short is not safe to share, and a finished one is cached for the next check.
FINISH_ON_CANCEL = {"cpp", "rust", "verus"}


def _consume(task: asyncio.Task) -> None:
    if not task.cancelled():
        task.exception()


async def judge(runner, problem, limits, program: Program | None = None) -> Verdict:
    """The verdict of ``program`` (default: the function's current code); a runner failure becomes a verdict,
    never an exception."""
    for _ in range(3):
        try:
            work = runner.judge(problem, [program or Program(problem.code)], limits=limits)
            if problem.language in FINISH_ON_CANCEL:
                task = asyncio.ensure_future(work)
                task.add_done_callback(_consume)
                [verdict] = await asyncio.shield(task)
            else:
                [verdict] = await work
            return verdict
        except asyncio.CancelledError:
            if cancelled_here():
                raise
        except Exception as exc:
            log.exception("judging %s failed", problem.name)
            return Verdict(error=f"seidr could not run the examples: {exc}")
    return Verdict(error="seidr could not run the examples: the runner kept being interrupted")


class Checker:
    def __init__(self, ls):
        self.ls = ls

    # -- scheduling ---------------------------------------------------------------------------------
    def schedule(self, uri: str, delay: float = 0.0, trigger: str = "save") -> None:
        """Check ``uri`` after ``delay`` seconds, cancelling its check under way. ``trigger`` is ``save`` (or
        open: runs when checkOnSave is on), ``change`` (checkOnChange) or ``edit`` (always)."""
        state = self.ls.documents.state(uri)
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = asyncio.ensure_future(self._run(uri, delay, trigger))

    def close(self, uri: str) -> None:
        state = self.ls.documents.forget(uri)
        if state is not None and state.task is not None and not state.task.done():
            state.task.cancel()
        self.ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def cancel_all(self) -> list[asyncio.Task]:
        tasks = [s.task for s in self.ls.documents.states.values() if s.task is not None and not s.task.done()]
        for task in tasks:
            task.cancel()
        return tasks

    def recheck_open(self, language: str | None = None, besides: str | None = None) -> None:
        """Check the open documents again (those of ``language``, all but ``besides``)."""
        for uri in list(self.ls.workspace.text_documents):
            doc = self.ls.workspace.get_text_document(uri)
            found = self.ls.documents.language(doc)
            if found and uri != besides and (language is None or found == language):
                self.schedule(uri)

    # -- one check ----------------------------------------------------------------------------------
    async def _run(self, uri: str, delay: float, trigger: str) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        await self.ls.settings_ready()
        if not self.ls.documents.is_open(uri):
            return
        doc = self.ls.documents.document(uri)
        language = self.ls.documents.language(doc)
        if language is None:
            return
        settings = self.ls.settings.for_path(doc.path)
        if (trigger == "save" and not settings.check_on_save) or (trigger == "change" and not settings.check_on_change):
            return
        name = os.path.basename(doc.path or uri)
        self.ls.status.check_started(name)
        try:
            checked, diagnostics = await self.check(doc, doc.source, doc.version, language)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("checking %s failed", uri)
            self.ls.log(f"seidr: checking {name} failed: {exc}", types.MessageType.Error)
            return
        finally:
            self.ls.status.check_ended(name)
        self.ls.documents.state(uri).checked = checked
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=checked.version))
        self.ls.refresh_code_lenses()

    async def check(self, doc, text: str, version: int | None, language: str) -> tuple[Checked, list]:
        settings = self.ls.settings.for_path(doc.path)
        extraction = await engine.extract_async(text, doc.path, language)
        self.ls.documents.remember(doc.uri, text, extraction)
        lines = text.splitlines(True)

        def units(line: str, col: int) -> int:
            return doc.position_codec.client_num_units(line[:col])

        out = diag.for_messages(extraction, lines, units)
        extraction, missing = await related_tests.with_tests(extraction, doc.path, settings)
        out.extend(related_tests.missing(missing, lines, units))
        checked = Checked(version, extraction)
        targets = [p for p in extraction.problems if p.checked_examples()]
        for p in targets:
            if p.is_stub:
                checked.verdicts[p.name] = None
        to_run = [p for p in targets if not p.is_stub]
        missing = engine.missing_toolchain(language, settings) if to_run else None
        if missing:
            out.append(diag.for_toolchain(missing, to_run, lines, units))
            to_run = []
        if to_run:
            try:
                runner = self.ls.engine.runner(language, settings)
            except Exception as exc:  # no runner for this language in this install
                out.append(diag.for_toolchain(str(exc), to_run, lines, units))
                return checked, out
            limits = settings.limits.to_limits()
            verdicts = await asyncio.gather(*(judge(runner, p, limits) for p in to_run))
            checked.verdicts.update({p.name: v for p, v in zip(to_run, verdicts)})
        for p in targets:
            if p.name in checked.verdicts:
                out.extend(diag.for_problem(p, checked.verdicts[p.name], lines, units, self._ambiguity(doc.uri, p)))
        return checked, out

    def _ambiguity(self, uri: str, problem) -> str | None:
        ambiguity = self.ls.jobs.ambiguity(uri, problem)
        return ambiguity.summary() if ambiguity is not None else None


def register(server) -> None:
    def on_save(ls, uri: str) -> None:
        doc = ls.documents.document(uri)
        if ls.documents.language(doc):
            ls.checker.schedule(uri)
            if related_tests.is_test_file(doc.path):  # the functions it tests, in other files, may now pass or fail
                ls.checker.recheck_open("python", besides=uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: types.DidOpenTextDocumentParams):
        ls.documents.state(params.text_document.uri).user_version = params.text_document.version
        on_save(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls, params: types.DidSaveTextDocumentParams):
        on_save(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: types.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        doc = ls.documents.document(uri)
        if ls.documents.state(uri).changed(params.text_document.version, doc.source):
            ls.checker.schedule(uri, trigger="edit")  # seidr's own edit: show its effect at once
            return
        if not ls.documents.language(doc):
            return
        settings = ls.settings.for_path(doc.path)
        if settings.check_on_change:
            ls.checker.schedule(uri, settings.change_debounce_ms / 1000, trigger="change")

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: types.DidCloseTextDocumentParams):
        ls.checker.close(params.text_document.uri)
