"""The steps every strategy shares: draft, judge, instruct, repair, rank; and the search state they act on."""
from __future__ import annotations

import asyncio
import random
from typing import Sequence

from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.synth.budget import BudgetExhausted
from seidr.synth.events import Events
from seidr.synth.models import ModelError
from seidr.synth.prompting import PromptError, render
from seidr.synth.ranking import Candidate, Ranking, broke_anchor, rank, select
from seidr.synth.replies import parse_reply


class Stop(Exception):
    """The search must end now; ``reason`` is the one line the user sees."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Search:
    """One search over one problem: the judged pool (by program id), the budget, the events."""

    def __init__(self, problem: Problem, model, runner, budget, events: Events | None, settings):
        self.problem, self.model, self.runner, self.budget = problem, model, runner, budget
        self.events = events or Events()
        self.settings = settings
        self.search = settings.search
        self.pool: dict[str, Candidate] = {}
        self.rng = random.Random(0)
        self.limits = settings.limits.to_limits()
        self.rejected: list[str] = []  # why replies were no program, for the reason a fruitless search gives
        self._context: str | None = None
        self._seeded = False
        self.model_failed: ModelError | None = None  # a model error ended a step: later steps do not ask again

    # -- model steps --------------------------------------------------------------------------------
    async def context(self) -> str:
        """The code around the function, as prompts show it; looked up once, off the event loop (jedi)."""
        if self._context is None:
            from seidr.synth.context import context_for

            self._context = await asyncio.to_thread(context_for, self.problem)
        return self._context

    async def _sample(self, step: str, n: int, temperature: float | None, salt: str = "", **fields):
        self.events.emit("stage", stage=step)
        try:
            messages = render(step, self.problem, context=await self.context(), **fields)
        except PromptError as exc:
            raise Stop(str(exc)) from None
        self.events.emit("stage", stage="prompt", step=step, n=n, messages=messages)
        try:
            if self.budget is not None:
                self.budget.check()
            completions = await self.model.sample(messages, n, temperature=temperature, budget=self.budget, salt=salt,
                                                  step=step, problem=self.problem)
        except BudgetExhausted as exc:
            raise Stop(f"budget spent: {getattr(exc, 'reason', exc)}") from None
        except ModelError as exc:
            self.model_failed = exc
            raise Stop(f"model error: {exc}") from None
        if self.budget is not None:
            self.events.emit("spent", fraction=self.budget.fraction(), summary=self.budget.summary())
        return completions

    def _programs(self, completions, origin: str, parent: Candidate | None = None, **data) -> list[Program]:
        """The programs in the replies; a reply that holds none is a failed draft, reported with its reason."""
        programs, rejected = [], []
        for c in completions:
            reply = parse_reply(c.text, self.problem)
            if reply.code:
                programs.append(Program(
                    reply.code, origin=origin, parent=parent.program.id if parent else None, prompt=origin,
                    model=c.model, tokens=c.tokens_in + c.tokens_out, cost=c.cost,
                    meta={"cached": getattr(c, "cached", False)},
                ))
                continue
            reason = reply.reason or "the reply holds no program"
            if getattr(c, "finish_reason", "") == "length":
                reason += " (the reply was cut off at maxTokens; raise it)"
            rejected.append({"index": c.index, "reason": reason})
            self.rejected.append(reason)
        self.events.emit(
            "drafted", count=len(programs), replies=[c.text for c in completions], rejected=rejected,
            cached=sum(bool(getattr(c, "cached", False)) for c in completions),
            programs=[{"id": p.id, "origin": p.origin, "parent": p.parent, "code": p.code, "tokens": p.tokens,
                       "cost": p.cost} for p in programs], origin=origin,
            **({"parent": parent.program.id} if parent else {}), **data,
        )
        return programs

    async def draft(self, n: int, salt: str = "") -> list[Program]:
        completions = await self._sample("draft", n, self.search.temperature, salt=salt)
        return self._programs(completions, "draft") + self.current()

    def current(self) -> list[Program]:
        """The function as the user has it, once, when it has related tests: judged with the first drafts, so a
        repair round can start from it, instructed by what its failing tests said."""
        problem = self.problem
        if self._seeded or problem.is_stub or not problem.code.strip() or \
                not any(e.kind == "test" for e in problem.examples):
            return []
        self._seeded = True
        return [Program(problem.code, origin="user")]

    def instruct_static(self, parent: Candidate) -> str:
        """SEIDR's fixed template, filled with the first failure or the error text."""
        v = parent.verdict
        if v.error or not v.failures:
            return f"The code above fails with this error: {(v.error or v.output or 'unknown error').strip()}. Fix it."
        r = v.failures[0]
        if r.example.kind == "test":  # pytest's own words for the failure, for each failing test
            tests = [f for f in v.failures if f.example.kind == "test"][:3]
            said = "; ".join(f"{f.example.describe()} fails: {' '.join(l.strip() for l in f.summary().splitlines()[:3])}"
                             for f in tests)
            return f"The workspace's tests fail: {said}. Fix the code so every example and test passes."
        if r.outcome.value == "failed":
            said = (r.actual or "").strip() or "nothing"
            return (f"For {r.example.describe()} the code must return {(r.expected or '').strip()}, "
                    f"but it returns {said}. Fix the code so every example passes.")
        return f"For {r.example.describe()} the code fails: {r.summary()}. Fix the code so every example passes."

    async def instruct(self, parent: Candidate, n: int) -> list[str]:
        if self.search.instruct == "static":
            return [self.instruct_static(parent)]
        completions = await self._sample(
            "explain", n, self.search.temperature, salt=parent.program.id,
            code=parent.program.code, verdict=parent.verdict,
        )
        return [c.text.strip() for c in completions if c.text.strip()] or [self.instruct_static(parent)]

    async def repair(self, parent: Candidate, instruction: str, n: int, salt: str = "") -> list[Program]:
        completions = await self._sample(
            "repair", n, self.search.temperature, salt=parent.program.id + salt,
            code=parent.program.code, verdict=parent.verdict, instruction=instruction,
        )
        return self._programs(completions, "repair", parent, instruction=instruction)

    # -- execution ----------------------------------------------------------------------------------
    async def judge(self, programs: Sequence[Program]) -> list[Candidate]:
        """Judge programs not seen before (same code, same verdict); returns a candidate per program."""
        fresh = list({p.id: p for p in programs if p.id not in self.pool}.values())
        if fresh:
            self.events.emit("stage", stage="judge")
            verdicts = await self.runner.judge(self.problem, fresh, limits=self.limits)
            for program, verdict in zip(fresh, verdicts):
                parent = self.pool.get(program.parent) if program.parent else None
                self.pool[program.id] = Candidate(
                    program, verdict, broke_anchor(verdict, parent.verdict if parent else None)
                )
            self.events.emit("judged", count=len(fresh), passed=sum(v.passed for v in verdicts), verdicts=[
                {"id": p.id, "passed": v.passed, "score": round(v.score, 4), "seconds": round(v.seconds, 3),
                 "explanation": self.pool[p.id].explain()} for p, v in zip(fresh, verdicts)])
            best = self.best()
            if best is not None:
                self.events.emit(
                    "best", program=best.program.id, passed=best.verdict.n_passed, total=best.verdict.n_total,
                    score=round(best.score, 4), explanation=best.explain(),
                )
        return [self.pool[p.id] for p in programs]

    # -- ranking ------------------------------------------------------------------------------------
    def best(self) -> Candidate | None:
        ranked = rank(list(self.pool.values()))
        return ranked[0] if ranked else None

    def select(self, candidates: list[Candidate], k: int) -> list[Candidate]:
        return select(candidates, k, self.search.ranking, self.rng)

    def solved(self) -> bool:
        return sum(c.passed for c in self.pool.values()) >= self.search.keep

    def result(self, reason: str) -> Ranking:
        if not self.pool and self.rejected:  # say why nothing could even be judged
            reason += f"; {len(self.rejected)} replies held no program ({self.rejected[-1]})"
        spend = self.budget.summary() if self.budget is not None else {}
        ranking = Ranking(rank(list(self.pool.values())), reason, spend if isinstance(spend, dict) else {"summary": spend},
                          service_failed=bool(self.model_failed and self.model_failed.service))
        self.events.emit("done", reason=reason, solved=ranking.solved, judged=len(self.pool))
        return ranking
