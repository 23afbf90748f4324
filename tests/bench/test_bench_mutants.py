"""``seidr bench mutants``: each ranking's pick from a pool of mutants, judged on hidden tests, with no model."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.bench.ranking_quality import RANKINGS, generated_inputs

SEIDR = [sys.executable, "-m", "seidr"]
SAMPLE = str(Path(__file__).resolve().parent.parent / "data" / "humaneval_sample.jsonl")


def passes_humaneval_check(task_id: str, code: str) -> bool:
    row = next(json.loads(line) for line in open(SAMPLE) if json.loads(line)["task_id"] == task_id)
    namespace: dict = {}
    exec(code + "\n" + row["test"], namespace)
    try:
        namespace["check"](namespace[row["entry_point"]])
    except AssertionError:
        return False
    return True


def mutants_run(workspace, out, seed):
    done = subprocess.run([*SEIDR, "bench", "mutants", SAMPLE, "--pool", "8", "--seed", str(seed), "--out",
                           str(out)], cwd=workspace, capture_output=True, text=True, timeout=170)
    assert done.returncode == 0, done.stderr
    return done, json.loads((out / "mutants.json").read_text())


def test_each_ranking_is_scored_on_hidden_tests_and_the_same_seed_gives_the_same_report(workspace):
    done, report = mutants_run(workspace, workspace / "a", seed=3)
    for label in ("score only", "lexicase", "MBR, generated inputs", "random visible-passing"):
        assert label in done.stdout
    rows = {r["task_id"]: r for r in report["problems"]}
    assert set(rows) == {"HumanEval/3", "HumanEval/23", "HumanEval/53", "HumanEval/55"}
    below_zero = rows["HumanEval/3"]
    # mutants such as `balance <= 0` pass both visible examples and fail the hidden ones
    assert below_zero["traps"] >= 1 and below_zero["visible_pass"] > below_zero["hidden_pass"] - 1
    assert all(r["canonical_correct"] for r in rows.values())
    for name in RANKINGS:  # the report's verdict on each pick agrees with HumanEval's own check
        assert below_zero[name] == passes_humaneval_check("HumanEval/3", below_zero["picks"][name]["code"])
        assert 0.0 <= report["summary"][name] <= 1.0
    assert report["summary"]["problems"] == 4 and report["summary"]["with_traps"] >= 1
    # off a terminal, one line per problem as it is judged (a long run is never silent until the end)
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in lines] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert f"HumanEval/3: {below_zero['visible_pass']}/8 mutants pass the visible examples" in done.stderr
    _, again = mutants_run(workspace, workspace / "b", seed=3)
    assert again == report
    assert (workspace / "a" / "mutants.csv").read_text().splitlines()[0].startswith("task_id,pool,visible_pass")


def test_generated_inputs_vary_the_visible_arguments_and_never_repeat_them():
    problem = Problem(language="python", name="add", signature="def add(x, y):", examples=(
        Example("add(2, 3)", "5\n"), Example("add(5, 7)", "12\n")))
    calls = generated_inputs(problem, 8, seed=0)
    assert len(calls) == len(set(calls)) == 8
    assert not {"add(2, 3)", "add(5, 7)"} & set(calls)
    assert calls == generated_inputs(problem, 8, seed=0) and "add(3, 3)" in generated_inputs(problem, 100, seed=0)
    odd = Problem(language="python", name="f", signature="def f(x):", examples=(Example("y = f(2)", ""),))
    assert generated_inputs(odd, 8, seed=0) == []
