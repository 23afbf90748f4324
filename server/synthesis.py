"""The synthesis commands: ``seidr.synthesize``/``seidr.repair`` run the engine as a cancellable job with
progress and apply the best program safely; ``seidr.applyLastResult``, ``seidr.showCandidates``, ``seidr.cancel``."""
from __future__ import annotations

import asyncio
import difflib
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path

from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.server import edits, engine, related_tests
from seidr.server.checks import cancelled_here, judge
from seidr.server.documents import find_problem
from seidr.server.progress import Progress
from seidr.synth.events import Events
from seidr.synth.ranking import Ranking

log = logging.getLogger(__name__)

SYNTHESIZE, REPAIR = "seidr.synthesize", "seidr.repair"
APPLY_LAST, SHOW_CANDIDATES, CANCEL = "seidr.applyLastResult", "seidr.showCandidates", "seidr.cancel"
VERBS = {SYNTHESIZE: "synthesize", REPAIR: "repair"}
ERROR, WARNING, INFO = types.MessageType.Error, types.MessageType.Warning, types.MessageType.Info


def outcome(applied: bool, solved: bool, reason: str) -> dict:
    return {"applied": applied, "solved": solved, "reason": reason}


@dataclass(eq=False)
class Job:
    uri: str
    function: str
    request_id: Any = None
    task: asyncio.Task | None = None
    progress: Progress | None = None
    superseded: bool = False


@dataclass
class LastResult:
    """A search's ranking, kept per (document, function) for Apply last result and Show candidates."""

    uri: str
    function: str
    language: str
    ranking: Ranking
    candidates: list = field(default_factory=list)
    examples: tuple = ()  # the function's examples when it was searched: an ambiguity holds while they do


class Target:
    """The document and function a command names (by name or by position), or why there is none."""

    def __init__(self, ls, arg: Any):
        self.error: str | None = None
        self.doc = self.problem = self.language = None
        if not isinstance(arg, dict) or not isinstance(arg.get("uri"), str):
            self.error = 'seidr: the command needs an argument {"uri": ..., "function": ...}'
            return
        self.uri = arg["uri"]
        self.doc = ls.documents.document(self.uri)
        try:
            self.language = ls.documents.language(self.doc)
        except OSError as exc:  # neither open in the editor nor readable on disk
            self.error = f"seidr: cannot read {self.uri}: {exc.strerror or exc}"
            return
        if self.language is None:
            self.error = f"seidr: {os.path.basename(self.doc.path or self.uri)} is not a file seidr handles"
            return
        position = arg.get("position") if isinstance(arg.get("position"), dict) else None
        self.name = arg.get("function") if isinstance(arg.get("function"), str) else None
        self.line = position.get("line") if position else None

    def find(self, extraction) -> Problem | None:
        self.problem = find_problem(extraction, self.name, self.line)
        if self.problem is None:
            self.error = (f"seidr: no function {self.name} in {os.path.basename(self.doc.path or self.uri)}"
                          if self.name else "seidr: the cursor is not in a function")
        return self.problem


class Jobs:
    def __init__(self, ls):
        self.ls = ls
        self.running: dict[tuple[str, str], Job] = {}
        self.last: dict[tuple[str, str], LastResult] = {}

    def ambiguity(self, uri: str, problem: Problem):
        """What the last search for ``problem`` found ambiguous, while its examples are the ones it searched
        (related tests included); None when it found none or the examples changed since."""
        last = self.last.get((uri, problem.name))
        if last is None or not last.ranking.ambiguous or last.examples != problem.examples:
            return None
        return last.ranking.ambiguity

    # -- cancellation -------------------------------------------------------------------------------
    def _cancel(self, jobs) -> list[asyncio.Task]:
        tasks = [j.task for j in jobs if j.task is not None and not j.task.done()]
        for task in tasks:
            task.cancel()
        return tasks

    def cancel_request(self, request_id) -> None:
        self._cancel([j for j in self.running.values() if j.request_id == request_id])

    def cancel_token(self, token) -> None:
        self._cancel([j for j in self.running.values() if j.progress is not None and j.progress.token == token])

    def cancel_all(self) -> list[asyncio.Task]:
        return self._cancel(list(self.running.values()))

    def cancel(self, uri: str | None, function: str | None) -> int:
        return len(self._cancel([j for j in self.running.values()
                                 if (uri is None or j.uri == uri) and (function is None or j.function == function)]))

    # -- synthesize / repair ------------------------------------------------------------------------
    async def run(self, command: str, arg: Any, request_id) -> dict:
        target = Target(self.ls, arg)
        if target.error is None:
            extraction = await engine.extract_async(target.doc.source, target.doc.path, target.language)
            problem = target.find(extraction)
            if problem is not None:
                problem = target.problem = await self._with_tests(target, problem)
            if problem is not None and not problem.checked_examples():
                target.error = (f"seidr: {problem.name} has no examples to {VERBS[command]} from; "
                                "write some in its doc comment (>>> call, then the expected value)")
        if target.error:
            self.ls.show(target.error, WARNING)
            return outcome(False, False, target.error)
        key = (target.uri, target.problem.name)
        previous = self.running.get(key)
        if previous is not None and previous.task is not None:  # a second request on a function replaces the first
            previous.superseded = True
            previous.task.cancel()
            await asyncio.wait([previous.task], timeout=10)
        job = Job(target.uri, target.problem.name, request_id)
        self.running[key] = job
        job.task = asyncio.ensure_future(self._search(job, command, target))
        return await job.task

    async def _with_tests(self, target: Target, problem: Problem) -> Problem:
        """The function with the workspace's tests that exercise it, which judge every candidate."""
        settings = self.ls.settings.for_path(target.doc.path)
        if not related_tests.wanted(target.language, target.doc.path, settings):
            return problem
        return await related_tests.problem_with_tests(problem, target.doc.path, settings)

    async def _search(self, job: Job, command: str, target: Target) -> dict:
        problem, doc, ls = target.problem, target.doc, self.ls
        verb = VERBS[command]
        base = ls.documents.state(job.uri).baseline
        settings = ls.settings.for_path(doc.path)
        n = len(problem.checked_examples())
        job.progress = Progress(ls, f"seidr: {verb} {problem.name}", problem.name,
                                lambda calls, cost: ls.status.synthesis(job, problem.name, calls, cost))
        ls.status.synthesis(job, problem.name)
        try:
            await job.progress.begin()
            ls.log(f"seidr: {problem.name}: {verb} from {n} examples with {settings.model or 'no model'}, "
                   f"strategy {settings.strategy}, budget {settings.budget.calls} calls")
            runner = ls.engine.runner(target.language, settings)
            ranking = await ls.engine.develop(problem, settings, Events([job.progress]), runner)
        except asyncio.CancelledError:
            if not cancelled_here():  # work shared with a cancelled check ended, not this search
                message = f"seidr: {verb} {problem.name} was interrupted by the runner; run it again"
                job.progress.end(message)
                ls.show(message, ERROR)
                return outcome(False, False, message)
            reason = "superseded by a newer request" if job.superseded else "cancelled"
            job.progress.end(reason)
            ls.log(f"seidr: {problem.name}: {reason}")
            return outcome(False, False, reason)
        except engine.ConfigError as exc:
            job.progress.end(str(exc))
            ls.show(str(exc), ERROR)
            return outcome(False, False, str(exc))
        except Exception as exc:  # a bug in the engine must cost this one command, not the server
            log.exception("synthesis of %s failed", problem.name)
            message = f"seidr: {verb} {problem.name} failed: {exc}"
            job.progress.end(message)
            ls.show(message, ERROR)
            return outcome(False, False, message)
        finally:
            ls.status.synthesis_ended(job)
            if self.running.get((job.uri, job.function)) is job:
                del self.running[(job.uri, job.function)]
        self.last[(job.uri, job.function)] = LastResult(job.uri, job.function, target.language, ranking,
                                                        examples=problem.examples)
        if not ranking.solved:
            best = f"; best: {ranking.best.explain()}" if ranking.best else ""
            message = f"seidr: {problem.name} not solved: {ranking.reason}{best}"
            job.progress.end(message)
            ls.show(message, WARNING)
            return outcome(False, False, ranking.reason)
        if ranking.ambiguous:  # passes every example, but so do programs that differ: ask, don't guess
            said = ranking.ambiguity.line()
            ask = ("; seidr: add example (a code action) pins it" if ranking.ambiguity.doctests() else
                   "; add an example")
            message = f"seidr: {problem.name} not solved: {ranking.ambiguity.summary()}; {said}{ask}"
            job.progress.end(message)
            ls.show(message, WARNING)
            ls.checker.schedule(job.uri, trigger="edit")  # the stub's mark and the lens say how many behaviours fit
            return {**outcome(False, False, said), "ambiguous": True, "examples": ranking.ambiguity.doctests()}
        job.progress.end(f"solved: {ranking.best.verdict.n_passed}/{ranking.best.verdict.n_total} examples pass")
        applied, reason = await self.apply(job.uri, problem.name, ranking.best.program, base, verb)
        if applied and not settings.model and ranking.reason:
            ls.show(f"seidr: {problem.name}: {ranking.reason}", INFO)  # the user should know no model was asked
        return outcome(applied, True, reason)

    # -- putting a program in the document --------------------------------------------------------------
    async def apply(self, uri: str, name: str, program: Program, base: tuple, verb: str) -> tuple[bool, str]:
        """Apply ``program`` as ``name``'s implementation unless the user changed the document since ``base``
        (its user version when the work started); seidr's own edits in between do not count."""
        state = self.ls.documents.state(uri)
        async with state.edit_lock:  # one seidr edit at a time per document, each on top of the last
            return await self._apply(state, uri, name, program, base, verb)

    async def _apply(self, state, uri, name, program, base, verb) -> tuple[bool, str]:
        ls = self.ls
        label = os.path.basename(uri)
        if not ls.documents.is_open(uri):
            message = f"seidr: {label} was closed; open it and run 'seidr: Apply last result' to put {name} in"
            ls.show(message, WARNING)
            return False, "document closed"
        if state.baseline != base:
            message = (f"seidr: {label} changed while seidr worked on {name}, so nothing was changed; "
                       "run 'seidr: Apply last result' to put the result into the current text")
            ls.show(message, WARNING)
            return False, "document changed"
        doc = ls.documents.document(uri)
        text = doc.source
        problem = ls.documents.extraction(doc).find(name)
        try:
            if problem is None:
                raise edits.EditError(f"function {name} is no longer in the file")
            after = edits.new_text(text, problem, program.code)
            changes = edits.text_edits(text, after, lambda line: doc.position_codec.client_num_units(line))
        except edits.EditError as exc:
            ls.show(f"seidr: cannot put the result into {label}: {exc}", ERROR)
            return False, str(exc)
        if not changes:
            return True, "the file already has this program"
        state.pending_text = after
        state.landed.clear()
        result = await edits.send(ls, uri, doc.version, changes, f"seidr: {verb} {name}")
        if not result.applied:
            state.pending_text = None
            why = result.failure_reason or "no reason given"
            ls.show(f"seidr: the editor did not apply the edit for {name} ({why}); "
                    "run 'seidr: Apply last result' to try again", WARNING)
            return False, f"edit rejected: {why}"
        # the next edit must build on this one: wait (a few seconds at most) for the change the editor reports
        try:
            await asyncio.wait_for(state.landed.wait(), 5.0)
        except asyncio.TimeoutError:
            pass
        state.pending_text = None
        ls.log(f"seidr: {name}: applied to {label}")
        return True, "applied"

    def _last(self, target: Target) -> LastResult | None:
        if target.error is None:
            target.find(self.ls.documents.extraction(target.doc))
        if target.error:
            return None
        last = self.last.get((target.uri, target.problem.name))
        if last is None:
            target.error = f"seidr: no result for {target.problem.name} yet; run 'seidr: Synthesize' first"
        return last

    async def apply_last(self, arg: Any) -> dict:
        """Re-target the last result by name in the current text, re-check its examples, then apply it."""
        target = Target(self.ls, arg)
        last = self._last(target)
        if last is None or last.ranking.best is None:
            message = target.error or f"seidr: the last search for {target.problem.name} found no program"
            self.ls.show(message, WARNING)
            return outcome(False, False, message)
        doc, problem = target.doc, await self._with_tests(target, target.problem)
        program = last.ranking.best.program
        settings = self.ls.settings.for_path(doc.path)
        verdict = await judge(self.ls.engine.runner(target.language, settings), problem,
                              settings.limits.to_limits(), program)
        if not verdict.passed:
            message = (f"seidr: the last result for {problem.name} does not pass the current examples "
                       f"({verdict.n_passed}/{verdict.n_total}); nothing was changed")
            self.ls.show(message, WARNING)
            return outcome(False, False, message)
        base = self.ls.documents.state(target.uri).baseline
        applied, reason = await self.apply(target.uri, problem.name, program, base, "apply last result for")
        return outcome(applied, True, reason)

    async def show_candidates(self, arg: Any) -> dict:
        """The ranked programs as a choice (and, where the editor shows documents, as a diff to read first)."""
        ls = self.ls
        target = Target(ls, arg)
        last = self._last(target)
        if last is None or not last.ranking.candidates:
            message = target.error or f"seidr: the last search for {target.problem.name} judged no program"
            ls.show(message, WARNING)
            return outcome(False, False, message)
        doc, name = target.doc, target.problem.name
        candidates = last.ranking.candidates[:9]
        titles = [f"{i + 1}. {c.verdict.n_passed}/{c.verdict.n_total} pass · {c.program.origin} · "
                  f"${c.program.cost:.4f}" for i, c in enumerate(candidates)]
        window = ls.client_capabilities.window
        if window and window.show_document and window.show_document.support:
            path = self._write_diffs(doc, target.problem, candidates, titles)
            if path:
                await ls.window_show_document_async(types.ShowDocumentParams(uri=from_fs_path(path), take_focus=True))
        choice = await ls.window_show_message_request_async(types.ShowMessageRequestParams(
            type=types.MessageType.Info, message=f"seidr: candidates for {name} (best first)",
            actions=[types.MessageActionItem(title=t) for t in titles]))
        if choice is None or choice.title not in titles:
            return outcome(False, False, "no candidate chosen")
        chosen = candidates[titles.index(choice.title)]
        base = ls.documents.state(target.uri).baseline
        applied, reason = await self.apply(target.uri, name, chosen.program, base, "apply candidate for")
        return outcome(applied, chosen.passed, reason)

    def _write_diffs(self, doc, problem: Problem, candidates, titles) -> str | None:
        folder = os.path.join(self.ls.settings.for_path(doc.path).cache_folder(), "candidates")
        text = doc.source
        parts = []
        for title, candidate in zip(titles, candidates):
            try:
                after = edits.new_text(text, problem, candidate.program.code)
            except edits.EditError as exc:
                parts.append(f"# {title}: cannot be applied ({exc})\n")
                continue
            diff = difflib.unified_diff(text.splitlines(True), after.splitlines(True), "current", title)
            parts.append(f"# {title}\n{''.join(diff)}\n")
        try:
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, f"{os.path.basename(doc.path or 'file')}.{problem.short_name}.diff")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write("".join(parts))
            return path
        except OSError as exc:
            log.warning("cannot write the candidates' diff: %s", exc)
            return None


def _arg(args: tuple) -> Any:
    return args[0] if args else None


def register(server) -> None:
    @server.command(SYNTHESIZE)
    async def synthesize(ls, *args):
        return await ls.jobs.run(SYNTHESIZE, _arg(args), ls.protocol.msg_id)

    @server.command(REPAIR)
    async def repair(ls, *args):
        return await ls.jobs.run(REPAIR, _arg(args), ls.protocol.msg_id)

    @server.command(APPLY_LAST)
    async def apply_last(ls, *args):
        return await ls.jobs.apply_last(_arg(args))

    @server.command(SHOW_CANDIDATES)
    async def show_candidates(ls, *args):
        return await ls.jobs.show_candidates(_arg(args))

    @server.command(CANCEL)
    def cancel(ls, *args):
        arg = _arg(args) if isinstance(_arg(args), dict) else {}
        return {"cancelled": ls.jobs.cancel(arg.get("uri"), arg.get("function"))}

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def progress_cancel(ls, params: types.WorkDoneProgressCancelParams):
        ls.jobs.cancel_token(params.token)
