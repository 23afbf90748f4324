"""Judging N C++ programs x 5 examples: seidr's runner (one harness per program, precompiled header, a
process per example) against compiling each example as its own `g++ -O2` program; then the same N again
(all cached). Both measured in this run, on a fresh binary cache.

    python benchmarks/cpp_judge.py [--programs 50]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program

EXAMPLES = [(f"poly({x})", str(3 * x * x + 2 * x + 1)) for x in range(5)]


def programs(n: int) -> list[Program]:
    # distinct sources (so nothing is shared by accident), all correct
    return [Program(f"long poly(long x) {{ long k = {k}; return 3 * x * x + 2 * x + 1 + k - k; }}")
            for k in range(n)]


async def seidr_judge(problem: Problem, progs: list[Program]):
    from seidr.runners.cpp import CppRunner

    runner = CppRunner()
    started = time.monotonic()
    first = await runner.judge(problem, progs)
    first_s = time.monotonic() - started
    started = time.monotonic()
    again = await runner.judge(problem, progs)
    again_s = time.monotonic() - started
    assert all(v.passed for v in first) and all(v.cached for v in again)
    return first_s, again_s


def baseline(progs: list[Program]) -> float:
    """Each example its own program: includes, the function, a main that prints the comparison."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for i, program in enumerate(progs):
            for j, (expr, expected) in enumerate(EXAMPLES):
                src = os.path.join(tmp, f"p{i}_{j}.cpp")
                with open(src, "w") as fh:
                    fh.write(f"#include <bits/stdc++.h>\n{program.code}\n"
                             f"int main() {{ std::cout << (({expr}) == ({expected})) << std::endl; }}\n")
                jobs.append(src)
        cores = os.cpu_count() or 2
        for k in range(0, len(jobs), cores):
            batch = [subprocess.Popen(["g++", "-std=c++17", "-O2", s, "-o", s + ".bin"]) for s in jobs[k:k + cores]]
            for p in batch:
                assert p.wait() == 0
            for s in jobs[k:k + cores]:
                assert subprocess.run([s + ".bin"], capture_output=True, text=True).stdout.strip() == "1"
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # a cold binary cache, precompiled header included
        problem = Problem(language="cpp", name="poly", examples=tuple(
            Example(e, x, line=i, kind="expr") for i, (e, x) in enumerate(EXAMPLES)))
        progs = programs(args.programs)
        first_s, again_s = asyncio.run(seidr_judge(problem, progs))
        base_s = baseline(progs)
    print(f"{args.programs} programs x {len(EXAMPLES)} examples on {os.cpu_count()} cores")
    print(f"  g++ -O2 per example : {base_s:8.2f} s")
    print(f"  seidr runner (cold) : {first_s:8.2f} s   speedup {base_s / first_s:6.1f}x")
    print(f"  seidr runner (again): {again_s:8.3f} s   speedup over cold {first_s / max(again_s, 1e-6):6.0f}x")


if __name__ == "__main__":
    main()
