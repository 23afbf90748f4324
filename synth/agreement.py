"""Agreement among candidates: run every program on extra inputs (derived from the examples' own values, and
model-written ones), group programs by what they return there, and rank by the size of a program's group.

The results come back from the runner as data and are compared here, in the trusted process. A program that
only errors or times out on the extra inputs agrees with nobody: failing alike is no evidence of being right.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from seidr.runners.example import Example
from seidr.synth.ranking import Candidate, simplicity
from seidr.synth.variations import call_text, variations

# enough calls to split look-alikes; few enough that one extra judging pass stays cheap
MAX_CALLS = 24
PROBE_SECONDS = 1.0  # a call that loops on an odd input costs this much, not the example limit


@dataclass
class Agreement:
    """``votes``: program id -> how many candidates behave as it does; ``calls``: the inputs judged;
    ``behaviours``: program id -> its results on them."""

    votes: dict[str, int]
    calls: list[str]
    behaviours: dict[str, tuple]


def _literal_args(call: ast.Call) -> tuple | None:
    if call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    try:
        return tuple(ast.literal_eval(a) for a in call.args)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def example_arguments(problem) -> list[tuple]:
    """The literal arguments of every call of the function that the examples make, in example order."""
    name = problem.short_name
    found: list[tuple] = []
    for ex in problem.checked_examples():
        if ex.kind not in ("doctest", "assert"):
            continue
        try:
            tree = ast.parse(ex.source.strip())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
                args = _literal_args(node)
                if args is not None and args not in found:
                    found.append(args)
    return found


def model_calls(text: str, name: str, limit: int) -> list[str]:
    """Calls of the entry point, one a line, from a reply of the ``tests`` step (``>>>`` and bullets allowed)."""
    found: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(>>>|[-*]|\d+[.)])\s*", "", line).strip().strip("`").rstrip(",;")
        if not re.match(rf"{re.escape(name)}\s*\(", line) or line in found:
            continue
        try:
            ast.parse(line, mode="eval")
        except SyntaxError:
            continue
        found.append(line)
    return found[:limit]


def probe_calls(problem, extra: Sequence[str] = (), limit: int = MAX_CALLS) -> list[str]:
    """The extra inputs: model-written calls first (they follow the description), then derived ones."""
    shown = {e.source.strip() for e in problem.examples}
    calls = [c for c in dict.fromkeys(extra) if c not in shown]
    derived = [call_text(problem.short_name, args) for args in variations(example_arguments(problem), limit)]
    half = max(limit // 2, limit - len(derived))
    out = calls[:half]
    out += [c for c in derived if c not in out and c not in shown][:limit - len(out)]
    return out[:limit]


def behaviour(verdict) -> tuple:
    """What a program did on each call: the text it returned, or that it raised."""
    if verdict.error:
        return ("error",)
    return tuple((r.actual or "").strip() if r.actual is not None else "!error" for r in verdict.results)


def _telling(shown: tuple) -> bool:
    return any(not r.startswith("!") for r in shown) and shown != ("error",)


async def agree(problem, candidates: Sequence[Candidate], runner, limits, extra: Sequence[str] = ()) -> Agreement:
    """One judging pass of every candidate on the extra inputs; the votes each candidate's behaviour gets."""
    calls = probe_calls(problem, extra)
    programs = list({c.program.id: c.program for c in candidates}.values())
    if len(programs) < 2 or not calls:
        return Agreement({}, calls, {})
    probe = replace(problem, examples=tuple(Example(source=c, expected="", line=problem.line) for c in calls))
    quick = replace(limits, example_seconds=min(limits.example_seconds, PROBE_SECONDS)) if limits else limits
    verdicts = await runner.judge(probe, programs, limits=quick)
    shown = {p.id: behaviour(v) for p, v in zip(programs, verdicts)}
    counts = Counter(b for b in shown.values() if _telling(b))
    votes = {pid: counts.get(b, 0) if _telling(b) else 0 for pid, b in shown.items()}
    return Agreement(votes, calls, shown)


def by_agreement(candidates: Sequence[Candidate], votes: dict[str, int]) -> list[Candidate]:
    """Passing first, then the most examples passed, then the most shared behaviour; on a tie a model's program
    before the built-in search's (the model read the description, the search saw only the examples), then the
    simpler one."""
    def key(c: Candidate):
        return (not c.passed, c.broke_anchor, -c.score, -votes.get(c.program.id, 0),
                c.program.origin == "enumerative", simplicity(c.program))

    return sorted(candidates, key=key)
