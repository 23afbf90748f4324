"""How many of HumanEval's prompts seidr reads examples from, in which forms, and whether each canonical
solution passes every example read from its prompt (an example read wrongly is worse than none).

usage: .venv/bin/python benchmarks/example_reading.py [--limit N]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


async def main(limit: int | None) -> None:
    from seidr.runners.program import Program
    from seidr.synth.bench.datasets import load
    from seidr.synth.develop import runner_for

    started = time.monotonic()
    problems = load("humaneval", limit)
    read = time.monotonic() - started
    forms = Counter(e.form for p in problems for e in p.checked_examples())
    with_examples = [p for p in problems if p.checked_examples()]
    runner = runner_for("python")
    failures = []
    try:
        verdicts = await asyncio.gather(*(runner.judge(p, [Program(p.meta["canonical"], origin="canonical")])
                                          for p in with_examples))
    finally:
        await runner.close()
    for p, [v] in zip(with_examples, verdicts):
        if not v.passed:
            first = v.failures[0] if v.failures else None
            failures.append(f"  {p.meta['task_id']} {p.name}: " + (
                v.error.strip().splitlines()[-1] if v.error else f"{first.example.describe()}: {first.summary()}"))
    print(f"{len(problems)} prompts read in {read:.1f} s: {len(with_examples)} with at least one example, "
          f"{sum(forms.values())} examples")
    print("examples by form: " + ", ".join(f"{form} {n}" for form, n in forms.most_common()))
    print(f"canonical solutions passing every example read: {len(with_examples) - len(failures)}"
          f"/{len(with_examples)}")
    for line in failures:
        print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int)
    asyncio.run(main(parser.parse_args().limit))
