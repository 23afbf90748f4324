"""Results compared as values when both sides are Python literals: ``"21"`` is ``'21'``, ``6.00`` is ``6.0``,
``[1,2]`` is ``[1, 2]``. Used by the trusted comparison only; the texts come from the program's output."""
from __future__ import annotations

import ast
import math
import re


def literal(text: str):
    """The value a text spells as a Python literal; raises ValueError when it is not one."""
    try:
        return ast.literal_eval(text.strip())
    except (SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise ValueError(str(exc)) from None


def _equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return a == b


def same_value(want: str, got: str, loose: bool = False) -> bool:
    """Whether ``got`` (what the program printed) shows the value ``want`` writes. Strict (a doctest's own output): the same
    value and type spelled differently (quotes, trailing zeros), with doctest's whitespace (read as NORMALIZE_WHITESPACE
    reads it when the expected value is wrapped over lines). ``loose`` (an example read from prose, whose
    author meant ``==``): numbers compare by value, ``1`` equals ``1.0``; nothing printed is ``None``."""
    if loose and not got.strip():
        got = "None"
    try:
        a, b = literal(want), literal(got)
    except ValueError:
        return False
    if loose:
        return _equal(a, b)
    want_runs, got_runs = re.findall(r"\s+", want.rstrip("\n")), re.findall(r"\s+", got.rstrip("\n"))
    if "\n" in want.strip():
        # a value wrapped over several lines can only pass doctest under NORMALIZE_WHITESPACE, so that is what its
        # author meant: any run of whitespace stands for any other, but none may be added or dropped
        same_layout = len(want_runs) == len(got_runs)
    else:
        # doctest's own examples keep doctest's layout: only quotes and number spelling may differ
        same_layout = want_runs == got_runs
    return same_layout and type(a) is type(b) and repr(a) == repr(b)
