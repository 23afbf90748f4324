"""How many small doctest functions the built-in search solves within 1 s and 10 s, on our own set and on
HumanEval's visible examples, how many of those also pass the hidden checks, and the median time; beside
it, a sanity line: one best-of-1 model call per problem to the local scripted server.

    python benchmarks/enumerative.py [--humaneval N] [--long 10] [--skip-humaneval] [--quiet]

Our set is ``benchmarks/data/small_functions.py`` (stubs with doctests; ``HIDDEN`` holds the checks the
search never sees). HumanEval problems are those whose prompt has doctest examples; the hidden checks are
its ``check`` functions. Every found program is judged by the Python runner, the hidden checks too.

The sanity line answers each request with the problem's canonical solution (a perfect model with no
latency), so it shows what one model call costs in time through litellm and the runner, and that the
hidden-test harness passes correct programs.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "true")
os.environ.setdefault("OPENAI_API_KEY", "sk-local-benchmark")

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from seidr.runners.example import Example  # noqa: E402
from seidr.runners.problem import Problem  # noqa: E402
from seidr.synth.bench.datasets import hidden_view, humaneval, python_functions  # noqa: E402
from seidr.synth.develop import develop_problem, runner_for  # noqa: E402
from seidr.synth.enumerative import enumerate_program  # noqa: E402
from seidr.synth.settings import load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "small_functions.py"


def own_problems() -> list[Problem]:
    """Our set: each stub of the data file, its doctests visible, ``HIDDEN``'s cases as hidden asserts."""
    source = DATA.read_text()
    namespace: dict = {}
    exec(compile(source, str(DATA), "exec"), namespace)
    problems = []
    for found in python_functions(source, str(DATA)).problems:
        hidden = tuple(Example(source=f"assert {found.name}{args!r} == {want!r}", kind="assert")
                       for args, want in namespace["HIDDEN"].get(found.name, ()))
        problems.append(Problem(language="python", name=found.name, signature=found.signature,
                                description=found.description, examples=found.examples, is_stub=True,
                                hidden_tests=hidden))
    return problems


def humaneval_problems(limit: int | None) -> list[Problem]:
    return [p for p in humaneval()[:limit] if p.examples]


async def patiently(make):
    """The machine may be short of processes for a moment (other jobs share it): try again, then give up."""
    for attempt in range(5):
        try:
            return await make()
        except BlockingIOError:
            await asyncio.sleep(2 * (attempt + 1))
    return await make()


async def search_all(problems, seconds: float, runner) -> dict:
    return {p.name: await patiently(lambda: enumerate_program(p, seconds=seconds, runner=runner))
            for p in problems}


async def passes_hidden(problem: Problem, code: str, runner) -> bool:
    from seidr.runners.program import Program

    [verdict] = await patiently(lambda: runner.judge(hidden_view(problem), [Program(code)], hidden=True))
    return verdict.passed


async def measure_search(problems, long: float, runner) -> dict:
    short = await search_all(problems, 1.0, runner)
    retry = [p for p in problems if short[p.name].program is None and not short[p.name].unsupported]
    longer = await search_all(retry, long, runner)
    best = {p.name: short[p.name] if short[p.name].program else longer.get(p.name, short[p.name]) for p in problems}
    hidden = {p.name: await passes_hidden(p, best[p.name].program.code, runner)
              for p in problems if best[p.name].program}
    return {"short": short, "best": best, "hidden": hidden}


async def sanity_line(problems, runner) -> dict:
    """best-of-1 through litellm to the scripted server, which answers with the canonical solution."""
    sys.path.insert(0, str(ROOT))
    from tests.support.model_server import ScriptedServer

    server = ScriptedServer().start()
    settings, _ = load_settings({"model": "openai/scripted", "apiBase": server.api_base, "strategy": "best-of-n",
                                 "cache": False, "enumerateFirst": False, "search": {"drafts": 1},
                                 "budget": {"calls": 1}})
    times, solved, hidden = [], 0, 0
    try:
        for p in problems:  # one at a time: the server's k-th reply is for the k-th problem
            server.replies = [[f"```python\n{p.meta['canonical']}```"]]
            server.requests.clear()
            started = time.perf_counter()
            ranking = await patiently(lambda: develop_problem(p, settings, runner=runner))
            times.append(time.perf_counter() - started)
            if ranking.solved:
                solved += 1
                hidden += await passes_hidden(p, ranking.best.program.code, runner)
    finally:
        server.stop()
    return {"solved": solved, "hidden": hidden, "median": statistics.median(times) if times else 0.0}


def row(label: str, problems, result, long: float) -> list[str]:
    short, best, hidden = result["short"], result["best"], result["hidden"]
    supported = sum(1 for p in problems if not short[p.name].unsupported)
    in_short = sum(1 for p in problems if short[p.name].program)
    in_long = sum(1 for p in problems if best[p.name].program)
    times = [best[p.name].seconds for p in problems if best[p.name].program]
    examined = [best[p.name].examined for p in problems if best[p.name].program]
    return [label, str(len(problems)), str(supported), str(in_short), str(in_long), str(sum(hidden.values())),
            f"{statistics.median(times):.2f}" if times else "-",
            f"{int(statistics.median(examined)):,}" if examined else "-", "0"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--humaneval", type=int, default=None, help="first N HumanEval problems (default all)")
    parser.add_argument("--long", type=float, default=10.0, help="the longer budget in seconds (default 10)")
    parser.add_argument("--skip-humaneval", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="only the table, not a line per problem")
    args = parser.parse_args()
    console = Console(width=150)
    table = Table(title="built-in search (no model) and a best-of-1 model call, side by side")
    for column in ("set", "problems", "search reads the examples", "solved <=1 s", f"solved <={args.long:g} s",
                   "of those pass hidden", "median s (solved)", "median programs searched", "model calls"):
        table.add_column(column, justify="left" if column == "set" else "right")

    async def run() -> None:
        runner = runner_for("python")
        try:
            sets = [("own doctest set", own_problems())]
            if not args.skip_humaneval:
                sets.append(("HumanEval visible examples", humaneval_problems(args.humaneval)))
            for label, problems in sets:
                result = await measure_search(problems, args.long, runner)
                table.add_row(*row(label, problems, result, args.long))
                if not args.quiet:
                    for p in problems:
                        r = result["best"][p.name]
                        said = r.program.code.splitlines()[-1].strip() if r.program else r.reason
                        mark = {True: "hidden ok", False: "hidden FAIL"}.get(result["hidden"].get(p.name), "")
                        console.print(f"  {p.name:28} {r.seconds:6.2f}s {r.examined:>10,}  {mark:11} {said}",
                                      highlight=False, markup=False)
                if label.startswith("HumanEval"):
                    sane = await sanity_line(problems, runner)
                    table.add_row("  best-of-1, scripted server (canonical replies)", str(len(problems)), "-",
                                  str(sane["solved"]), str(sane["solved"]), str(sane["hidden"]),
                                  f"{sane['median']:.2f}", "-", str(len(problems)))
        finally:
            await runner.close()

    asyncio.run(run())
    console.print(table)


if __name__ == "__main__":
    main()
