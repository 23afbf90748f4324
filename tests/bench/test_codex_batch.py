"""Codex-Runner batches: a sample file round-trips, its completions are tested in the sandbox, and the
summary CSV carries per-completion ratios and per-question statistics."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from seidr.synth.bench.codex_batch import load_questions

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "codex_questions.toml"


def test_round_trip_keeps_every_field(tmp_path):
    from seidr.synth.bench.codex_batch import dump_questions

    questions = load_questions(str(SAMPLE))
    out = tmp_path / "copy.toml"
    dump_questions(questions, str(out))
    assert load_questions(str(out)) == questions
    assert questions[0].answer_preload == "import sys\n"
    assert [t.expect for t in questions[0].testcases] == ["42", "0"]


def test_batch_test_then_report_through_the_command_line(tmp_path):
    batch = tmp_path / "batch.toml"
    shutil.copy(SAMPLE, batch)
    tested = tmp_path / "tested.toml"
    run = subprocess.run([sys.executable, "-m", "seidr", "batch", "test", str(batch), str(tested)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    questions = load_questions(str(tested))
    assert [c.results for c in questions[0].completions] == [[True, True], [False, False]]
    # An early os._exit(0) prints nothing, so it fails however it exits.
    assert [c.results for c in questions[1].completions] == [[True], [False]]

    report = tmp_path / "results.csv"
    run = subprocess.run([sys.executable, "-m", "seidr", "batch", "report", str(tested), str(report)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(report.open()))
    assert [(r["id"], r["pass_ratio"]) for r in rows] == [("double", "1.0"), ("double", "0.0"),
                                                          ("greet", "1.0"), ("greet", "0.0")]
    assert {r["mean"] for r in rows} == {"0.5"} and rows[0]["max"] == "1.0" and rows[0]["min"] == "0.0"


def test_a_broken_batch_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[questions]]\nprompt = 'no id'\n")
    run = subprocess.run([sys.executable, "-m", "seidr", "batch", "test", str(bad), str(tmp_path / "o.toml")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "needs an id and a prompt" in run.stderr


def test_batch_generate_asks_the_model_n_completions_per_question_then_test_runs_them(scripted_server, tmp_path):
    questions = tmp_path / "questions.toml"
    questions.write_text(SAMPLE.read_text().split("[[questions.completions]]")[0]
                         + '\n[[questions]]\nid = "greet"\nprompt = "Print hello and the name read from stdin."\n'
                         '\n[[questions.testcases]]\ncode = ""\nstdin = "ada\\n"\nexpect = "hello, ada"\n')
    scripted_server.replies = [["```python\ndef double(x):\n    return x * 2\n```", "def double(x):\n    return x\n"],
                               ["print('hello, ' + input())\n"]]
    generated = tmp_path / "generated.toml"
    run = subprocess.run([sys.executable, "-m", "seidr", "batch", "generate", str(questions), str(generated), "--n",
                          "2", "--max-tokens", "64", "--temperature", "0.5", "--model", "openai/scripted",
                          "--api-base", scripted_server.api_base, "--no-cache"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "wrote 4 completions" in run.stdout
    first = scripted_server.requests[0]
    assert (first["n"], first["max_tokens"], first["temperature"]) == (2, 64, 0.5)
    assert first["messages"] == [{"role": "user", "content": "Write a function double(x) that returns twice x."}]
    made = load_questions(str(generated))
    assert [c.completion for c in made[0].completions] == ["def double(x):\n    return x * 2\n",
                                                           "def double(x):\n    return x\n"]
    tested = tmp_path / "tested.toml"
    run = subprocess.run([sys.executable, "-m", "seidr", "batch", "test", str(generated), str(tested)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [c.results for q in load_questions(str(tested)) for c in q.completions] == [
        [True, True], [False, True], [True], [True]]  # x is right for double(0) only
