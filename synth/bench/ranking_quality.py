"""``seidr bench mutants``: how often each ranking picks a correct program, with no model at all.

Per problem, a pool of the canonical solution and its AST mutants is judged on the visible examples; each
ranking (score only, lexicase, MBR by agreement on generated inputs) picks one program from what the
visible examples show, and the pick is judged on the hidden tests. The pool is shuffled (seeded) first so
that no ranking wins a tie by the canonical program's place in it.
"""
from __future__ import annotations

import asyncio
import csv
import json
import os
import random
from collections import Counter
from dataclasses import replace
from typing import Sequence

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.synth.bench.datasets import hidden_view
from seidr.synth.bench.mutants import mutants
from seidr.synth.enumerative.spec import Unsupported, spec_of
from seidr.synth.ranking import Candidate, lexicase, rank, simplicity
from seidr.synth.agreement import behaviour

RANKINGS = ("score", "lexicase", "mbr")


def _variants(value) -> list:
    """Nearby values of the same type: the inputs a careless program gets wrong."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1, -value, 0, value * 2, value + 10]
    if isinstance(value, float):
        return [value + 1.0, value / 2, -value, 0.0]
    if isinstance(value, str):
        return [value[::-1], value + (value[:1] or "a"), value[1:], "", value.upper(), value + " "]
    if isinstance(value, (list, tuple)):
        kind = type(value)
        out = [kind(value[::-1]), kind(value[1:]), kind(list(value) + list(value[:1])), kind()]
        try:
            out.append(kind(sorted(value)))
        except TypeError:
            pass
        if value:
            out += [kind([v, *value[1:]]) for v in _variants(value[0])[:3]]
        return out
    return []


def generated_inputs(problem: Problem, count: int, seed: int) -> list[str]:
    """Up to ``count`` calls of the entry point on variations of the visible examples' arguments (none when
    the examples are not plain calls with literal arguments)."""
    try:
        spec = spec_of(problem)
    except Unsupported:
        return []
    seen = {tuple(repr(a) for a in args) for args in spec.inputs}
    calls = []
    for args in spec.inputs:
        for i, value in enumerate(args):
            for new in _variants(value):
                changed = args[:i] + (new,) + args[i + 1:]
                key = tuple(repr(a) for a in changed)
                if key not in seen:
                    seen.add(key)
                    calls.append(f"{spec.name}({', '.join(key)})")
    random.Random(seed).shuffle(calls)
    return calls[:count]


def mbr_pick(candidates: list[Candidate], behaviours: dict[str, tuple]) -> Candidate:
    """Among the best on the visible examples, the program whose behaviour on the generated inputs most
    others share."""
    votes = Counter(behaviours.values())
    return min(candidates, key=lambda c: (not c.passed, -c.score, -votes.get(behaviours.get(c.program.id), 0),
                                          simplicity(c.program)))


async def judge_problem(problem: Problem, runner, pool_size: int, seed: int, inputs: int, limits=None) -> dict | None:
    canonical = problem.meta.get("canonical")
    if not canonical:
        return None
    try:
        made = mutants(canonical, count=pool_size, seed=seed)
    except SyntaxError:
        return None
    pool = [Program(canonical, origin="canonical")] + [Program(code, origin="mutant", meta={"kind": kind})
                                                       for kind, code in made]
    random.Random(seed).shuffle(pool)
    visible = await runner.judge(problem, pool, limits=limits)
    hidden = await runner.judge(hidden_view(problem), pool, hidden=True, limits=limits)
    calls = generated_inputs(problem, inputs, seed)
    behaviours: dict[str, tuple] = {}
    if calls:
        probe = replace(problem, examples=tuple(Example(source=c, expected="", line=problem.line) for c in calls))
        for program, verdict in zip(pool, await runner.judge(probe, pool, limits=limits)):
            behaviours[program.id] = behaviour(verdict)
    candidates = [Candidate(p, v) for p, v in zip(pool, visible)]
    picks = {
        "score": rank(candidates)[0],
        "lexicase": lexicase(candidates, 1, random.Random(seed))[0],
        "mbr": mbr_pick(candidates, behaviours),
    }
    correct = {p.id: h.passed for p, h in zip(pool, hidden)}
    shown = [c for c in candidates if c.passed]
    return {
        "task_id": str(problem.meta.get("task_id") or problem.name),
        "pool": len(pool),
        "visible_pass": len(shown),
        "hidden_pass": sum(correct.values()),
        "traps": sum(1 for c in shown if not correct[c.program.id]),  # pass what the ranking sees, fail the rest
        "canonical_correct": any(correct[p.id] for p in pool if p.origin == "canonical"),
        "generated_inputs": len(calls),
        "random": (sum(correct[c.program.id] for c in shown) / len(shown)) if shown else 0.0,
        **{name: correct[pick.program.id] for name, pick in picks.items()},
        "picks": {name: {"origin": pick.program.origin, "kind": pick.program.meta.get("kind"),
                         "visible_score": round(pick.score, 4), "code": pick.program.code}
                  for name, pick in picks.items()},
    }


async def evaluate(problems: Sequence[Problem], runner, pool_size: int = 20, seed: int = 0, inputs: int = 10,
                   jobs: int = 4, limits=None, progress=None) -> list[dict]:
    gate = asyncio.Semaphore(jobs)

    async def one(problem: Problem):
        async with gate:
            row = await judge_problem(problem, runner, pool_size, seed, inputs, limits)
        if progress:
            progress(row)
        return row

    rows = await asyncio.gather(*(one(p) for p in problems))
    return [r for r in rows if r is not None]


def summary(rows: Sequence[dict]) -> dict:
    """Hidden-test pass rate of the pick, per ranking, over the problems whose canonical solution is correct
    (a broken reference measures the data, not the ranking)."""
    usable = [r for r in rows if r["canonical_correct"]]
    n = len(usable)

    def rate(key: str) -> float:
        return sum(float(r[key]) for r in usable) / n if n else 0.0

    return {
        "problems": n,
        "left_out": len(rows) - n,
        "with_traps": sum(1 for r in usable if r["traps"]),
        "mean_pool": sum(r["pool"] for r in usable) / n if n else 0.0,
        "random": rate("random"),
        **{name: rate(name) for name in RANKINGS},
    }


def write(rows: Sequence[dict], out: str, meta: dict) -> list[str]:
    os.makedirs(out, exist_ok=True)
    json_path = os.path.join(out, "mutants.json")
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump({**meta, "summary": summary(rows), "problems": list(rows)}, fh, indent=2)
    csv_path = os.path.join(out, "mutants.csv")
    columns = ["task_id", "pool", "visible_pass", "hidden_pass", "traps", "canonical_correct", "generated_inputs",
               "random", *RANKINGS]
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return [json_path, csv_path]


def table(rows: Sequence[dict]):
    from rich.table import Table

    s = summary(rows)
    t = Table(title=f"ranking quality on mutant pools ({s['problems']} problems, {s['with_traps']} with programs "
                    f"that pass the visible examples and fail hidden tests)")
    t.add_column("ranking")
    t.add_column("hidden pass rate of the pick", justify="right")
    for name, label in [("random", "random visible-passing (baseline)"), ("score", "score only"),
                        ("lexicase", "lexicase"), ("mbr", "MBR, generated inputs")]:
        t.add_row(label, f"{s[name]:.3f}")
    return t
