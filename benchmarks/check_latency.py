"""How long a saved file waits for its diagnostics: seidr's server (fresh and warm), a cold ``seidr check``, and
``pytest --doctest-modules`` and plain ``python -m doctest`` on the same file of 20 functions x 3 doctests; then a
cold ``seidr check`` beside plain doctest on examples/prices.py, in this repository (whose tests are around it).

    python benchmarks/check_latency.py [--rounds 5]

"Cold" is a fresh process, with the bytecode of seidr compiled as an installed copy has it (compiled here first,
since a checkout run with PYTHONDONTWRITEBYTECODE never writes it) and the sandbox's probe kept on disk by an
earlier run (the first run on a machine probes: shown apart). Last, the floor under a cold check: a bare
interpreter and one that only imports what a check runs on, beside doctest.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import median, start, stop  # noqa: E402


def make_module(variant: int = 0, functions: int = 20) -> str:
    """20 small functions with 3 passing doctests each; ``variant`` changes every body (nothing cached)."""
    parts = ['"""Generated for the check latency benchmark."""\n']
    for i in range(functions):
        parts.append(f'''

def f{i}(x, y=1):
    """Scaled sum number {i}.

    >>> f{i}(1)
    {(1 + 1) * (i + 1)}
    >>> f{i}(2, 3)
    {(2 + 3) * (i + 1)}
    >>> f{i}(0, 0)
    0
    """
    k = {i + 1} + {variant} * 0
    return (x + y) * k
''')
    return "".join(parts)


ROOT = Path(__file__).resolve().parent.parent
# the runner's async API, doctest's parser, extraction and the Python runner: a cold check imports at least these
FLOOR_IMPORTS = "import asyncio, doctest, seidr.synth.extract, seidr.runners.python, seidr.commands.check"


def timed(argv: list[str], cwd: Path, rounds: int) -> float:
    return median(timed_side_by_side([argv], cwd, rounds)[0])


def timed_side_by_side(commands: list[list[str]], cwd: Path, rounds: int, env: dict | None = None) -> list[list[float]]:
    """Each command once per round, in turn, so a busy moment of the machine falls on all of them."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(rounds):
        for argv, into in zip(commands, times):
            started = time.perf_counter()
            subprocess.run(argv, cwd=cwd, capture_output=True, check=False, env=env)
            into.append(time.perf_counter() - started)
    return times


def compile_seidr() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(ROOT / d) for d in ("seidr", "synth", "runners",
                                                                                          "server"))],
                   capture_output=True, check=False)


def first_check(path: Path, env: dict) -> float:
    """``seidr check`` with no probe kept yet (``env`` names an empty cache folder)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "seidr", "check", str(path)], cwd=ROOT, capture_output=True, env=env,
                   check=False)
    return time.perf_counter() - started


async def server_times(folder: Path, rounds: int) -> tuple[float, float]:
    path = folder / "generated.py"
    client = await start(folder)
    try:
        uri = await client.open(path, path.read_text())
        await client.wait_publish(uri, 0)  # the first check also starts the runner's workers
        fresh, warm, version = [], [], 1
        for r in range(rounds):
            version += 1
            fresh.append(await client.save_and_wait(uri, make_module(variant=r + 1), version))
            version += 1
            warm.append(await client.save_and_wait(uri, make_module(variant=r + 1), version))
        return median(fresh), median(warm)
    finally:
        await stop(client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    compile_seidr()
    with tempfile.TemporaryDirectory(prefix="seidr-latency-") as tmp:
        folder = Path(tmp)
        (folder / "generated.py").write_text(make_module())
        os.environ["XDG_CACHE_HOME"] = str(folder / ".cache")
        fresh, warm = asyncio.run(server_times(folder, args.rounds))
        pytest_time = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules",
                             "generated.py"], folder, args.rounds)
        doctest_time = timed([sys.executable, "-m", "doctest", "generated.py"], folder, args.rounds)
        has_check = importlib.util.find_spec("seidr.commands.check") is not None
        check_time = timed([sys.executable, "-m", "seidr", "check", "generated.py"], folder, args.rounds) \
            if has_check else None
        prices = ROOT / "examples" / "prices.py"
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / ".prices-cache")}
        first = first_check(prices, env) if has_check else None
        check_prices, doctest_prices = timed_side_by_side(
            [[sys.executable, "-m", "seidr", "check", str(prices)], [sys.executable, "-m", "doctest", str(prices)]],
            ROOT, 2 * args.rounds + 1, env) if has_check else ([], [])
        floor = [median(t) for t in timed_side_by_side(
            [[sys.executable, "-c", "pass"], [sys.executable, "-c", FLOOR_IMPORTS],
             [sys.executable, "-m", "doctest", "generated.py"]], folder, 2 * args.rounds + 1)]
    print("file: 20 functions x 3 doctests; medians of", args.rounds, "rounds")
    print(f"  server, didSave -> publishDiagnostics, fresh   {fresh * 1000:8.1f} ms")
    print(f"  server, didSave -> publishDiagnostics, warm    {warm * 1000:8.1f} ms   (target < 20 ms)")
    if check_time is not None:
        print(f"  seidr check, cold start                        {check_time * 1000:8.1f} ms")
    else:
        print("  seidr check, cold start                        (no `seidr check` command in this tree)")
    print(f"  python -m pytest --doctest-modules              {pytest_time * 1000:8.1f} ms")
    print(f"  python -m doctest (no isolation)                {doctest_time * 1000:8.1f} ms")
    print("ratios")
    print(f"  pytest / server fresh   {pytest_time / fresh:6.1f}x   (target >= 5x)")
    print(f"  pytest / server warm    {pytest_time / warm:6.1f}x")
    if check_time is not None:
        print(f"  pytest / seidr check    {pytest_time / check_time:6.1f}x   (target >= 2x)")
        print(f"  seidr check / doctest   {check_time / doctest_time:6.1f}x   (target <= 2x)")
        print(f"examples/prices.py in this repository; medians of {len(check_prices)} rounds, side by side")
        print(f"  seidr check, cold start                        {median(check_prices) * 1000:8.1f} ms   "
              f"(fastest {min(check_prices) * 1000:.1f})")
        print(f"  seidr check, first run (probes the sandbox)    {first * 1000:8.1f} ms")
        print(f"  python -m doctest (no isolation)                {median(doctest_prices) * 1000:8.1f} ms   "
              f"(fastest {min(doctest_prices) * 1000:.1f})")
        print(f"  seidr check / doctest   {median(check_prices) / median(doctest_prices):6.1f}x   (target <= 2x)")
        print(f"what any cold check pays before it reads a file; medians of {2 * args.rounds + 1} rounds, side by side")
        print(f"  python -c pass                                  {floor[0] * 1000:8.1f} ms")
        print(f"  python importing what a check runs on           {floor[1] * 1000:8.1f} ms   ({FLOOR_IMPORTS[7:]})")
        print(f"  python -m doctest generated.py                  {floor[2] * 1000:8.1f} ms")
        print(f"  those imports / doctest {floor[1] / floor[2]:6.1f}x")


if __name__ == "__main__":
    main()
