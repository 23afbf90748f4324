"""Time to the first passing program when it is the 10th of 10 drafts and the model answers after 300 ms:
the seidr strategy (drafts in one request, judged together) against the same steps one request at a time.

    python benchmarks/loop_concurrency.py [--delay 0.3] [--drafts 10] [--repeat 3]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "true")
os.environ.setdefault("OPENAI_API_KEY", "sk-local-benchmark")

from seidr.runners.example import Example  # noqa: E402
from seidr.runners.problem import Problem  # noqa: E402
from seidr.synth.develop import develop_problem, runner_for  # noqa: E402
from seidr.synth.budget import Budget  # noqa: E402
from seidr.synth.models import Model  # noqa: E402
from seidr.synth.settings import load_settings  # noqa: E402
from seidr.synth.steps import Search  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROBLEM = Problem(language="python", name="inc", description="One more than x.",
                  examples=(Example("inc(1)", "2\n"), Example("inc(41)", "42\n")), is_stub=True)


def scripted_server():
    """The tests' scripted OpenAI-compatible server, started on 127.0.0.1."""
    sys.path.insert(0, str(ROOT))
    from tests.support.model_server import ScriptedServer

    return ScriptedServer().start()


def reply(i: int, drafts: int) -> str:
    body = "x + 1" if i == drafts - 1 else f"x + {i + 2}"
    return f"```python\ndef inc(x):\n    return {body}\n```"


async def concurrent(server, settings) -> tuple[float, bool]:
    """The seidr strategy as ``develop_problem`` runs it, with a runner already started."""
    server.requests.clear()
    server.replies = [[reply(i, settings.search.drafts) for i in range(settings.search.drafts)]]
    runner = runner_for("python")
    try:
        started = time.perf_counter()
        ranking = await develop_problem(PROBLEM, settings, runner=runner)
        return time.perf_counter() - started, ranking.solved
    finally:
        await runner.close()


async def one_at_a_time(server, settings) -> tuple[float, bool]:
    """The same steps, one draft request and one judging at a time, stopping at the first pass."""
    server.requests.clear()
    server.replies = [[reply(i, settings.search.drafts)] for i in range(settings.search.drafts)]
    runner = runner_for("python")
    try:
        started = time.perf_counter()
        search = Search(PROBLEM, Model.from_settings(settings), runner, Budget.from_settings(settings.budget), None,
                        settings)
        for i in range(settings.search.drafts):
            await search.judge(await search.draft(1, salt=str(i)))
            if search.solved():
                break
        return time.perf_counter() - started, search.solved()
    finally:
        await runner.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--drafts", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant; the fastest counts")
    args = parser.parse_args()
    server = scripted_server()
    server.delay = args.delay
    with tempfile.TemporaryDirectory() as cache:
        settings, problems = load_settings({
            "model": "openai/scripted", "apiBase": server.api_base, "cache": False, "cacheDir": cache,
            "enumerateFirst": False, "search": {"drafts": args.drafts, "depth": 0}, "budget": {"calls": 100},
        })
        assert not problems, problems
        asyncio.run(concurrent(server, settings))  # warm up imports (litellm takes seconds)
        runs = [(asyncio.run(concurrent(server, settings)), asyncio.run(one_at_a_time(server, settings)))
                for _ in range(args.repeat)]
        (seidr_s, ok1), (serial_s, ok2) = min(r[0] for r in runs), min(r[1] for r in runs)
    server.httpd.shutdown()
    print(f"{'variant':<28}{'seconds':>10}  solved")
    print(f"{'seidr (drafts together)':<28}{seidr_s:>10.3f}  {ok1}")
    print(f"{'one request at a time':<28}{serial_s:>10.3f}  {ok2}")
    print(f"speed-up: {serial_s / seidr_s:.1f}x (target >= 5x)")


if __name__ == "__main__":
    main()
