"""Python extraction as an editor sees it: every function and method with its doctests, each example on the
document line the user wrote it, stubs recognised, and a broken file still yielding what it can."""

from __future__ import annotations

import doctest
import importlib.util
import random
from pathlib import Path

import pytest

from seidr.synth.extract import extract

ROOT = Path(__file__).resolve().parents[2]


def problems(text: str) -> dict:
    result = extract(text, "module.py")
    assert result.language == "python"
    return {p.name: p for p in result.problems}


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 0-based line of the first line at or after ``start`` that contains ``needle``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return next(n for n in range(start, len(lines)) if needle in lines[n])


def span_text(text: str, span) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if span.start_line == span.end_line:
        return lines[span.start_line][span.start_col:span.end_col]
    return "\n".join([lines[span.start_line][span.start_col:], *lines[span.start_line + 1:span.end_line],
                      lines[span.end_line][:span.end_col]])


MODULE = '''\
"""Geometry helpers."""
import math

SCALE = 2


def area(width, height):
    """Area of a rectangle.

    Both sides are in metres.

    >>> area(2, 3)
    6
    >>> area(0,
    ...      5)
    0
    """
    return width * height


class Shape:
    """A shape."""

    @staticmethod
    @functools.cache
    def unit(
        size: int = 1,
        *,
        key=lambda s: s,
    ) -> "Shape":  # a factory
        """The unit shape.

        >>> Shape.unit().size
        1
        """
        return Shape()

    class Corner:
        async def angle(self):
            """>>> 90
            90
            """
            return 90

        @property
        def name(self):
            ...


if SCALE > 1:
    def scaled(x):
        """>>> scaled(2)
        4
        """
        return x * SCALE
else:
    def scaled(x):
        return x


def outer():
    """>>> outer()
    1
    """
    def inner():
        """>>> inner()
        2
        """
        return 2

    class Local:
        def method(self):
            """>>> 3
            3
            """
    return 1
'''


def test_every_function_and_method_is_found_with_its_qualified_name():
    found = extract(MODULE, "geometry.py").problems
    assert [p.name for p in found] == [
        "area", "Shape.unit", "Shape.Corner.angle", "Shape.Corner.name", "scaled", "scaled", "outer"]
    assert [p.line for p in found] == [line_of(MODULE, f"def {p.short_name}(", p.line) for p in found]
    assert all(p.language == "python" and p.path == "geometry.py" and p.context == MODULE for p in found)


def test_functions_nested_in_a_function_are_left_out_as_doctest_leaves_them_out():
    # doctest's finder walks module and class attributes only; inner() cannot be called from outside
    found = problems(MODULE)
    assert "inner" not in found and "outer.inner" not in found and "Local.method" not in found
    assert [e.source for e in found["outer"].examples] == ["outer()"]


def test_each_example_keeps_its_document_line_and_the_line_its_expected_output_ends_on():
    area = problems(MODULE)["area"]
    first, second = area.examples
    assert (first.source, first.expected, first.kind) == ("area(2, 3)", "6\n", "doctest")
    assert first.line == line_of(MODULE, ">>> area(2, 3)")
    assert first.end_line == first.line + 1
    assert second.source == "area(0,\n     5)"
    assert second.line == line_of(MODULE, ">>> area(0,")
    assert second.end_line == second.line + 2  # the ``...`` line, then the expected ``0``


def test_problem_fields_describe_the_function_and_where_it_sits():
    unit = problems(MODULE)["Shape.unit"]
    # the whole header, decorators and the comment after it left out
    assert unit.signature == 'def unit(\n        size: int = 1,\n        *,\n        key=lambda s: s,\n    ) -> "Shape":'
    assert unit.description == "The unit shape."
    assert unit.code.startswith("    @staticmethod\n    @functools.cache\n    def unit(")
    assert unit.code.endswith("        return Shape()")
    assert span_text(MODULE, unit.code_span) == unit.code
    assert unit.code_span.start_line == line_of(MODULE, "@staticmethod")
    assert span_text(MODULE, unit.body_span) == "\n        return Shape()"
    assert not unit.is_stub

    area = problems(MODULE)["area"]
    assert area.signature == "def area(width, height):"
    assert area.description == "Area of a rectangle.\n\nBoth sides are in metres."


def test_a_one_line_docstring_and_a_docstring_on_the_def_line():
    text = 'def one(): """>>> one()\n1"""; return 1\n\ndef two():\n    """Two. >>> not an example"""\n    return 2\n'
    found = problems(text)
    [example] = found["one"].examples
    assert (example.source, example.expected, example.line, example.end_line) == ("one()", "1\n", 0, 1)
    assert found["one"].signature == "def one():"
    assert found["two"].examples == () and found["two"].description == "Two. >>> not an example"


DIRECTIVES = '''\
def parse(text):
    """
    >>> parse("a b")  # doctest: +NORMALIZE_WHITESPACE
    ['a',  'b']
    >>> parse("x" * 50)  # doctest: +ELLIPSIS, -NORMALIZE_WHITESPACE
    ['xxx...']
    >>> parse(None)  # doctest: +SKIP
    []
    >>> parse(1)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
      ...
    TypeError: whatever the detail
    >>> parse("")
    Traceback (most recent call last):
      File "<stdin>", line 1, in <module>
    ValueError: empty
       input
    """
'''


def test_directives_are_carried_as_names_with_a_minus_for_one_turned_off():
    examples = problems(DIRECTIVES)["parse"].examples
    assert [e.options for e in examples] == [
        {"NORMALIZE_WHITESPACE"}, {"ELLIPSIS", "-NORMALIZE_WHITESPACE"}, {"SKIP"}, {"IGNORE_EXCEPTION_DETAIL"},
        frozenset()]
    assert [e.skipped for e in examples] == [False, False, True, False, False]
    assert problems(DIRECTIVES)["parse"].checked_examples() == examples[:2] + examples[3:]
    # the directive stays in the source, as doctest keeps it; the want is doctest's, untouched
    assert examples[0].source == 'parse("a b")  # doctest: +NORMALIZE_WHITESPACE'
    assert examples[0].expected == "['a',  'b']\n"


def test_an_expected_exception_keeps_the_traceback_and_the_exception_line():
    examples = problems(DIRECTIVES)["parse"].examples
    ignored, empty = examples[3], examples[4]
    assert ignored.exception == "TypeError: whatever the detail"
    assert ignored.expected.startswith("Traceback (most recent call last):\n")
    assert ignored.end_line == line_of(DIRECTIVES, "TypeError: whatever")
    assert empty.exception == "ValueError: empty\n   input"
    assert empty.line == line_of(DIRECTIVES, '>>> parse("")')
    assert empty.end_line == line_of(DIRECTIVES, "   input")
    assert all(e.exception is None for e in examples[:3])


@pytest.mark.parametrize("body, stub", [
    ("", True),  # only the docstring
    ("    ...\n", True),
    ("    pass  # later\n", True),
    ("    raise NotImplementedError\n", True),
    ("    raise NotImplementedError('write me')  # TODO\n", True),
    ("    # just a comment\n    pass\n    ...\n", True),
    ("    return None\n", False),
    ("    raise ValueError('no')\n", False),
    ("    pass\n    return 1\n", False),
    ("    'another string'\n", False),
])
def test_stubs_are_recognised(body, stub):
    text = 'def f(x):\n    """>>> f(1)\n    2\n    """\n' + body
    problem = problems(text)["f"]
    assert problem.is_stub is stub
    assert len(problem.examples) == 1


def test_a_stub_without_a_docstring_and_where_its_body_goes():
    text = "class A:\n    def f(self): ...\n\n    def g(self):\n        raise NotImplementedError\n"
    found = problems(text)
    assert found["A.f"].is_stub and found["A.g"].is_stub
    assert span_text(text, found["A.f"].body_span) == " ..."
    assert span_text(text, found["A.g"].body_span) == "\n        raise NotImplementedError"
    docstring_only = 'def h():\n    """Nothing yet."""\n'
    span = problems(docstring_only)["h"].body_span
    assert (span.start_line, span.start_col) == (1, len('    """Nothing yet."""')) and span_text(docstring_only, span) == ""


@pytest.mark.parametrize("name, text", [
    ("blank first line", 'def f():\n    """\n\n    Doc.\n\n    >>> f()\n    1\n    """\n    return 1\n'),
    ("raw string", 'def f():\n    r"""A \\d regex.\n\n    >>> f()\n    1\n    """\n    return 1\n'),
    ("tabs", 'def f():\n\t"""Doc.\n\n\t>>> f()\n\t1\n\t"""\n\treturn 1\n'),
    ("windows newlines", 'def f():\r\n    """\r\n    Doc.\r\n\r\n    >>> f()\r\n    1\r\n    """\r\n    return 1\r\n'),
    ("old mac newlines", 'def f():\r    """Doc.\r\r    >>> f()\r    1\r    """\r    return 1\r'),
    ("line continuation", 'def f():\n    """Doc that goes \\\n    on.\n\n    >>> f()\n    1\n    """\n    return 1\n'),
    ("escaped newline", 'def f():\n    """Doc.\\n\\n    >>> g()\n    0\n\n    >>> f()\n    1\n    """\n    return 1\n'),
    ("implicitly joined", 'def f():\n    ("Doc.\\n"\n     "\\n"\n     ">>> g()\\n0\\n"\n     ">>> f()\\n"\n     "1\\n")\n    return 1\n'),
    ("byte-order mark", '\ufeffdef f():\n    """Doc.\n\n    >>> f()\n    1\n    """\n    return 1\n'),
    ("unicode before", 'def f():\n    """Größe — ünïcode ✓.\n\n    >>> f()\n    1\n    """\n    return 1\n'),
])
def test_example_lines_are_exact_for_tricky_docstrings(name, text):
    problem = problems(text)["f"]
    example = problem.examples[-1]
    assert example.source == "f()", name
    assert example.line == line_of(text, ">>> f()"), name
    assert example.end_line == example.line + 1, name
    assert example.expected == "1\n"


def test_examples_after_escapes_and_continuations_land_on_their_own_lines():
    text = 'def f():\n    "Doc.\\n>>> f()\\n1\\n>>> f() + \\\n1\\n2"\n'
    first, second = problems(text)["f"].examples
    assert (first.line, first.end_line) == (1, 1)  # both on the docstring's one source line
    assert (second.source, second.line, second.end_line) == ("f() + 1", 1, 2)


def test_a_docstring_doctest_rejects_gives_no_examples_and_one_warning_on_its_line():
    text = 'def f():\n    """Doc.\n\n    >>>f()\n    1\n    """\n\ndef g():\n    """\n    >>> g()  # doctest: +FOO\n    """\n'
    result = extract(text, "m.py")
    assert [p.examples for p in result.problems] == [(), ()]
    assert [(m.line, m.severity) for m in result.messages] == [(3, "warning"), (9, "warning")]
    assert "'>>>' and '...' need a space" in result.messages[0].message
    assert "unknown doctest directive '+FOO'" in result.messages[1].message


BROKEN = '''\
def before():
    """>>> before()
    1
    """
    return 1


def broken(x:
    return x


@decorated
def after():
    """>>> after()
    2
    """
    return 2
'''


def test_a_file_that_does_not_parse_still_yields_the_functions_around_the_broken_one():
    result = extract(BROKEN, "m.py")
    assert [p.name for p in result.problems] == ["before", "after"]
    assert result.problems[1].examples[0].line == line_of(BROKEN, ">>> after()")
    assert result.problems[1].code.startswith("@decorated\ndef after():")
    [message] = result.messages
    assert (message.line, message.col, message.severity) == (line_of(BROKEN, "def broken"), 10, "error")
    assert message.message  # Python's own words, e.g. "'(' was never closed"


CLASS_BEING_EDITED = '''\
class Cart:
    def add(self, item):
        """>>> Cart().add(1)
        1
        """
        return 1

    @property
    def total(self:
        return 0

    class Line:
        def price(self):
            return (1 +* 2)

        def qty(self):
            """>>> Cart.Line().qty()
            1
            """
            return 1


def after():
    """>>> after()
    3
    """
    return 3
'''


def test_a_method_being_edited_costs_only_that_method_not_its_class():
    result = extract(CLASS_BEING_EDITED, "cart.py")
    assert [p.name for p in result.problems] == ["Cart.add", "Cart.Line.qty", "after"]
    assert [p.examples[0].line for p in result.problems] == [
        line_of(CLASS_BEING_EDITED, ">>> Cart().add"), line_of(CLASS_BEING_EDITED, ">>> Cart.Line().qty"),
        line_of(CLASS_BEING_EDITED, ">>> after()")]
    [message] = result.messages  # the first error only, though two methods are broken
    assert message.line == line_of(CLASS_BEING_EDITED, "def total(self:")


@pytest.mark.parametrize("text, line, col, words", [
    ("def f():\n    x = 1\n      y = 2\n", 2, 6, "unexpected indent"),
    ("if x:\n    a = 1\n  b = 2\n", 2, 2, "unindent does not match"),
    ("def f():\n    return (1 +* 2)\n\n\ndef g():\n    '>>> g()'\n", 1, 15, "invalid syntax"),
    ("x = 1\ndef f():\n", 1, 8, "expected an indented block"),
    ('def f():\n    """>>> f()\n    1\n', 1, 4, "unterminated triple-quoted string"),
    ("x = 'é' + (\n", 0, 10, "was never closed"),
    ("\ufeffx = (\n", 0, 5, "was never closed"),
    ("def f():\n    return 1\x00\n", 1, 12, "NUL"),
    ("def f():\n    return '\ud800'\n", 1, 12, "surrogate"),
    ("x = " + "(" * 500 + ")" * 500 + "\n", 0, 204, "too many nested parentheses"),
])
def test_one_syntax_message_on_the_right_line_and_column(text, line, col, words):
    result = extract(text, "m.py")
    [message] = result.messages
    assert (message.line, message.col, message.severity) == (line, col, "error")
    assert words in message.message


def test_functions_survive_a_nul_byte_elsewhere_in_the_file():
    text = 'def f():\n    """>>> f()\n    1\n    """\n    return 1\n\nx = "\x00"\n'
    result = extract(text, "m.py")
    assert [p.name for p in result.problems] == ["f"] and len(result.messages) == 1


JUNK = [
    "",
    "\n\n\n",
    "\x00" * 10,
    "".join(map(chr, range(0, 0x3000, 7))),
    bytes(range(256)).decode("latin-1") * 20,
    "def",
    "def f(",
    '"""',
    "class A:\n" + "".join("    " * i + "class B:\n" for i in range(1, 120)),
    "1" + "+1" * 100000,
    "(" * 10000,
    "\r" * 50 + "def f(): pass",
    "def f():\n" + "    '''\\N{NO SUCH NAME}'''\n",
    "def f():\n    '''\\N{LATIN SMALL LETTER A}\\x41\\101\\u00e9\\U0001F600\\q'''\n",
]


@pytest.mark.parametrize("text", JUNK, ids=range(len(JUNK)))
def test_any_text_gives_an_extraction_and_never_raises(text):
    result = extract(text, "junk.py")
    assert len([m for m in result.messages if m.severity == "error"]) <= 1
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for message in result.messages:
        assert 0 <= message.line < lines


def test_bytes_and_mangled_copies_of_a_real_module_never_raise():
    source = MODULE + DIRECTIVES + BROKEN
    rng = random.Random(2)
    texts = [source[:cut] for cut in range(0, len(source), 37)]
    for _ in range(150):
        chars = list(source)
        for _ in range(rng.randint(1, 8)):
            chars[rng.randrange(len(chars))] = rng.choice('"\'\\()[]{}:#\n\r\t @>.x\x00')
        texts.append("".join(chars))
    for text in texts:
        result = extract(text, "m.py")
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for problem in result.problems:
            assert 0 <= problem.code_span.start_line <= problem.line <= problem.code_span.end_line < len(lines)
            for example in problem.examples:
                assert problem.code_span.start_line <= example.line <= example.last_line < len(lines)
    assert extract(b"def f():\n    '''>>> f()\n    1'''\n\xff", "m.py").problems[0].name == "f"


def test_lines_agree_with_doctests_own_finder_on_the_examples_file():
    path = ROOT / "examples" / "prices.py"
    spec = importlib.util.spec_from_file_location("prices_for_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    theirs = {}
    for test in doctest.DocTestFinder().find(module):
        for example in test.examples:
            theirs[(test.name.split(".", 1)[1], example.source.rstrip("\n"))] = (
                test.lineno + example.lineno, example.want, example.exc_msg)
    ours = {}
    for problem in extract(path.read_text(), str(path)).problems:
        for example in problem.examples:
            exc = example.exception + "\n" if example.exception else None
            ours[(problem.name, example.source)] = (example.line, example.expected, exc)
    assert ours == theirs and len(ours) == 9
