"""How long ``seidr synth`` takes to replay a synthesis whose model replies are all in the reply cache, beside
``python -c "import litellm"`` (the cost a replay no longer pays), pair by pair in one run.

    .venv/bin/python benchmarks/startup.py [--rounds 5]

The first run asks a scripted OpenAI-compatible server on 127.0.0.1 and fills a fresh cache; the server is then
stopped, so every later run is answered from the cache alone. Also shown: a run whose key is missing (refused
before any search) and a cold run against the server with an empty cache (litellm imported in the background).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.lsp_client import median  # noqa: E402
from tests.support.model_server import ScriptedServer  # noqa: E402

STUB = '''def inc(x: int) -> int:
    """One more than x.

    >>> inc(1)
    2
    >>> inc(41)
    42
    """
    ...
'''
RIGHT = "```python\ndef inc(x):\n    return x + 1\n```"


def timed(argv: list[str], cwd: str, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.monotonic()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return time.monotonic() - start, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="seidr-startup-")
    try:
        Path(work, "counting.py").write_text(STUB)
        Path(work, "seidr.toml").write_text("enumerateFirst = false\n")  # the model's path, not the built-in search
        env = {**os.environ, "XDG_CACHE_HOME": os.path.join(work, ".cache"), "OPENAI_API_KEY": "sk-local"}
        server = ScriptedServer().start()
        server.replies = [[RIGHT]]
        synth = [sys.executable, "-m", "seidr", "synth", "counting.py", "--model", "openai/scripted",
                 "--api-base", server.api_base, "--no-progress"]
        cold, done = timed(synth, work, env)
        server.stop()
        if done.returncode != 0 or "inc: solved" not in done.stderr:
            print(f"the first run did not solve inc:\n{done.stderr}", file=sys.stderr)
            return 1
        no_key = {k: v for k, v in env.items() if k != "OPENAI_API_KEY"}
        imports = [sys.executable, "-c", "import os; os.environ['LITELLM_LOCAL_MODEL_COST_MAP'] = 'true'; import litellm"]
        replay, litellm, refused = [], [], []
        for _ in range(args.rounds):
            seconds, done = timed(synth, work, env)
            if done.returncode != 0 or "cached repl" not in done.stderr:
                print(f"a replay did not come from the cache:\n{done.stderr}", file=sys.stderr)
                return 1
            replay.append(seconds)
            litellm.append(timed(imports, work, env)[0])
            refused.append(timed(synth, work, no_key)[0])
        print(f"cold run, empty cache (litellm imported in the background): {cold:.2f} s")
        print(f"{'median of ' + str(args.rounds):<28}{'seconds':>8}{'vs import litellm':>20}")
        base = median(litellm)
        for label, values in (("import litellm", litellm), ("cached replay", replay), ("missing key", refused)):
            print(f"{label:<28}{median(values):>8.2f}{median(values) / base:>19.2f}x")
        ratios = [r / b for r, b in zip(replay, litellm)]
        print(f"cached replay / import litellm, pair by pair: {', '.join(f'{r:.2f}' for r in ratios)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
