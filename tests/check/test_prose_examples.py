"""Examples written the way people write them in prose, not only as ``>>>`` doctests: ``seidr check`` reads
them, says in which form, points at their own lines, and compares results as values."""
from __future__ import annotations

import json
import subprocess

from tests.conftest import seidr_command

DOUBLE = '''\
def double(x):
    """Twice x.

    double(2) ==> 4
    double(3) ➞ 6
    double(-1) -> -2
    double(0) should return 0.
    For x = 5 the output should be 10
    double(4) returns 8
    double(
        6) => 12
    Example 1:
        Input: x = 7
        Output: 14
    """
    return x + 2
'''

GREET = '''\
def greet(name):
    """
    >>> greet("ada") == "hello, ada"
    >>> greet('bob')
    "hello, bob"
    """
    return "hello, " + name
'''


def check(workspace, name, text, *flags):
    (workspace / name).write_text(text)
    return subprocess.run([*seidr_command(), "check", name, *flags], cwd=workspace, capture_output=True, text=True,
                          timeout=120)


def test_each_prose_form_is_an_example_on_its_own_line(workspace):
    done = check(workspace, "double.py", DOUBLE)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("double.py:1 double 1/8 examples pass (")
    for form in ('"==>"', '"➞"', '"->"', '"should return"', '"returns"', '"=>"', '"Input/Output"'):
        assert form in lines[0]
    assert lines[1:8] == [
        "double.py:5: expected 6, got 5", "double.py:6: expected -2, got 1", "double.py:7: expected 0, got 2",
        "double.py:8: expected 10, got 7", "double.py:9: expected 8, got 6", "double.py:10: expected 12, got 8",
        "double.py:13: expected 14, got 9"]


def test_a_right_implementation_passes_every_prose_example(workspace):
    done = check(workspace, "double.py", DOUBLE.replace("return x + 2", "return x * 2"), "--json")
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)["files"][0]["functions"][0]
    assert (report["passed"], report["total"]) == (8, 8)
    assert report["examples"][0]["form"] == "==>"


def test_an_equality_with_no_output_line_is_the_assertion_meant_and_quotes_do_not_matter(workspace):
    done = check(workspace, "greet.py", GREET)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[0] == 'greet.py:1 greet 2/2 examples pass (1 ">>> ==", 1 doctest)'
    wrong = check(workspace, "greet.py", GREET.replace('"hello, " + name', '"hi, " + name'))
    assert wrong.stdout.splitlines()[1] == "greet.py:3: expected 'hello, ada', got 'hi, ada'"


def test_prose_that_is_not_a_literal_example_is_not_read(workspace):
    vague = ('def f(xs):\n    """f(xs) -> the largest of xs. f([1]) = [1] + g. f(a) ==> 3.\n\n    >>> f([2])\n'
             '    2\n    """\n    return max(xs)\n')
    done = check(workspace, "vague.py", vague)
    assert done.returncode == 0 and done.stdout.splitlines()[0] == "vague.py:1 f 1/1 examples pass"
