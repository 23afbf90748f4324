"""Verus files: spec clauses become examples, the verifier (a recorded stand-in here) judges, cheats are
rejected, and without Verus one line says how to install it."""

import os
import shutil

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.synth.extract import extract, language_for

FAKE = os.path.join(os.path.dirname(__file__), "fake_verus")

SOURCE = """use vstd::prelude::*;

verus! {

fn add(a: u32, b: u32) -> (r: u32)
    requires
        a < 100,
        b < 100,
    ensures
        r == a + b,
{
    a + b
}

fn main() {}

} // verus!
"""


@pytest.fixture
def problem():
    assert language_for("add.rs", SOURCE) == "verus"
    return extract(SOURCE, "add.rs").find("add")


@pytest.fixture
def verus(monkeypatch):
    monkeypatch.delenv("VERUS_PATH", raising=False)
    monkeypatch.setenv("PATH", FAKE + os.pathsep + os.environ["PATH"])
    return get_runner("verus", limits=Limits(program_seconds=0.5))


def variant(problem, body):
    return Program(problem.code.replace("    a + b\n}", f"    {body}\n}}"))


def test_spec_clauses_are_the_examples(problem):
    assert [e.label for e in problem.examples] == ["requires a < 100", "requires b < 100", "ensures r == a + b"]
    assert [e.line for e in problem.examples] == [6, 7, 9]


async def test_verified_program_scores_one_and_a_wrong_one_fails_its_ensures(verus, problem):
    good, wrong = await verus.judge(problem, [Program(problem.code), variant(problem, "a - b")])
    assert good.passed and good.score == 1.0
    assert not wrong.passed and 0.0 < wrong.score < 1.0
    failed = [r for r in wrong.results if not r.passed]
    assert [r.example.label for r in failed] == ["ensures r == a + b"]
    assert "postcondition not satisfied" in failed[0].message


async def test_syntax_error_scores_lowest_with_the_compiler_message(verus, problem):
    (verdict,) = await verus.judge(problem, [variant(problem, "a @@ b")])
    assert verdict.score == 0.0 and "expected expression" in verdict.error


@pytest.mark.parametrize("cheat, why", [
    ("assume(false); a + b", "assume"),
    ("admit(); a + b", "admit"),
])
async def test_programs_that_skip_the_proof_are_rejected(verus, problem, cheat, why):
    (verdict,) = await verus.judge(problem, [variant(problem, cheat)])
    assert not verdict.passed and why in verdict.error


async def test_external_body_dropped_ensures_and_vacuous_proofs_are_rejected(verus, problem):
    external = Program("#[verifier::external_body]\n" + problem.code)
    dropped = Program(problem.code.replace("        r == a + b,\n", "        r >= 0,\n"))
    vacuous = Program(problem.code.replace("    requires\n", "    requires\n        false,\n"))
    verdicts = await verus.judge(problem, [external, dropped, vacuous])
    assert [v.passed for v in verdicts] == [False, False, False]
    assert "external_body" in verdicts[0].error
    assert "ensures r == a + b" in verdicts[1].error
    assert "assert(false)" in verdicts[2].error


async def test_a_verifier_that_hangs_is_a_timeout(verus, problem):
    (verdict,) = await verus.judge(problem, [variant(problem, "loop {}")])
    assert not verdict.passed and "timed out" in verdict.error


async def test_without_verus_one_line_says_how_to_install(monkeypatch, problem):
    monkeypatch.delenv("VERUS_PATH", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    if shutil.which("verus"):
        pytest.skip("a verus binary is installed")
    (verdict,) = await get_runner("verus").judge(problem, [Program(problem.code)])
    assert not verdict.passed
    assert "Verus is not installed" in verdict.error and "VERUS_PATH" in verdict.error


@pytest.mark.skipif(not os.environ.get("VERUS_PATH"), reason="needs the real Verus verifier (set VERUS_PATH)")
async def test_real_verus_verifies_and_refutes(problem):
    good, wrong = await get_runner("verus").judge(problem, [Program(problem.code), variant(problem, "a * b")])
    assert good.passed and not wrong.passed
