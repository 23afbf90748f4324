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
