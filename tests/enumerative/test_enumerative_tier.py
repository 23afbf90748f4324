"""The built-in search as the first tier of every Python synthesis, and as the whole of it with no model."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.develop import ConfigError, develop_problem, runner_for
from seidr.synth.events import Events
from seidr.synth.settings import load_settings

SEIDR = [sys.executable, "-m", "seidr"]
INC = Problem(language="python", name="inc", signature="def inc(x):", description="One more than x.",
              examples=(Example("inc(1)", "2\n"), Example("inc(41)", "42\n")), is_stub=True)
# No expression of the search's size fits these: the model has to do it.
HARD = Problem(language="python", name="f", signature="def f(x, y):",
               examples=(Example("f(3, 'a')", "'zzq'\n"), Example("f(4, 'b')", "'qqz'\n")), is_stub=True)
RIGHT_F = "```python\ndef f(x, y):\n    return 'zzq' if x == 3 else 'qqz'\n```"


def settings(**layer):
    merged, problems = load_settings({"cache": False, **layer})
    assert not problems
    return merged


def scripted(server, **layer):
    return settings(model="openai/scripted", apiBase=server.api_base, strategy="best-of-n",
                    search={"drafts": 1}, **layer)


async def test_with_a_model_the_tier_s_program_is_a_candidate_and_the_model_is_still_asked(scripted_server):
    scripted_server.replies = [["```python\ndef inc(x):\n    return x + 1 if x else 1\n```"]]
    seen = []
    ranking = await develop_problem(INC, scripted(scripted_server), Events([seen.append]))
    assert ranking.solved and len(scripted_server.requests) >= 1
    origins = {c.program.origin for c in ranking.candidates}
    assert {"enumerative", "draft"} <= origins
    kinds = [(e.kind, e.data.get("stage")) for e in seen]
    assert ("stage", "enumerate") in kinds
    done = [e for e in seen if e.kind == "done"]
    assert len(done) == 1  # one end of the run: the model's strategy


async def test_with_no_model_a_solved_tier_is_the_whole_search_and_reports_its_count():
    seen = []
    ranking = await develop_problem(INC, settings(), Events([seen.append]))
    assert ranking.solved and ranking.best.program.origin == "enumerative"
    assert ranking.best.program.code == "def inc(x):\n    return x + 1\n"
    assert ranking.spend["calls"] == 0
    done = [e for e in seen if e.kind == "done"]
    assert len(done) == 1 and done[0].data["solved"] and done[0].data["searched"] == ranking.spend["searched"] > 0


async def test_when_the_tier_finds_nothing_the_model_takes_over(scripted_server):
    scripted_server.replies = [[RIGHT_F]]
    seen = []
    ranking = await develop_problem(HARD, scripted(scripted_server, enumerateSeconds=0.3), Events([seen.append]))
    assert ranking.solved and ranking.best.program.origin == "draft"
    assert len(scripted_server.requests) == 1
    tier_end = next(e for e in seen if e.kind == "stage" and e.data.get("found") is False)
    assert tier_end.data["searched"] > 0
    assert [e.data["solved"] for e in seen if e.kind == "done"] == [True]  # one end of the run: the model's


async def test_enumerate_first_off_goes_straight_to_the_model(scripted_server):
    scripted_server.replies = [["```python\ndef inc(x):\n    return 1 + x\n```"]]
    ranking = await develop_problem(INC, scripted(scripted_server, enumerateFirst=False))
    assert ranking.solved and ranking.best.program.origin == "draft" and len(scripted_server.requests) == 1


async def test_the_found_program_is_judged_by_the_callers_runner():
    class Counting:
        language = "python"

        def __init__(self):
            self.inner, self.seen = runner_for("python"), []

        async def judge(self, problem, programs, *, hidden=False, limits=None):
            self.seen += [p.code for p in programs]
            return await self.inner.judge(problem, programs, hidden=hidden, limits=limits)

        async def close(self):
            await self.inner.close()

    runner = Counting()
    ranking = await develop_problem(INC, settings(), runner=runner)
    await runner.close()
    # the found program, and the other fitting programs that behave otherwise, all went through that runner
    assert runner.seen == [c.program.code for c in ranking.candidates] and ranking.solved
    assert runner.seen[0] == ranking.best.program.code


async def test_no_model_the_search_alone_says_what_it_searched():
    ranking = await develop_problem(INC, settings())
    assert ranking.solved
    match = re.fullmatch(r"no model configured: searched ([\d,]+) programs locally; set seidr.model for harder "
                         r"functions", ranking.reason)
    assert match and int(match.group(1).replace(",", "")) == ranking.spend["searched"] > 0


async def test_no_model_and_examples_the_search_cannot_read_is_a_ranking_that_says_how_to_go_on():
    problem = Problem(language="python", name="f", signature="def f(x):",
                      examples=(Example("y = f(2)", ""), Example("f(3)", "4\n")))
    ranking = await develop_problem(problem, settings())
    assert not ranking.solved and ranking.candidates == []
    assert "built-in search cannot use these examples" in ranking.reason and "set seidr.model" in ranking.reason


async def test_no_model_for_another_language_is_a_config_error_naming_the_fix():
    problem = Problem(language="cpp", name="inc", examples=(Example("inc(1)", "2", kind="expr"),))
    with pytest.raises(ConfigError, match=r"no model configured; set `model`.*Python only"):
        await develop_problem(problem, settings())


COUNTING = '''"""Counting."""


def inc(x: int) -> int:
    """One more than x.

    >>> inc(1)
    2
    >>> inc(41)
    42
    >>> inc(-3)
    -2
    """
    ...
'''
HARD_FILE = '''

def scramble(x, y):
    """
    >>> scramble(3, 'a')
    'zzq'
    >>> scramble(4, 'b')
    'qqz'
    """
'''


def test_seidr_synth_with_no_model_uses_the_search_and_says_so(workspace):
    (workspace / "counting.py").write_text(COUNTING)
    done = subprocess.run([*SEIDR, "synth", "counting.py", "--write"], cwd=workspace, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^inc: solved \(no model configured: searched [\d,]+ programs locally; set seidr.model for "
                     r"harder functions\)$", done.stderr, re.M), done.stderr
    assert "+    return x + 1" in done.stdout
    assert (workspace / "counting.py").read_text() == COUNTING.replace("    ...\n", "    return x + 1\n")


def test_seidr_synth_with_no_model_and_a_function_too_hard_exits_1_saying_how_to_configure(workspace):
    (workspace / "both.py").write_text(COUNTING + HARD_FILE)
    done = subprocess.run([*SEIDR, "synth", "both.py", "--seconds", "4"], cwd=workspace, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("scramble:"))
    assert re.search(r"not solved \(no model configured: searched [\d,]+ programs locally in [\d.]+ s and none "
                     r"passes every example \(time budget spent\); set seidr.model \(--model", line), line
    assert "inc: solved" in done.stderr and "+    return x + 1" in done.stdout  # the other function still lands
