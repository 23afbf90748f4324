"""Inputs derived from the examples' own values (empty, zero, negative, one longer, one shorter, edge strings):
where programs that pass every example disagree on them, the examples do not pin the function down."""
from __future__ import annotations

from typing import Iterable, Sequence

# how many derived argument tuples at most; enough to separate the usual look-alikes, few enough to judge fast
LIMIT = 16
RAISES = "an error"  # the result of a call that raised, whatever it raised


def _of_value(value) -> list:
    """Type-directed variations of one argument, most telling first; none for a type it does not know."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [0, -value if value else -1, value + 1, value - 1, value * 3 + 7, 1]
    if isinstance(value, float):
        return [0.0, -value if value else -1.5, value + 0.5, value * 2.5 + 1.25]
    if isinstance(value, str):
        out = ["", value[:-1], value + (value[-1:] or "a"), value[::-1], value.upper(), value.lower(),
               " " + value + " ", value[:1]]
        return [v for v in out if v != value]
    if isinstance(value, (list, tuple)):
        kind = type(value)
        items = list(value)
        out = [[], items[:-1], items + items[-1:], items[::-1], items[1:] + items[:1], items + items]
        numbers = [x for x in items if isinstance(x, (int, float)) and not isinstance(x, bool)]
        if numbers:
            out += [[-x if isinstance(x, (int, float)) and not isinstance(x, bool) else x for x in items],
                    items + [max(numbers) + 5], [min(numbers) - 3] + items]
        if items and all(isinstance(x, str) for x in items):
            out += [[x.upper() for x in items], items + [""]]
        return [kind(v) for v in out if v != items]
    if isinstance(value, dict):
        keys = list(value)
        return [{}, {k: value[k] for k in keys[:-1]}] if keys else [{}]
    return []


def variations(inputs: Sequence[tuple], limit: int = LIMIT) -> list[tuple]:
    """Argument tuples near the examples' ones: each example's arguments with one argument varied at a time,
    round-robin over examples and positions so every argument gets its most telling variations first. None
    repeats an example's own arguments."""
    seen = {repr(args) for args in inputs}
    queues = [[(args[:i] + (v,) + args[i + 1:]) for v in _of_value(args[i])]
              for args in inputs for i in range(len(args))]
    out: list[tuple] = []
    while len(out) < limit and any(queues):
        for queue in queues:
            while queue:
                candidate = queue.pop(0)
                key = repr(candidate)
                if key not in seen:
                    seen.add(key)
                    out.append(candidate)
                    break
            if len(out) >= limit:
                break
    return out


def call_text(name: str, args: Iterable) -> str:
    """The call as a user would write it in a doctest: ``f([1, 2], 'a')``."""
    return f"{name}({', '.join(repr(a) for a in args)})"
