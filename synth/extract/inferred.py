"""Examples written in prose rather than as doctests: ``f(x) ==> y``, ``f(x) ➞ y``, ``f(x) -> y``, ``f(x) => y``,
``f(x) == y``, ``f(x) = y``, ``f(x) returns y``, ``f(x) should return y``, ``For a = 1, b = 2 the output should
be y``, ``Input: a = 1`` then ``Output: y``. Each is read only when the call's arguments and the value parse as
Python literals: an example read wrongly is worse than one not read."""
from __future__ import annotations

import ast
import re
from typing import Callable, Sequence

from seidr.runners.example import Example

# longest first, so ``==>`` is not read as ``==``
_ARROW = re.compile(r"\s*(?:#\s*)?(==>|=>|->|➞|→|==|=(?!=)|\bshould\s+return\b|\breturns?\b|\bshould\s+be\b|"
                    r"\bgives\b|\bis\b)\s*", re.I)
_SHOULD_BE = re.compile(r"\b(?:the\s+)?(?:output|result|answer|return(?:\s+value)?)\s+(?:should|will|would)\s+be\s*"
                        r"(?::\s*)?", re.I)
_FOR = re.compile(r"^\s*(?:[-*]\s*)?for\s+(?:input\s+)?(.+)$", re.I)
_INPUT = re.compile(r"^\s*(?:[-*]\s*)?input\s*:\s*(.+)$", re.I)
_OUTPUT = re.compile(r"^\s*(?:[-*]\s*)?output\s*:\s*(.+)$", re.I)
_ARITH = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div,
          ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd)
MAX_JOIN = 8  # lines a call may continue over


def _literal(text: str):
    node = ast.parse(text.strip(), mode="eval")
    return ast.literal_eval(node), node


def outside_strings(text: str, start: int = 0):
    """Each (index, character, bracket depth after it) of Python-like ``text`` from ``start``, string literals
    (and their quotes) left out."""
    depth, quote, i = 0, None, start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        else:
            depth += (ch in "([{") - (ch in ")]}")
            yield i, ch, depth
        i += 1


def _call_end(text: str, start: int) -> int | None:
    """The index just past the call's closing bracket, or None when it is still open at the end of ``text``."""
    return next((i + 1 for i, ch, depth in outside_strings(text, start) if ch in ")]}" and depth == 0), None)


def _value(text: str) -> str | None:
    """The literal a value text starts with, as Python prints it; prose after it is allowed, an operator is not.
    ``19 - 5 - 6 = 8`` gives ``8`` when the sum is right."""
    text = text.strip()
    if "=" in text:  # a worked sum: ``1 + 9 + 0 = 10``
        left, _, right = text.rpartition("=")
        left = left.rstrip("=<>! ")
        found = _value(right)
        if found is not None and left:
            try:
                tree = ast.parse(left.strip(), mode="eval")
                if all(isinstance(n, _ARITH) for n in ast.walk(tree)):
                    if abs(eval(compile(tree, "<sum>", "eval"), {"__builtins__": {}}) - ast.literal_eval(found)) < 1e-9:
                        return found
            except (SyntaxError, ValueError, TypeError, ZeroDivisionError, ArithmeticError):
                pass
            return None
    cuts = sorted({len(text), *(m.start() for m in re.finditer(r"[\s.,;#(]", text))}, reverse=True)
    for cut in cuts:
        head, rest = text[:cut].strip(), text[cut:].strip()
        if not head:
            continue
        if head.endswith(".") and head[:-1].strip().lstrip("-").isdigit():
            head = head[:-1]  # the sentence's full stop: ``should return 0.`` is 0
        try:
            value, node = _literal(head)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            continue
        if rest and rest[0] in "+-*/%<>=&|^":
            return None  # an expression, not a value
        if isinstance(node.body, ast.Constant) and isinstance(value, str) and head.startswith("("):
            return None  # ``("Venus")``: a one-item tuple meant, a string written
        return repr(value)
    return None


def _arguments(text: str, params: Sequence[str]) -> str | None:
    """``a = 1, b = [2]`` (or positional values) as the argument list of a call, in the signature's order."""
    try:  # ``a = 1, b = [2]`` reads as keywords of a call; anything that does not parse is prose
        call = ast.parse(f"f({text.strip().rstrip(',.')})", mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if not isinstance(call, ast.Call):
        return None
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (ValueError, SyntaxError, TypeError):
        return None
    if any(k is None for k in kwargs) or (kwargs and args):
        return None
    if kwargs:
        if not params or set(kwargs) != set(params):
            return None
        args = [kwargs[p] for p in params]
    elif params and len(args) > len(params):
        return None
    return ", ".join(repr(a) for a in args)


def _example(name: str, args: str, value: str, form: str, line: int) -> Example:
    return Example(source=f"{name}({args})", expected=value + "\n", line=line, kind="doctest", form=form)


def _call_examples(lines: list[str], i: int, name: str, params: Sequence[str]) -> tuple[list[tuple[str, str, str]], int]:
    """``name(...) ARROW value`` on line ``i`` (the call may go on over the next lines)."""
    found = []
    text, used = lines[i], 1
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\s*\(")
    pos = 0
    while True:
        match = pattern.search(text, pos)
        if not match:
            break
        before = text[:match.start()].rstrip()
        if before.endswith("def") or before.endswith(">>>"):
            break
        end = _call_end(text, match.end() - 1)
        while end is None and used < MAX_JOIN and i + used < len(lines):
            text += " " + lines[i + used].strip()
            used += 1
            end = _call_end(text, match.end() - 1)
        if end is None:
            break
        arrow = _ARROW.match(text, end)
        pos = end
        if not arrow:
            continue
        form = re.sub(r"\s+", " ", arrow.group(1).lower())
        rest = text[arrow.end():]
        nxt = pattern.search(rest)
        value = _value(rest[:nxt.start()] if nxt else rest)
        args = _arguments(text[match.end():end - 1], params)
        if value is not None and args is not None:
            found.append((args, value, form))
    return found, used


def inferred(doc_lines: list[str], skip: set[int], name: str, params: Sequence[str],
             line_of: Callable[[int], int]) -> list[Example]:
    """The prose examples of a docstring, each on the document line its call starts on; ``skip`` are the
    docstring's lines that doctest examples hold."""
    out: list[Example] = []
    seen: set[str] = set()
    i = 0

    def add(args: str, value: str, form: str, at: int) -> None:
        key = f"{args}\0{value}"
        if key not in seen:
            seen.add(key)
            out.append(_example(name, args, value, form, line_of(at)))

    while i < len(doc_lines):
        if i in skip:
            i += 1
            continue
        line = doc_lines[i]
        calls, used = _call_examples(doc_lines, i, name, params)
        for args, value, form in calls:
            add(args, value, form, i)
        if not calls:
            assigned = _FOR.match(line)
            should = _SHOULD_BE.search(line) if assigned else None
            if assigned and should:
                head = line[assigned.start(1):should.start()].strip().rstrip(",")
                args = _arguments(head, params)
                value = _value(line[should.end():])
                if args is not None and value is not None:
                    add(args, value, "for ... the output should be", i)
            given = _INPUT.match(line)
            if given:
                for j in range(i + 1, min(i + 4, len(doc_lines))):
                    result = _OUTPUT.match(doc_lines[j])
                    if result:
                        args, value = _arguments(given.group(1), params), _value(result.group(1))
                        if args is not None and value is not None:
                            add(args, value, "Input/Output", i)
                        break
        i += max(used, 1)
    return _one_kind(out)


def _family(example: Example) -> str:
    value = ast.literal_eval(example.expected.strip())
    return type(value).__name__ if isinstance(value, (list, tuple, dict, set)) else "scalar"


def _one_kind(examples: list[Example]) -> list[Example]:
    """Prose that mixes a list result with a number (``tri(1) = 3`` of the sequence, then ``tri(3) = [1, 3, 2,
    8]`` of the function) talks about two things: keep the kind the last example, nearest the call, shows."""
    if len({_family(e) for e in examples}) <= 1:
        return examples
    last = _family(examples[-1])
    return [e for e in examples if _family(e) == last]
