"""Codex Runner's files work unchanged: its README's format and its current one, under either set of command
names, tested in the sandbox as the reference tests them, scored into the reference's CSV."""

import csv
import re
import subprocess
import sys
from pathlib import Path

from seidr.synth.bench import codex_batch
from seidr.synth.bench.codex_batch import README, Completion, Question, load_batch, load_questions
from seidr.synth.bench.codex_scoring import question_rows, similarity

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "codex_questions.toml"

# the README's own example (its `foo`, made to print what its test expects), with two completions to test
README_EXAMPLE = """
[[questions]]
id = 'some_unique_name'
prompt = '''
The exact prompt that will be given to codex
'''
answer_preload = 'def foo(bar):'

[[questions.testcases]]
code = '''
foo('Baz')
'''
stdin = ''''''
expect = '''How much foo could a foo bar bar if a foo bar could bar foo!'''

[[questions.testcases]]
code = '''
foo('x')
'''
stdin = ''''''
expect = '''How much foo could a foo bar bar if a foo bar could bar foo!'''

[[questions.completions]]
completion = '''
def foo(bar):
    print('How much foo could a foo bar bar if a foo bar could bar foo!')
'''

[[questions.completions]]
completion = '''
def foo(bar):
    print(bar)
'''
"""

# the current version's format: `code` completions, test results with `got`, support files, input() echo
CURRENT_EXAMPLE = """
[[questions]]
id = 'greeting'
prompt = '''
Write a function called greeting(name) that prints Hello, <name>!
'''
answer_preload = '''
def greeting(name):
'''

[[questions.completions]]
code = '''
def greeting(name):
    print(f"Hello, {name}!")
'''

[[questions.completions]]
code = '''
def greeting(name):
    print(f"Hello {name}")
'''

[[questions.testcases]]
code = '''
greeting("James")
'''
stdin = ''
expect = '''
Hello, James!
'''

[[questions.testcases]]
code = '''
greeting(input("Who? "))
'''
stdin = 'Sue'
expect = '''
Who? Sue
Hello, Sue!
'''

[[questions]]
id = 'reader'
prompt = 'Print the first line of my_file.txt.'
answer_preload = ''

[[questions.completions]]
code = '''
print(open("my_file.txt").readline().strip())
'''

[[questions.completions]]
code = '''
print("some file data")
raise SystemExit("oops")
'''

[[questions.testcases]]
code = ''
stdin = ''
expect = '  some file data  '

[[questions.support_files]]
name = 'my_file.txt'
text = '''some file data
in another file.'''
"""

WITHOUT_COMPLETIONS = re.compile(r"\[\[questions\.completions\]\]\ncode = '''.*?'''\n", re.S)


def seidr(*args, cwd):
    return subprocess.run([sys.executable, "-m", "seidr", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=180)


def read_csv(path):
    return list(csv.reader(path.open()))


def test_the_readme_example_through_the_readme_command_names(tmp_path):
    batch = tmp_path / "qdata_w_completions.toml"
    batch.write_text(README_EXAMPLE)
    tested = tmp_path / "qdata_w_tests.toml"
    assert seidr("batch", "run-tests", batch, tested, cwd=tmp_path).returncode == 0
    after = load_batch(str(tested))
    assert after.format == README
    assert [c.results for c in after.questions[0].completions] == [[True, True], [False, False]]
    assert "results = [" in tested.read_text() and "test_results" not in tested.read_text()

    run = seidr("batch", "write-results", tested, tmp_path / "results.csv", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert read_csv(tmp_path / "results.csv") == [
        ["qid", "response 1", "response 2", "average", "median", "stdev", "min", "max"],
        ["some_unique_name", "1.0000", "0.0000", "0.5000", "0.5000", "0.7071", "0.0000", "1.0000"]]


def test_the_current_format_through_the_current_command_names(tmp_path):
    batch = tmp_path / "qdata_comp.toml"
    batch.write_text(CURRENT_EXAMPLE)
    tested = tmp_path / "qdata_checked.toml"
    run = seidr("batch", "test", batch, tested, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    greeting, reader = load_batch(str(tested)).questions
    # input() echoes its answer after the prompt, as on a terminal
    assert greeting.completions[0].runs[1].got.strip() == "Who? Sue\nHello, Sue!"
    assert [c.results for c in greeting.completions] == [[True, True], [False, False]]
    # the support file is in the working folder; both sides are stripped; standard error is part of the output
    assert reader.completions[0].results == [True]
    assert reader.completions[1].runs[0].got.strip() == "some file data\noops"
    assert reader.completions[1].results == [False]

    run = seidr("batch", "summary", tested, tmp_path / "data.csv", "--test-strat", "fuzzy", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    header, first, second = read_csv(tmp_path / "data.csv")
    assert header == ["qid", "response 1", "response 2", "average", "median", "min", "max"]
    assert first[:2] == ["greeting", "1.0000"] and 0.8 < float(first[2]) < 1
    assert second[:2] == ["reader", "1.0000"] and 0.5 < float(second[2]) < 1

    # got was kept, so the same results score again by another strategy without running anything
    run = seidr("batch", "summary", tested, tmp_path / "aon.csv", "--scoring-strat", "all-or-nothing", cwd=tmp_path)
    assert [row[:3] for row in read_csv(tmp_path / "aon.csv")[1:]] == [["greeting", "1.0000", "0.0000"],
                                                                      ["reader", "1.0000", "0.0000"]]


def test_a_program_that_runs_out_of_time_reads_as_the_reference_says(tmp_path):
    batch = tmp_path / "slow.toml"
    batch.write_text("[[questions]]\nid = 'slow'\nprompt = 'p'\n[[questions.completions]]\ncode = 'while True: pass'\n"
                     "[[questions.testcases]]\ncode = ''\nstdin = ''\nexpect = 'x'\n")
    assert seidr("batch", "test", batch, tmp_path / "out.toml", "--seconds", "1", cwd=tmp_path).returncode == 0
    assert load_batch(str(tmp_path / "out.toml")).questions[0].completions[0].runs[0].got == "*** TIMEOUT ***"


def test_each_test_and_scoring_strategy():
    case, run = codex_batch.Testcase(expect="Hello, James!"), codex_batch.TestResult
    close = Completion("c", [False, True], [run(case, "Hello, Sue!"), run(case, "Hello, James!")])
    right = Completion("c", [True, True], [run(case, "Hello, James!"), run(case, " Hello, James!\n")])
    question = Question("q", "p", completions=[close, right])
    assert similarity("Hello, James!", "Hello, Sue!") == 75.0

    def scores(test, scoring):
        return question_rows([question], "current", test, scoring)[1][0][1:-4]

    assert scores("exact", "basic") == ["0.5000", "1.0000"]
    assert scores("fuzzy", "basic") == ["0.8750", "1.0000"]
    assert scores("fuzzy_w_cutoff", "basic") == ["0.5000", "1.0000"]
    assert scores("exact", "all-or-nothing") == ["0.0000", "1.0000"]
    # one pass in two: sum over attempts i of 0.5^(i+1) x penalty(i), with penalties 1, 1, .95, .9, ..., .5
    assert question_rows([question], "current", "exact", "expected")[1][0][1] == "0.9750"
    assert question_rows([question], "current", "exact", "finite-expected")[1][0][1] == "0.9749"


def test_generate_sends_the_preload_and_merges_it_with_a_reply_that_repeats_it(scripted_server, tmp_path):
    questions = tmp_path / "qdata.toml"
    questions.write_text(WITHOUT_COMPLETIONS.sub("", CURRENT_EXAMPLE))
    # a chat reply writes the header again; a Codex-style one continues it
    scripted_server.replies = [["```python\ndef greeting(name):\n    print(f'Hello, {name}!')\n```",
                                "    print(f'Hello, {name}!')\n"]]
    out = tmp_path / "qdata_comp.toml"
    run = seidr("batch", "gen", questions, out, "--n", "2", "--temp", "0.5", "--model", "openai/scripted",
                "--api-base", scripted_server.api_base, "--no-cache", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    request = scripted_server.requests[0]
    assert request["messages"][0]["content"].endswith("Hello, <name>!\n\ndef greeting(name):")
    assert (request["n"], request["temperature"]) == (2, 0.5)
    codes = [c.code for c in load_batch(str(out)).questions[0].completions]
    assert [code.count("def greeting(name):") for code in codes] == [1, 1]
    assert "code = " in out.read_text()  # the current command names write the current format

    tested = tmp_path / "checked.toml"
    assert seidr("batch", "test", out, tested, cwd=tmp_path).returncode == 0
    assert [c.results for c in load_batch(str(tested)).questions[0].completions] == [[True, True], [True, True]]


def test_seidrs_own_names_keep_the_sample_working_with_a_per_completion_csv(tmp_path):
    tested = tmp_path / "tested.toml"
    assert seidr("batch", "test", SAMPLE, tested, cwd=tmp_path).returncode == 0
    questions = load_questions(str(tested))
    assert [c.results for c in questions[0].completions] == [[True, True], [False, False]]
    # An early os._exit(0) prints nothing, so it fails however it exits.
    assert [c.results for c in questions[1].completions] == [[True], [False]]
    run = seidr("batch", "report", tested, tmp_path / "r.csv", "--per-completion", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader((tmp_path / "r.csv").open()))
    assert [(r["id"], r["pass_ratio"]) for r in rows] == [("double", "1.0"), ("double", "0.0"),
                                                          ("greet", "1.0"), ("greet", "0.0")]


def test_a_broken_batch_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[questions]]\nprompt = 'no id'\n")
    run = seidr("batch", "test", bad, tmp_path / "o.toml", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "needs an id and a prompt" in run.stderr
