"""Runs the search in a child Python process so callers stay responsive, and kills it on cancel."""
from __future__ import annotations

import asyncio
import pickle
import sys

from seidr.synth.enumerative.spec import Spec


async def search_in_worker(spec: Spec, seconds: float, max_programs: int | None):
    """The search's (source, examined, reason, behaviours), computed in a child process; cancelling kills it."""
    for attempt in range(3):
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "seidr.synth.enumerative.worker",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            break
        except BlockingIOError:  # the machine is out of processes for a moment, as `fork: retry` says
            await asyncio.sleep(0.5 * (attempt + 1))
        except OSError as exc:
            return None, 0, f"the search process could not start ({exc.strerror or exc})", (), False
    else:
        return None, 0, "the search process could not start (no process slots free); try again", (), False
    try:
        out, err = await proc.communicate(pickle.dumps((spec, seconds, max_programs)))
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if proc.returncode != 0 or not out:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return None, 0, f"the search process failed (exit {proc.returncode}): {last[0]}", (), False
    return pickle.loads(out)


def _main() -> None:
    from seidr.synth.enumerative.bottom_up import search
    spec, seconds, max_programs = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(search(spec, seconds, max_programs)))


if __name__ == "__main__":
    _main()
