"""Putting a synthesized body into the user's file: only the body changes, imports are added once."""
from __future__ import annotations

import pytest

from seidr.synth.edits import EditError, replace_body

SOURCE = '''"""Tools."""
import os


class Stack:
    @staticmethod
    def double(x: int) -> int:
        """Twice x.

        >>> Stack.double(2)
        4
        """
        raise NotImplementedError


def after():
    return os.sep
'''


def test_the_body_is_replaced_and_decorators_signature_docstring_and_neighbours_stay():
    new = replace_body(SOURCE, "Stack.double", "import math\nimport os\n\ndef double(x):\n    '''other doc'''\n    return int(math.fsum([x, x]))\n")
    assert "        return int(math.fsum([x, x]))\n" in new
    assert "NotImplementedError" not in new and "other doc" not in new
    assert "    @staticmethod\n    def double(x: int) -> int:\n        \"\"\"Twice x." in new
    assert new.count("import os") == 1 and new.startswith('"""Tools."""\nimport os\nimport math\n')
    assert new.endswith("def after():\n    return os.sep\n")


def test_a_docstring_only_stub_gets_its_body_after_the_docstring():
    src = 'def f(x):\n    """One more.\n\n    >>> f(1)\n    2\n    """\n\nprint(f(1))\n'
    out = replace_body(src, "f", "def f(x):\n    return x + 1\n")
    assert out == 'def f(x):\n    """One more.\n\n    >>> f(1)\n    2\n    """\n    return x + 1\n\nprint(f(1))\n'


def test_code_that_does_not_define_the_function_is_refused_with_a_reason():
    with pytest.raises(EditError, match="does not define double"):
        replace_body(SOURCE, "Stack.double", "def triple(x):\n    return 3 * x\n")


def test_helpers_the_new_code_needs_are_added_above_the_function_once():
    src = "def f(x):\n    ...\n"
    out = replace_body(src, "f", "def square(y):\n    return y * y\n\ndef f(x):\n    return square(x) + 1\n")
    assert out == "def square(y):\n    return y * y\n\n\ndef f(x):\n    return square(x) + 1\n"
    namespace: dict = {}
    exec(out, namespace)
    assert namespace["f"](3) == 10
