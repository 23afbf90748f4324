"""Turns a Problem's doctests into input/output pairs the search can evaluate, or says why it cannot."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from seidr.synth.variations import variations


class Unsupported(ValueError):
    """The examples are not plain calls with literal arguments and a literal result."""


@dataclass(frozen=True)
class Spec:
    """What the search needs: parameter names, one argument tuple and one expected repr per example."""
    name: str
    params: tuple[str, ...]
    inputs: tuple[tuple, ...]
    wants: tuple[str, ...]
    constants: tuple = ()
    probes: tuple[tuple, ...] = ()  # argument tuples near the examples' own, to tell fitting programs apart


def _params(signature: str) -> tuple[str, ...]:
    try:
        fn = ast.parse(signature.strip() + "\n    pass\n").body[0]
    except (SyntaxError, IndexError) as err:
        raise Unsupported(f"signature {signature!r} does not parse; write it as `def name(args):`") from err
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.args.vararg or fn.args.kwarg:
        raise Unsupported("only plain `def name(a, b):` signatures can be searched")
    return tuple(a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs)


def _params_from_calls(problem, name: str) -> tuple[str, ...]:
    """With no signature, as many parameters as the first example's call of ``name`` passes (``a``, ``b``, ...)."""
    for ex in problem.checked_examples():
        try:
            call, _ = _call_and_result(ex, name)
        except Unsupported:
            continue
        if not call.keywords and not any(isinstance(a, ast.Starred) for a in call.args):
            return tuple(f"x{i}" if len(call.args) > 26 else "abcdefghijklmnopqrstuvwxyz"[i]
                         for i in range(len(call.args)))
    return ()


def _call_and_result(ex, name: str) -> tuple[ast.Call, ast.expr | None]:
    """The call of ``name`` an example makes, and for an assertion the node of the value it must equal
    (None for a doctest, whose expected text is the result)."""
    if ex.kind == "doctest" and (ex.expected is None or ex.exception):
        raise Unsupported(f"example `{ex.describe()}` is not a doctest with a printed result")
    if ex.kind not in ("doctest", "assert"):
        raise Unsupported(f"example `{ex.describe()}` is a {ex.kind} check, not a doctest or an assertion")
    try:
        body = ast.parse(ex.source.strip()).body
    except SyntaxError as err:
        raise Unsupported(f"example `{ex.describe()}` does not parse") from err
    node, want = (body[0].value if len(body) == 1 and isinstance(body[0], ast.Expr) else None), None
    if ex.kind == "doctest" and isinstance(node, ast.Compare) and ex.expected.strip() == "True" \
            and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
        node, want = node.left, node.comparators[0]  # `>>> f(x) == 3` then `True`
    elif ex.kind == "doctest" and not ex.expected.strip():
        want = ast.Constant(None)  # doctest prints nothing for None
    if ex.kind == "assert":
        test = body[0].test if len(body) == 1 and isinstance(body[0], ast.Assert) else None
        node = test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is)):
            node, want = test.left, test.comparators[0]
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            node, want = test.operand, ast.Constant(False)
        elif test is not None:
            want = ast.Constant(True)
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name):
        raise Unsupported(f"example `{ex.describe()}` is not a plain call of {name}()")
    return node, want


def _same_text(printed: str, expected: str, options) -> bool:
    if "NORMALIZE_WHITESPACE" in options:
        return printed.split() == expected.split()
    return printed == expected.strip()


def spec_of(problem) -> Spec:
    """Reads every checked example as `name(literal args)` -> literal result (a doctest, or an assertion
    `assert name(...) == literal`)."""
    name = problem.short_name
    params = _params(problem.signature) if problem.signature.strip() else _params_from_calls(problem, name)
    inputs, wants, constants = [], [], []
    for ex in problem.checked_examples():
        call, want_node = _call_and_result(ex, name)
        try:
            args = [ast.literal_eval(a) for a in call.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            want = ast.literal_eval(ex.expected.strip()) if want_node is None else ast.literal_eval(want_node)
        except (ValueError, SyntaxError, TypeError) as err:
            raise Unsupported(f"example `{ex.describe()}` uses values that are not literals") from err
        if len(args) > len(params) or any(k not in params for k in kwargs):
            raise Unsupported(f"example `{ex.describe()}` does not match the signature")
        bound = dict(zip(params, args)) | kwargs
        if set(bound) != set(params):
            raise Unsupported(f"example `{ex.describe()}` leaves a parameter out (defaults are not searched)")
        if ex.kind == "doctest" and want_node is None and not _same_text(repr(want), ex.expected, ex.options):
            raise Unsupported(f"example `{ex.describe()}` expects {ex.expected.strip()}, which is not how Python "
                              f"prints that value ({repr(want)}); doctest compares the text")
        inputs.append(tuple(bound[p] for p in params))
        wants.append(repr(want))
        # Input literals are left out on purpose: they let `x == 2` fit an example instead of the rule.
        if isinstance(want, str) and 0 < len(want) <= 2:  # longer outputs would just be hard-coded
            constants.append(want)
    if not inputs:
        raise Unsupported(f"{name}() has no examples to search against; add a `>>> {name}(...)` line")
    prose = problem.description or ""
    for word in prose.replace("'", '"').split('"')[1::2]:
        if len(word) <= 12:  # quoted words in the prose, not quoted sentences
            constants.append(word)
    for number in re.findall(r"(?<![\w.])\d{1,4}(?![\w.])", prose):  # "divisible by 4", "at most 100"
        constants.append(int(number))
    return Spec(name, params, tuple(inputs), tuple(wants), tuple(dict.fromkeys(constants)),
                tuple(variations(inputs)))
