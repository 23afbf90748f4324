"""Ask, don't guess: with no model, a stub whose one example admits several functions is not reported solved;
seidr synth names the call that separates them and the doctest that would settle it, and with that doctest
added the next synthesis is pinned."""
from __future__ import annotations

import subprocess

from tests.conftest import seidr_command

STUB = 'def f(xs):\n    """\n    >>> f([3, 1, 2])\n    3\n    """\n    ...\n'


def synth(workspace, *flags):
    return subprocess.run([*seidr_command(), "synth", "f.py", *flags], cwd=workspace, capture_output=True,
                          text=True, timeout=120)


def test_an_ambiguous_stub_says_so_proposes_examples_and_is_not_written(workspace):
    (workspace / "f.py").write_text(STUB)
    done = synth(workspace, "--write")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    said = next(line for line in lines if line.startswith("ambiguous: "))
    call = said.removeprefix("ambiguous: ").split(" gives ")[0]
    assert call.startswith("f([") and "(max(xs))" in said
    assert any(line.startswith("f: not solved: ") and "behaviours fit these examples" in line for line in lines)
    assert "+    return " in done.stdout  # the pick is still shown
    assert (workspace / "f.py").read_text() == STUB  # but not written
    result_for_max = said.split(" gives ")[1].split(" (max(xs))")[0].split(" or ")[-1]
    pinned = STUB.replace('    """\n    ...', f'    >>> {call}\n    {result_for_max}\n    """\n    ...')
    (workspace / "f.py").write_text(pinned)
    done = synth(workspace, "--write")
    assert done.returncode == 0, done.stderr
    assert (workspace / "f.py").read_text().endswith("    return max(xs)\n")


def test_a_program_that_never_reads_a_parameter_is_not_solved_and_the_cli_says_why(workspace):
    stub = 'def f(a, b):\n    """\n    >>> f(1, 5)\n    1\n    >>> f(2, 7)\n    2\n    """\n    ...\n'
    (workspace / "f.py").write_text(stub)
    done = synth(workspace, "--write")
    lines = done.stderr.splitlines()
    assert done.returncode == 1, done.stderr
    assert "not pinned down: the program never reads `b`; add an example where `b` changes the result" in lines
    assert any(line.startswith("f: not solved: the examples do not pin it down") for line in lines)
    assert (workspace / "f.py").read_text() == stub


def test_what_leaves_a_passing_program_unpinned():
    """One result (a constant fits), an unread parameter, a constant fitted to the outputs, a search cut short."""
    from seidr.runners.program import Program
    from seidr.synth.ambiguity import one_result, unpinned
    from seidr.synth.extract import extract

    def problem(doc: str, params: str = "n"):
        return extract(f'def f({params}):\n    """Square it.\n\n{doc}    """\n    ...\n', "f.py").find("f")

    same = problem("    >>> f(3)\n    9\n    >>> f(-3)\n    9\n")
    assert one_result(same).line() == ("not pinned down: the examples show one result, which a constant gives too; "
                                       "add one with another")
    square = problem("    >>> f(3)\n    9\n    >>> f(4)\n    16\n")
    assert one_result(square) is None
    assert unpinned(square, Program("def f(n):\n    return n * n\n"), complete=True) is None
    assert "the search ran out" in unpinned(square, Program("def f(n):\n    return n * n\n"), complete=False).why
    assert unpinned(square, Program("def f(n):\n    return 9 if n == 3 else 16\n"), complete=True).why == (
        "the program uses 9, which neither the description nor an example's input mentions; add an example that "
        "tests it")
    pair = problem("    >>> f(1, 5)\n    1\n    >>> f(2, 7)\n    2\n", "a, b")
    assert "never reads `b`" in unpinned(pair, Program("def f(a, b):\n    return a\n"), complete=True).why


def test_develop_says_when_its_program_is_not_pinned_and_which_call_would_settle_it():
    from seidr.synth.develop import develop

    ranking = develop("The largest item.", ["f([3, 1, 2]) == 3"], settings={"cache": False}, seconds=10)
    assert ranking.solved and ranking.ambiguous and not ranking.pinned
    assert ranking.ambiguity.call.startswith("f([")
    assert ranking.ambiguity.line().startswith(f"ambiguous: {ranking.ambiguity.call} gives ")
    assert len(ranking.ambiguity.doctests()) >= 2
