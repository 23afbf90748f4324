"""Each dataset format becomes Problems whose visible examples are what the loop may see and whose hidden
tests are what the result is judged on, from the small samples kept in tests/data."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from seidr.runners.program import Program
from seidr.synth.bench.datasets import DatasetError, hidden_view, load

DATA = Path(__file__).resolve().parent.parent / "data"


def text_the_loop_sees(problem) -> str:
    return "\n".join([problem.signature, problem.description, problem.context,
                      *(f"{e.source} {e.expected}" for e in problem.examples)])


def test_humaneval_sample_keeps_docstring_examples_visible_and_check_hidden():
    problems = load(str(DATA / "humaneval_sample.jsonl"))
    assert [p.meta["task_id"] for p in problems] == ["HumanEval/3", "HumanEval/23", "HumanEval/53", "HumanEval/55"]
    strlen = problems[1]
    assert (strlen.name, strlen.language, strlen.is_stub) == ("strlen", "python", True)
    assert strlen.signature == "def strlen(string: str) -> int:"
    assert [(e.source, e.expected) for e in strlen.examples] == [("strlen('')", "0\n"), ("strlen('abc')", "3\n")]
    [hidden] = strlen.hidden_tests
    assert "asdasnakj" in hidden.source and hidden.source.rstrip().endswith("check(strlen)")
    for problem in problems:
        assert "def check(candidate)" not in text_the_loop_sees(problem)
        assert problem.meta["canonical"].startswith(problem.meta["prompt"])


def test_humaneval_by_name_reads_the_file_the_package_ships():
    problems = load("humaneval", limit=5)
    assert [p.meta["task_id"] for p in problems] == [f"HumanEval/{n}" for n in range(5)]


def test_mbpp_sample_shows_the_first_assertion_and_hides_them_all():
    problems = load(str(DATA / "mbpp_sample.jsonl"))
    first = problems[0]
    assert (first.meta["task_id"], first.name) == ("MBPP/2", "similar_elements")
    assert first.signature == "def similar_elements(test_tup1, test_tup2):"
    assert [e.kind for e in first.examples] == ["assert"]
    assert first.examples[0].source == "assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)"
    assert len(first.hidden_tests) == 3 and first.examples[0].source == first.hidden_tests[0].source
    assert first.description.startswith("Write a function to find the similar elements")


def test_psb2_sample_groups_rows_per_problem_with_the_first_five_visible():
    problems = load(str(DATA / "psb2_sample.jsonl"))
    gcd = next(p for p in problems if p.name == "gcd")
    assert gcd.signature == "def gcd(input1, input2):"
    assert len(gcd.examples) == 5 and len(gcd.hidden_tests) == 7
    assert (gcd.examples[1].source, gcd.examples[1].expected) == ("gcd(4, 400000)", "4\n")
    middle = next(p for p in problems if p.name == "middle_character")
    assert middle.meta["task_id"] == "PSB2/middle-character"


def test_contest_sample_has_stdin_stdout_pairs_public_visible_private_and_generated_hidden():
    problems = load(str(DATA / "contests_sample.jsonl"))
    two = problems[0]
    assert two.meta["task_id"] == "sum-of-two" and two.description.startswith("Read two integers")
    assert [(e.kind, e.stdin, e.expected) for e in two.examples] == [("io", "1 2\n", "3\n"), ("io", "10 -3\n", "7\n")]
    assert [e.stdin for e in two.hidden_tests] == ["0 0\n", "1000000 1\n", "-5 -5\n"]


def test_humaneval_x_cpp_asserts_become_typed_expression_examples():
    problems = load(str(DATA / "humaneval_cpp_sample.jsonl"))
    assert [p.name for p in problems] == ["has_close_elements", "filter_by_prefix", "add"]
    close, prefix, _ = problems
    assert close.language == "cpp" and close.signature == "bool has_close_elements(vector<float> numbers, float threshold)"
    assert [(e.kind, e.source, e.expected) for e in close.examples] == [
        ("expr", "has_close_elements({1.0, 2.0, 3.0}, 0.5)", "false"),
        ("expr", "has_close_elements({1.0, 2.8, 3.0, 4.0, 5.0, 2.0}, 0.3)", "true")]
    # issame(actual, {braced list}) compares with ==, the braced list typed as the function returns
    assert prefix.examples[1].expected == 'vector<string>{"abc", "array"}'
    for problem in problems:
        assert "int main" not in text_the_loop_sees(problem)
        assert "int main" in hidden_view(problem).context


async def test_humaneval_x_cpp_hidden_tests_pass_the_canonical_solution_and_fail_a_wrong_one():
    if shutil.which("g++") is None:
        pytest.skip("g++ is not installed")
    from seidr.runners.runner import get_runner

    problem = load(str(DATA / "humaneval_cpp_sample.jsonl"))[2]  # add(x, y)
    right = Program(problem.meta["canonical"], origin="canonical")
    wrong = Program("int add(int x,int y){\n    return x == 2 ? 5 : 12;\n}\n")  # fits the examples only
    runner = get_runner("cpp")
    try:
        visible = await runner.judge(problem, [right, wrong])
        hidden = await runner.judge(hidden_view(problem), [right, wrong], hidden=True)
    finally:
        await runner.close()
    assert [v.passed for v in visible] == [True, True]
    assert [v.passed for v in hidden] == [True, False]


def test_a_path_is_told_by_its_rows_and_a_name_can_be_given(tmp_path):
    copy = tmp_path / "data.jsonl.gz"
    with gzip.open(copy, "wt", encoding="utf-8") as fh:
        fh.write((DATA / "mbpp_sample.jsonl").read_text())
    assert load(str(copy))[0].meta["task_id"] == "MBPP/2"
    assert load(f"mbpp:{DATA / 'mbpp_sample.jsonl'}", limit=1)[0].name == "similar_elements"


@pytest.mark.parametrize("dataset,message", [
    ("nope:x.jsonl", "unknown dataset 'nope'"),
    ("missing.jsonl", "missing.jsonl: no such file"),
    ("mbpp", "dataset mbpp needs a path: mbpp:PATH"),
])
def test_bad_dataset_arguments_name_the_fix(dataset, message):
    with pytest.raises(DatasetError, match=message):
        load(dataset)


def test_a_broken_line_or_an_unknown_layout_is_one_clear_error(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text((DATA / "mbpp_sample.jsonl").read_text().splitlines()[0] + "\n{not json\n")
    with pytest.raises(DatasetError, match=r"broken.jsonl:2: not a JSON line"):
        load(f"mbpp:{broken}")
    odd = tmp_path / "odd.jsonl"
    odd.write_text(json.dumps({"question": "?"}) + "\n")
    with pytest.raises(DatasetError, match="cannot tell which dataset this is"):
        load(str(odd))
    with pytest.raises(DatasetError, match="does not have the humaneval layout"):
        load(f"humaneval:{odd}")
