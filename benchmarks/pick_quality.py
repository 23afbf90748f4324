"""How well seidr picks from real model output: recorded samples (10 per HumanEval task) replayed through the
engine, each strategy's offered program judged on the hidden tests, beside what the samples alone give: one
random sample (raw pass@1), the first sample passing the visible examples, and the best of them (oracle).

usage: .venv/bin/python benchmarks/pick_quality.py [--samples S.jsonl.gz] [--inputs I.json.gz] [--limit N]
                                                  [--strategies seidr,best-of-n,...] [--jobs J]
The default row is the engine with default settings; the issue's bar is raw + 0.6 x (oracle - raw).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REPLAY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "replay")
SAMPLES = os.path.join(REPLAY, "humaneval_codegen16b_samples.jsonl.gz")
INPUTS = os.path.join(REPLAY, "humaneval_codegen16b_test_inputs.json.gz")


async def baselines(rows, problems, jobs: int) -> dict[str, float]:
    from seidr.runners.limits import Limits
    from seidr.synth.bench.judge import judge_rows
    from seidr.synth.develop import runner_for

    runner = runner_for("python")
    try:
        judged = await judge_rows(rows, problems, runner, Limits(), jobs=jobs, visible=True)
    finally:
        await runner.close()
    tasks: dict[str, list[dict]] = defaultdict(list)
    for r in judged:
        tasks[r["task_id"]].append(r)
    n = len(tasks)
    raw = sum(r["passed"] for r in judged) / len(judged)
    first = sum(next((r for r in rs if r["visible_passed"]), rs[0])["passed"] for rs in tasks.values()) / n
    oracle = sum(any(r["passed"] for r in rs) for rs in tasks.values()) / n
    with_examples = sum(bool(p.checked_examples()) for p in problems)
    return {"raw": raw, "first": first, "oracle": oracle, "with_examples": with_examples}


def _layer(pairs) -> dict:
    """``search.drafts=10`` -> {"search": {"drafts": 10}}: settings to try beside the defaults."""
    import json

    out: dict = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        node = out
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        try:
            node[last] = json.loads(value)
        except ValueError:
            node[last] = value
    return out


async def engine(problems, model: str, strategy: str | None, jobs: int, extra: dict | None = None
                 ) -> tuple[float, float]:
    from seidr.synth.bench.run import BenchRun
    from seidr.synth.settings import load_settings

    layer = {"model": model, "cache": False, **({"strategy": strategy} if strategy else {})}
    settings, bad = load_settings(layer, extra or {})
    assert not bad, bad
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as out:
        bench = BenchRun(out=out, dataset="humaneval", settings=settings, jobs=jobs)
        await bench.run(problems)
        hidden = bench.totals.hidden / max(1, bench.totals.done)
    return hidden, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default=SAMPLES)
    parser.add_argument("--inputs", default=INPUTS)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--strategies", default="seidr,best-of-n,refine,treefinement")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for the strategy rows (not the default row), e.g. search.drafts=10")
    args = parser.parse_args()

    from seidr.synth.bench.datasets import load
    from seidr.synth.bench.judge import read_samples

    problems = load("humaneval", args.limit)
    wanted = {str(p.meta["task_id"]) for p in problems}
    rows = [r for r in read_samples(args.samples) if str(r["task_id"]) in wanted]
    model = f"replay:{os.path.abspath(args.samples)}" + (f"?inputs={os.path.abspath(args.inputs)}"
                                                         if args.inputs and os.path.isfile(args.inputs) else "")
    started = time.monotonic()
    base = asyncio.run(baselines(rows, problems, args.jobs))
    table = [("one random sample (raw pass@1)", base["raw"], time.monotonic() - started),
             ("first sample passing the visible examples", base["first"], None)]
    for strategy in [s for s in args.strategies.split(",") if s]:
        hidden, seconds = asyncio.run(engine(problems, model, strategy, args.jobs, _layer(args.set)))
        table.append((f"seidr --strategy {strategy} {' '.join(args.set)}".rstrip(), hidden, seconds))
    hidden, seconds = asyncio.run(engine(problems, model, None, args.jobs))
    table.append(("seidr default settings", hidden, seconds))
    table.append(("best of the samples (oracle)", base["oracle"], None))
    bar = base["raw"] + 0.6 * (base["oracle"] - base["raw"])
    print(f"{len(problems)} tasks ({base['with_examples']} with visible examples read), samples {args.samples}")
    print(f"{'pick':<44} {'hidden pass':>11} {'seconds':>8}")
    for name, rate, seconds in table:
        print(f"{name:<44} {rate:>11.3f} {'' if seconds is None else f'{seconds:.0f}':>8}")
    print(f"bar: raw + 0.6 x (oracle - raw) = {bar:.3f}; default {'clears' if hidden >= bar else 'misses'} it")


if __name__ == "__main__":
    main()
