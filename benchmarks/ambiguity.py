"""How far a "solved" from the built-in search (no model) can be trusted on HumanEval's visible examples: of the
tasks it solves, how many pass the hidden tests, with and without reporting ambiguous results as not solved.

usage: .venv/bin/python benchmarks/ambiguity.py [--limit N] [--seconds S]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


async def main(limit: int | None, seconds: float) -> None:
    from seidr.synth.bench.datasets import load
    from seidr.synth.develop import develop_problem, runner_for
    from seidr.synth.settings import load_settings

    problems = load("humaneval")[:limit]
    settings, _ = load_settings({"cache": False, "enumerateSeconds": seconds, "budget": {"seconds": seconds}})
    runner = runner_for("python")
    rows = []
    started = time.monotonic()
    try:
        for problem in problems:
            ranking = await develop_problem(problem, settings, runner=runner)
            hidden = None
            if ranking.solved:
                verdict = (await runner.judge(problem, [ranking.best.program], hidden=True))[0]
                hidden = verdict.passed
            rows.append((problem.meta.get("task_id", problem.name), ranking.solved, ranking.ambiguous, hidden,
                         ranking.ambiguity.line() if ranking.ambiguity else ""))
    finally:
        await runner.close()
    solved = [r for r in rows if r[1]]
    pinned = [r for r in solved if not r[2]]
    print(f"{len(rows)} tasks, {time.monotonic() - started:.0f} s")
    print(f"passing the visible examples: {len(solved)}, of which pass the hidden tests: {sum(r[3] for r in solved)}"
          f" (precision {sum(r[3] for r in solved) / max(1, len(solved)):.2f})")
    print(f"reported solved (not ambiguous): {len(pinned)}, of which pass the hidden tests: {sum(r[3] for r in pinned)}"
          f" (precision {sum(r[3] for r in pinned) / max(1, len(pinned)):.2f})")
    for task, _, ambiguous, hidden, line in solved:
        print(f"  {task}: {'ambiguous' if ambiguous else 'solved':9} hidden {'pass' if hidden else 'FAIL'}  {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    asyncio.run(main(args.limit, args.seconds))
