"""Judging candidates against a workspace's pytest tests: seidr's warm pytest workers (pytest imported once, a
fork per candidate, only the selected tests collected, the candidate substituted in the child) versus the naive
way, the candidate written into a copy of the workspace and ``python -m pytest -q tests/test_pricing.py`` run as a
subprocess per candidate. Both judge the same candidates against the same tests, in one run.

    python benchmarks/pytest_runner.py [--candidates N]

The workspace is the test suite's shop (``tests/pytest_runner/shop``): a package under ``src/``, a conftest with
fixtures, a test file with a plain test, a parametrized one and a marked one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOP = os.path.join(ROOT, "tests", "pytest_runner", "shop")
TEST_FILE = "tests/test_pricing.py"
ORIGINAL = "def discount(price):"


def candidates(count: int) -> list[str]:
    """Distinct programs (so no verdict comes from a cache), about half of them passing."""
    return [f"def discount(price):\n    return min(price * RATE, {50 if k % 2 == 0 else 40 + k})\n"
            for k in range(count)]


def problem_for(shop: str):
    from seidr.synth.extract import extract
    from seidr.synth.tests_discovery import related_tests
    import dataclasses

    path = os.path.join(shop, "src", "shop", "pricing.py")
    with open(path) as fh:
        found = extract(fh.read(), path).find("discount")
    tests = related_tests(found, {"shop.pricing.discount": [TEST_FILE]}).examples
    mine = tuple(e for e in tests if e.source.startswith(TEST_FILE))  # every test of the file, as pytest runs it
    return dataclasses.replace(found, examples=mine)


async def seidr_times(shop: str, programs: list[str]) -> tuple[float, list[float], float, list[bool]]:
    from seidr.runners.limits import Limits
    from seidr.runners.program import Program
    from seidr.runners.python import PythonRunner

    problem = problem_for(shop)
    runner = PythonRunner(limits=Limits(example_seconds=30, program_seconds=60))
    try:
        started = time.perf_counter()
        await runner.judge(problem, [Program(problem.code)])  # starts the worker: pytest imported once
        cold = time.perf_counter() - started
        times, passed = [], []
        for code in programs:
            started = time.perf_counter()
            [verdict] = await runner.judge(problem, [Program(code)])
            times.append(time.perf_counter() - started)
            passed.append(verdict.passed)
        batch = [Program(code + "\n# again\n") for code in programs]
        started = time.perf_counter()
        await runner.judge(problem, batch)
        throughput = len(batch) / (time.perf_counter() - started)
    finally:
        await runner.close()
    return cold, times, throughput, passed


def subprocess_times(shop: str, programs: list[str]) -> tuple[list[float], list[bool]]:
    folder = tempfile.mkdtemp(prefix="seidr-bench-pytest-")
    copy = os.path.join(folder, "shop")
    shutil.copytree(shop, copy)
    source_path = os.path.join(copy, "src", "shop", "pricing.py")
    with open(source_path) as fh:
        source = fh.read()
    start = source.index(ORIGINAL)
    end = source.index("\n\n\n", start)
    times, passed = [], []
    try:
        for code in programs:
            with open(source_path, "w") as fh:
                fh.write(source[:start] + code.rstrip("\n") + source[end:])
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", TEST_FILE], cwd=copy, capture_output=True)
            times.append(time.perf_counter() - started)
            passed.append(done.returncode == 0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return times, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    args = parser.parse_args()
    programs = candidates(args.candidates)
    workspace = tempfile.mkdtemp(prefix="seidr-bench-shop-")
    shop = os.path.join(workspace, "shop")
    shutil.copytree(SHOP, shop)
    try:
        cold, ours, throughput, our_verdicts = asyncio.run(seidr_times(shop, programs))
        theirs, their_verdicts = subprocess_times(shop, programs)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    agree = sum(a == b for a, b in zip(our_verdicts, their_verdicts))
    print(f"{len(programs)} candidates judged against every test of {TEST_FILE} (cpu cores: {os.cpu_count()})")
    print(f"{'':34} {'median':>9} {'mean':>9} {'max':>9}")
    for label, times in (("seidr (warm pytest worker, fork)", ours), ("python -m pytest -q, a subprocess", theirs)):
        print(f"{label:34} {statistics.median(times) * 1000:8.1f}ms {statistics.mean(times) * 1000:8.1f}ms "
              f"{max(times) * 1000:8.1f}ms")
    print(f"seidr's first judgement, starting its worker: {cold * 1000:.0f} ms; "
          f"a batch of {len(programs)} judged concurrently: {throughput:.1f} candidates/s")
    print(f"ratio (subprocess median / seidr median): {statistics.median(theirs) / statistics.median(ours):.1f}x")
    print(f"verdicts agree on {agree}/{len(programs)} candidates ({sum(our_verdicts)} pass)")


if __name__ == "__main__":
    main()
