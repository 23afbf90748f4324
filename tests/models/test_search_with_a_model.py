"""Searches that talk to the scripted server through the real model layer: replies chosen by what the prompt
asks, garbled replies as failed drafts, the disk cache making a repeated synthesis free, and the budget
stopping a search at its limit with the best program so far and the reason."""
from __future__ import annotations

import subprocess
import sys

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.develop import develop_problem
from seidr.synth.events import Events
from seidr.synth.settings import load_settings

PROBLEM = Problem(
    language="python", name="inc", signature="def inc(x: int) -> int:", description="One more than x.",
    examples=(Example("inc(1)", "2\n", line=3), Example("inc(5)", "6\n", line=5)), is_stub=True,
)
WRONG = "```python\ndef inc(x):\n    return x\n```"
PARTIAL = "```python\ndef inc(x):\n    return 2\n```"  # passes inc(1) only
RIGHT = "Fixed it:\n```python\ndef inc(x):\n    return x + 1\n```"
DRAFT, REPAIR = "Write the Python function `inc`", "The current code:"


def wrong(k: int) -> str:
    return f"```python\ndef inc(x):\n    return x * {k}\n```"


def settings_for(server, workspace, **layer):
    search = {"drafts": 2, "beamWidth": 1, "repairs": 1, "depth": 3, **layer.pop("search", {})}
    merged, problems = load_settings({
        "model": "openai/scripted", "apiBase": server.api_base, "enumerateFirst": False, "retryWait": 0.01,
        "retryMaxWait": 2, "cacheDir": str(workspace / "cache"), "search": search, **layer})
    assert not problems, problems
    return merged


async def synthesize(server, workspace, **layer):
    seen = []
    ranking = await develop_problem(PROBLEM, settings_for(server, workspace, **layer), Events([seen.append]))
    return ranking, seen


async def test_replies_chosen_by_the_prompt_solve_the_problem_in_the_repair_round(scripted_server, workspace):
    scripted_server.answer(DRAFT, [WRONG, WRONG]).answer(REPAIR, RIGHT)
    ranking, _ = await synthesize(scripted_server, workspace)
    assert ranking.solved and ranking.best.program.origin == "repair"
    repair_prompt = scripted_server.requests[1]["messages"][-1]["content"]
    assert "FAILS:  inc(1): expected 2, got 1" in repair_prompt and "must return 2, but it returns 1" in repair_prompt


async def test_a_garbled_reply_is_a_failed_draft_with_its_reason(scripted_server, workspace):
    scripted_server.answer(DRAFT, ['{"choices": <<garbled>> ]] def', RIGHT])
    ranking, seen = await synthesize(scripted_server, workspace)
    assert ranking.solved
    [drafted] = [e for e in seen if e.kind == "drafted"]
    assert drafted.data["count"] == 1
    assert drafted.data["rejected"] == [{"index": 0, "reason": "the reply defines no function inc"}]


async def test_only_garbled_replies_end_the_search_saying_why(scripted_server, workspace):
    scripted_server.replies = [["I cannot help with that."]]
    ranking, _ = await synthesize(scripted_server, workspace, search={"depth": 0})
    assert not ranking.solved and ranking.candidates == []
    assert ranking.reason.endswith("2 replies held no program (the reply defines no function inc)")


async def test_a_server_answering_garbage_stops_the_search_with_a_model_error(scripted_server, workspace):
    scripted_server.fail(*["garbled"] * 3)
    ranking, _ = await synthesize(scripted_server, workspace, retries=2)
    assert not ranking.solved and ranking.reason.startswith("model error: openai/scripted at http://127.0.0.1")
    assert len(scripted_server.requests) == 3


async def test_a_repeated_synthesis_is_answered_from_the_cache(scripted_server, workspace):
    scripted_server.answer(DRAFT, [WRONG, WRONG]).answer(REPAIR, RIGHT)
    first, _ = await synthesize(scripted_server, workspace)
    asked = len(scripted_server.requests)
    again, _ = await synthesize(scripted_server, workspace)
    assert len(scripted_server.requests) == asked  # no request at all
    assert again.solved and again.best.program.code == first.best.program.code
    assert again.spend["calls"] == 0 and again.spend["cached"] == 3


async def test_the_call_limit_stops_concurrent_repairs_without_going_past_it(scripted_server, workspace):
    scripted_server.replies = [[PARTIAL, wrong(3), wrong(4), wrong(5)], [WRONG]]
    scripted_server.delay = 0.2
    ranking, _ = await synthesize(scripted_server, workspace, budget={"calls": 3},
                                  search={"drafts": 4, "beamWidth": 4, "ranking": "score"})
    assert len(scripted_server.requests) == 3  # the draft and two of the four concurrent repairs
    assert ranking.reason == "budget spent: model calls 3 of 3"
    assert not ranking.solved and ranking.best.program.code.endswith("return 2\n")


async def test_the_concurrency_setting_bounds_the_requests_of_a_search(scripted_server, workspace):
    scripted_server.replies = [[wrong(k) for k in range(3, 7)], [WRONG]]
    scripted_server.delay = 0.3
    await synthesize(scripted_server, workspace, concurrency=2, search={"drafts": 4, "beamWidth": 4, "depth": 1})
    # the draft request, four repairs, and one for test inputs to rank the tied programs by agreement
    assert len(scripted_server.requests) == 6 and scripted_server.max_active == 2


async def test_a_cost_limit_stops_the_search_once_a_priced_model_spent_it(scripted_server, workspace):
    scripted_server.replies = [[WRONG]]
    ranking, _ = await synthesize(scripted_server, workspace, model="openai/gpt-4o-mini",
                                  budget={"costUsd": 0.000001})
    assert ranking.reason.startswith("budget spent: cost $") and len(scripted_server.requests) == 1


async def test_a_time_limit_ends_a_request_the_server_sits_on(scripted_server, workspace):
    scripted_server.slow_seconds = 30
    scripted_server.fail("slow")
    ranking, _ = await synthesize(scripted_server, workspace, budget={"seconds": 1})
    assert ranking.reason.startswith("budget spent: time")


def test_seidr_synth_uses_the_cache_unless_told_not_to(scripted_server, workspace):
    (workspace / "pyproject.toml").write_text("[tool.seidr]\nenumerateFirst = false\n")
    (workspace / "counting.py").write_text('def inc(x):\n    """\n    >>> inc(1)\n    2\n    """\n    ...\n')
    scripted_server.replies = [[RIGHT]]
    argv = [sys.executable, "-m", "seidr", "synth", "counting.py", "--model", "openai/scripted", "--api-base",
            scripted_server.api_base]
    runs = [subprocess.run(argv + extra, cwd=workspace, capture_output=True, text=True, timeout=120)
            for extra in ([], [], ["--no-cache"])]
    assert [r.returncode for r in runs] == [0, 0, 0], "\n".join(r.stderr for r in runs)
    assert runs[1].stdout == runs[0].stdout and "+    return x + 1" in runs[0].stdout
    assert len(scripted_server.requests) == 2  # the first run and the --no-cache run
    assert "Traceback" not in "".join(r.stderr for r in runs)
