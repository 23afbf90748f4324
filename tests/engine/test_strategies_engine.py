"""Each strategy on scripted scenarios: a model whose replies are fixed in advance and a judge that runs the
candidate code for real on the examples."""
from __future__ import annotations


from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.verdict import ExampleResult, Outcome, Verdict
from seidr.synth.budget import Budget
from seidr.synth.events import Events
from seidr.synth.models import Completion, ModelError
from seidr.synth.settings import load_settings
from seidr.synth.strategies import get_strategy

PROBLEM = Problem(
    language="python", name="inc", signature="def inc(x: int) -> int:", description="One more than x.",
    examples=(Example("inc(1)", "2\n", line=3), Example("inc(5)", "6\n", line=5)), is_stub=True,
)
WRONG = "```python\ndef inc(x):\n    return x\n```"
RIGHT = "```python\ndef inc(x):\n    return x + 1\n```"


class ScriptedModel:
    """Answers the n-th request with the n-th script entry (a list of reply texts, or an exception)."""

    name = "scripted"

    def __init__(self, *script):
        self.script, self.requests = list(script), []

    async def sample(self, messages, n=1, *, temperature=None, budget=None, salt="", **_):
        self.requests.append(messages)
        if budget is not None:
            budget.check()
        step = self.script.pop(0) if self.script else [WRONG]
        if isinstance(step, Exception):
            raise step
        texts = (step * n)[:n] if len(step) < n else step[:n]
        if budget is not None:
            budget.charge(calls=1, tokens=10, cost=0.0)
        return [Completion(t, "scripted", 5, 5, 0.0, False, i) for i, t in enumerate(texts)]


class ExecJudge:
    """Runs each program and each example in this process: enough for code these tests wrote themselves."""

    language = "python"

    async def judge(self, problem, programs, *, hidden=False, limits=None):
        verdicts = []
        for program in programs:
            scope: dict = {}
            try:
                exec(program.code, scope)
            except Exception as exc:
                verdicts.append(Verdict(error=f"{type(exc).__name__}: {exc}"))
                continue
            results = []
            for ex in problem.examples:
                try:
                    got = repr(eval(ex.source, scope))
                except Exception as exc:
                    results.append(ExampleResult(ex, Outcome.ERROR, message=f"{type(exc).__name__}: {exc}"))
                    continue
                ok = ex.expected is not None and got == ex.expected.strip()
                results.append(ExampleResult(ex, Outcome.PASSED if ok else Outcome.FAILED, ex.expected, got))
            verdicts.append(Verdict(tuple(results)))
        return verdicts

    async def close(self):
        pass


def settings(**search):
    s, problems = load_settings({"search": {"drafts": 2, "beamWidth": 1, "repairs": 1, "depth": 3, **search}})
    assert not problems
    return s


async def search(name, model, budget=None, **options):
    seen = []
    budget = budget or Budget(calls=50, tokens=None, cost_usd=None, seconds=None)
    ranking = await get_strategy(name)(PROBLEM, model, ExecJudge(), budget, Events([seen.append]), settings(**options))
    return ranking, seen


async def test_seidr_solves_in_round_two_when_the_repair_after_the_static_instruction_is_right():
    model = ScriptedModel([WRONG, WRONG], [RIGHT])
    ranking, seen = await search("seidr", model)
    assert ranking.solved and ranking.reason == "solved"
    assert ranking.best.program.origin == "repair" and "x + 1" in ranking.best.program.code
    assert len(model.requests) == 2  # stopped the moment a program passed
    assert [e.kind for e in seen][-1] == "done"
    assert any(e.kind == "best" and e.data["passed"] == 2 for e in seen)


async def test_best_of_n_keeps_the_passing_draft():
    ranking, _ = await search("best-of-n", ScriptedModel([WRONG, RIGHT]))
    assert ranking.solved and "x + 1" in ranking.best.program.code
    assert len(ranking.candidates) == 2


async def test_refine_repairs_one_program_in_sequence():
    model = ScriptedModel([WRONG], [WRONG.replace("x\n", "x * 1\n")], [RIGHT])
    ranking, _ = await search("refine", model)
    assert ranking.solved and len(model.requests) == 3


async def test_treefinement_expands_a_node_and_finds_the_fix():
    ranking, _ = await search("treefinement", ScriptedModel([WRONG, WRONG], [RIGHT]))
    assert ranking.solved and ranking.best.program.origin == "repair"


async def test_mbr_picks_the_majority_behaviour_on_extra_inputs():
    odd = "```python\ndef inc(x):\n    return 6 if x == 5 else 2\n```"  # passes the examples, overfits
    majority = [RIGHT, "```python\ndef inc(x):\n    y = x + 1\n    return y\n```"]
    model = ScriptedModel([odd, *majority], ["inc(0)\ninc(10)\ninc(-3)"])
    ranking, _ = await search("mbr", model, drafts=3)
    assert all(c.passed for c in ranking.candidates)
    assert "x + 1" in ranking.best.program.code  # the shorter majority program, not the overfit one
    assert sorted(ranking.agreement.values()) == [1, 2, 2]


async def test_an_exhausted_budget_returns_the_best_partial_program_with_the_reason():
    partial = "```python\ndef inc(x):\n    return 2\n```"  # passes inc(1) only
    budget = Budget(calls=1, tokens=None, cost_usd=None, seconds=None)
    ranking, _ = await search("seidr", ScriptedModel([partial, WRONG], [RIGHT]), budget=budget)
    assert not ranking.solved
    assert ranking.reason.startswith("budget spent")
    assert ranking.best.program.code.strip().endswith("return 2")


async def test_a_model_error_stops_the_search_with_its_one_line_reason():
    ranking, _ = await search("seidr", ScriptedModel(ModelError("provider refused the API key")))
    assert not ranking.solved and ranking.candidates == []
    assert ranking.reason == "model error: provider refused the API key"


async def test_a_model_written_bug_summary_is_the_instruction_for_the_repair():
    model = ScriptedModel([WRONG, WRONG], ["The function forgets to add one."], [RIGHT])
    ranking, _ = await search("seidr", model, instruct="model")
    assert ranking.solved and len(model.requests) == 3
    assert "forgets to add one" in str(model.requests[2])


async def test_keep_collects_several_passing_programs_and_ranks_the_simpler_first():
    longer = "```python\ndef inc(x):\n    y = x\n    return y + 1\n```"
    ranking, _ = await search("seidr", ScriptedModel([longer, WRONG], [RIGHT]), keep=2)
    assert [c.passed for c in ranking.candidates] == [True, True, False]
    assert "return x + 1" in ranking.best.program.code
