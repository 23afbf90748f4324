"""A program cannot talk its way into a pass. Each program here computes the wrong answer (41, not 42; or a
wrong total) and tries to have it reported as right anyway: printed claims, exit codes, exceptions that are not
``Exception``, patched builtins and doctest, objects whose ``__eq__`` and ``__repr__`` lie, forged records on
the results pipe. Every one must be a failure or an error, never a pass, and the runner must keep working."""

from __future__ import annotations

import pytest

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program

ANSWER = Problem(language="python", name="answer", examples=(Example("answer()", "42\n", line=3),
                                                            Example("print(answer())", "42\n", line=5)))

LIAR = '''
class Liar:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__
    def __repr__(self):
        return "42"
    __str__ = __repr__
'''

DOCTEST_ATTACKS = {
    "protocol lines on stdout": (
        "import sys\ndef answer():\n"
        "    for seq, kind in enumerate(['begin', 'load', 'start', 'done', 'start', 'done', 'end']):\n"
        "        print('0' * 32, seq, kind, 0, 2)\n        print('{}')\n"
        "    print('{\"error\": null, \"results\": [{\"outcome\": \"passed\"}, {\"outcome\": \"passed\"}]}')\n"
        "    sys.stdout.flush()\n    return 41\n"),
    "sys.exit(0) at import": "import sys\nsys.exit(0)\ndef answer():\n    return 41\n",
    "os._exit(0) at import": "import os\nos._exit(0)\ndef answer():\n    return 41\n",
    "os._exit(0) in the call": "import os\ndef answer():\n    os._exit(0)\n",
    "SystemExit in the call": "def answer():\n    raise SystemExit(0)\n",
    "KeyboardInterrupt in the call": "def answer():\n    raise KeyboardInterrupt\n",
    "a custom BaseException": "class Done(BaseException):\n    pass\ndef answer():\n    raise Done('42')\n",
    "doctest.OutputChecker patched": (
        "import doctest\ndoctest.OutputChecker.check_output = lambda self, want, got, flags: True\n"
        "doctest.OutputChecker = type('Yes', (), {'check_output': lambda *a: True})\n"
        "def answer():\n    return 41\n"),
    "builtins.repr and print patched": (
        "import builtins, sys\nbuiltins.repr = lambda value: '42'\n"
        "builtins.print = lambda *args, **kw: sys.stdout.write('42\\n')\n"
        "def answer():\n    return 41\n"),
    "sys.displayhook replaced": (
        "import sys\ndef answer():\n    sys.displayhook = lambda value: sys.stdout.write('42\\n')\n    return 41\n"),
    "an always-equal object with a lying repr": LIAR + "def answer():\n    return Liar()\n",
    "an object whose repr prints the expected text": (
        "class Shout:\n    def __repr__(self):\n        print('42')\n        return ''\n"
        "    __str__ = __repr__\n"
        "def answer():\n    return Shout()\n"),
    "an int subclass with a lying repr": (
        "class Int(int):\n    def __repr__(self):\n        return '42'\n    __str__ = __repr__\n"
        "def answer():\n    return Int(41)\n"),
    "a list holding a liar": LIAR + "def answer():\n    return [Liar()][0]\n",
    "forged records on the results pipe": (
        "import os\n"
        "def answer():\n"
        "    for fd in range(3, 1024):\n"
        "        try:\n"
        "            if 'pipe' not in os.readlink(f'/proc/self/fd/{fd}'):\n"
        "                continue\n"
        "            for seq in range(0, 12):\n"
        "                body = repr({'exc': None, 'got': '42\\n', 'out': '', 'err': '', 'cut': False}).encode()\n"
        "                os.write(fd, b'%s %d done 0 %d\\n' % (b'0' * 32, seq, len(body)) + body)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 41\n"),
    "a forked copy reporting its own answer": (
        "import os\n"
        "def answer():\n"
        "    if os.fork() == 0:\n"
        "        return 42\n"
        "    os.wait()\n"
        "    return 41\n"),
}


@pytest.mark.parametrize("attack", sorted(DOCTEST_ATTACKS))
async def test_no_trick_turns_a_wrong_answer_into_a_passing_doctest(attack, runner):
    (verdict,) = await runner.judge(ANSWER, [Program(DOCTEST_ATTACKS[attack])])
    assert not verdict.passed, attack
    assert verdict.n_passed == 0, [r.summary() for r in verdict.results]
    (honest,) = await runner.judge(ANSWER, [Program("def answer():\n    return 42\n")])
    assert honest.passed  # and the runner keeps working


async def test_an_honest_object_of_the_programs_own_class_is_judged_by_its_repr_as_doctest_does(runner):
    point = Problem(language="python", name="origin", examples=(Example("origin()", "Point(x=0, y=0)\n"),))
    code = ("from dataclasses import dataclass\n@dataclass\nclass Point:\n    x: int\n    y: int\n"
            "def origin():\n    return Point(0, 0)\n")
    (verdict,) = await runner.judge(point, [Program(code)])
    assert verdict.passed


HIDDEN = Problem(language="python", name="total", examples=(Example("total([1, 2, 3])", "6\n"),), hidden_tests=(
    Example("import math\n\ndef check(candidate):\n    assert candidate([1, 2, 3]) == 6\n"
            "    assert math.isclose(candidate([0.5, 0.25]), 0.75)\n    assert abs(candidate([]) - 0) < 1e-9\n"
            "    assert candidate([2, 2]) in (4,)\n\ncheck(total)\n", kind="assert", label="hidden tests"),))

CHECK_ATTACKS = {
    "an always-equal object": LIAR + "def total(xs):\n    return Liar()\n",
    "an int subclass that equals everything": (
        "class Int(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
        "    def __sub__(self, other):\n        return 0\n"
        "def total(xs):\n    return Int(0)\n"),
    "a tuple holding a liar": LIAR + "def total(xs):\n    return (Liar(),)[0] if False else [Liar()]\n",
    "math.isclose and builtins patched": (
        "import math, builtins\nmath.isclose = lambda *a, **k: True\nbuiltins.abs = lambda x: 0\n"
        "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
        "def total(xs):\n    return 6\n"),
    "sys.exit in the call": "import sys\ndef total(xs):\n    sys.exit(0)\n",
    "os._exit in the call": "import os\ndef total(xs):\n    os._exit(0)\n",
    "the answer for the visible example only": "def total(xs):\n    return 6\n",
}


@pytest.mark.parametrize("attack", sorted(CHECK_ATTACKS))
async def test_no_trick_passes_a_hidden_check(attack, runner):
    (verdict,) = await runner.judge(HIDDEN, [Program(CHECK_ATTACKS[attack])], hidden=True)
    assert not verdict.passed, attack
    (honest,) = await runner.judge(HIDDEN, [Program("def total(xs):\n    return sum(xs)\n")], hidden=True)
    assert honest.passed, [r.summary() for r in honest.results]


async def test_a_check_compares_the_users_own_objects_normally(tmp_path, runner):
    text = ("from dataclasses import dataclass\n\n@dataclass\nclass Point:\n    x: int\n    y: int\n\n"
            "def mirror(p):\n    return Point(p.y, p.x)\n")
    (tmp_path / "geo.py").write_text(text)
    problem = Problem(language="python", name="mirror", context=text, path=str(tmp_path / "geo.py"),
                      examples=(Example("assert mirror(Point(1, 2)) == Point(2, 1)", kind="assert"),
                                Example("assert mirror(Point(1, 2)).x == 2", kind="assert")))
    (verdict,) = await runner.judge(problem, [Program("def mirror(p):\n    return Point(p.y, p.x)\n")])
    assert verdict.passed, [r.summary() for r in verdict.results]


async def test_what_a_program_leaves_in_dev_shm_never_reaches_the_next_one(runner):
    """Under bubblewrap /dev/shm is the worker's own and writable (multiprocessing's locks live there); without
    it, writing there is refused. Either way the next program finds nothing."""
    plant = ("def answer():\n    try:\n        open('/dev/shm/planted', 'w').write('42')\n    except OSError:\n"
             "        pass\n    return 41\n")
    look = ("import os\ndef answer():\n    return 42 if not os.path.exists('/dev/shm/planted') else 41\n")
    for _ in range(3):  # whichever worker of the pool each lands on
        (planted,) = await runner.judge(ANSWER, [Program(plant)])
        (looked,) = await runner.judge(ANSWER, [Program(look)])
        assert not planted.passed and looked.passed, [r.summary() for r in looked.failures]
