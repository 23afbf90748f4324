"""A script written for the 2022-2023 SEIDR package runs unchanged: ``develop(task, critic, examples, ...)`` with
``pbe_critic`` and stdin/stdout pairs, against a scripted model on 127.0.0.1, programs judged for real."""
from __future__ import annotations

import pytest

from seidr import develop, pbe_critic
from tests.conftest import need

SUM_CPP = """```cpp
#include <iostream>
int main() {
  long a, b;
  std::cin >> a >> b;
  std::cout << a + b << std::endl;
  return 0;
}
```"""
SUM_PY = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
# right on the first line of output only: the reference scores it by the share of lines it gets right
HALF_PY = "```python\na, b = map(int, input().split())\nprint(a + b)\nprint(a - b)\n```"
TASK = "Read two integers from one line and print their sum."
EXAMPLES = [(["1 2"], ["3"]), (["5 7"], ["12"])]
TESTS = EXAMPLES + [(["-1 1"], ["0"]), (["100 23"], ["123"])]


@pytest.fixture
def scripted(scripted_server, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    (workspace / "seidr.toml").write_text(f'model = "openai/scripted"\napiBase = "{scripted_server.api_base}"\n'
                                          "cache = false\n")
    return scripted_server


def test_the_reference_call_shape_solves_a_cpp_io_task_and_calls_every_callback(scripted):
    need("g++")
    scripted.replies = [[SUM_CPP]]
    metrics, programs, calls = [], [], []
    critic = pbe_critic(TASK, TESTS, debug_template="Make sure {i} -> {o}")

    best = develop(TASK, critic, EXAMPLES, "C++", 4, 2, 10,
                   log_metrics=metrics.append, log_program=programs.append,
                   log_gpt_call=lambda **kwargs: calls.append(kwargs), batch_size=2)

    assert "std::cin" in best.read() and best.language == "cpp"
    assert best.avg_score == 1.0 and best.pass_rate == 1.0
    assert {"idx": 0, "avg_score": 1.0, "pass_rate": 1.0} in metrics
    assert {"best_avg_score": 1.0, "best_pass_rate": 1.0} in metrics
    assert [p.read() for p in programs] == [best.read()]
    assert calls and calls[0]["count"] >= 1 and "std::cin" in calls[0]["replies"][0]
    # every test of the critic was shown to the model, not only the prompt's examples
    assert "100 23" in scripted.requests[0]["messages"][-1]["content"]


def test_keywords_and_the_python_spelling_and_a_partly_right_program(scripted):
    scripted.replies = [[HALF_PY]]
    best = develop(task_description=TASK, critic=pbe_critic(TASK, EXAMPLES), examples=EXAMPLES,
                   language="Python", beam_width=1, branching_factor=1, max_programs=1,
                   log_metrics=lambda m: None, log_program=lambda p: None, log_gpt_call=lambda **k: None)

    assert "print(a - b)" in best.read()
    # each run prints the sum (right) and then the difference (an extra line): half of each run's lines
    assert best.avg_score == 0.5 and best.pass_rate == 0.0


def test_the_program_object_tests_and_saves_like_programlib(scripted, workspace):
    scripted.replies = [[SUM_PY]]
    best = develop(TASK, pbe_critic(TASK, EXAMPLES), EXAMPLES, language="python", log_metrics=lambda m: None,
                   log_program=lambda p: None, log_gpt_call=lambda **k: None)

    runs = best.test([(["2 2"], ["4"]), (["2 2"], ["5"])])
    assert [r.correctness for r in runs] == [1.0, 0.0] and runs[1].output_lines == ["4"]
    assert best.pass_rate == 0.5
    best.save(str(workspace / "solution.py"))
    assert (workspace / "solution.py").read_text() == best.read()
    program, prompt = pbe_critic(TASK, [(["2 2"], ["5"])])(best)
    assert program is best and prompt == "Make sure 2 2 -> 5"


def test_a_bad_language_or_pair_is_one_clear_error(scripted):
    with pytest.raises(ValueError, match=r"unknown language 'Cobol'; use one of 'Python', 'C\+\+', 'Rust'"):
        develop(TASK, pbe_critic(TASK, EXAMPLES), EXAMPLES, language="Cobol")
    with pytest.raises(ValueError, match=r"each test must be an \(input_lines, output_lines\) pair"):
        pbe_critic(TASK, ["1 2 -> 3"])


def test_todays_keyword_style_still_works_and_an_unknown_keyword_is_not_ignored(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    # with no model the built-in search is the whole synthesis; the arity comes from the examples' calls
    ranking = develop("One more than x.", [">>> inc(1)\n2", "inc(41) == 42"], calls=10)
    assert ranking.solved and "+ 1" in ranking.best.program.code

    with pytest.raises(TypeError) as error:
        develop("One more than x.", [">>> inc(1)\n2"], beamwidth=3)
    assert "'beamwidth'" in str(error.value) and "ignored" not in str(error.value)
