"""A minimal warm worker as the Python runner uses the sandbox: started once through ``worker_argv``, it forks
a child per program that calls ``confine_child`` before running the program's code, relays what the child
writes, and kills the child's group when it ends or runs out of time.

    python worker.py        (one JSON job per line on stdin, one JSON answer per line on stdout)

A job: {"code": str, "seconds": float, "limits": {...}, "read": [the project folders it imports from]}; an answer: {"pid", "status", "timed_out", "output"}.
"""

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time

from seidr.runners.limits import Limits
from seidr.runners.sandbox import confine_child, kill_group

PR_SET_PDEATHSIG = 1
ROOT = tempfile.mkdtemp(prefix="seidr-worker-")  # 0700, like a runner's scratch root


def run(job: dict) -> dict:
    limits = Limits(**job.get("limits", {}))
    workdir = tempfile.mkdtemp(prefix="run-", dir=ROOT)
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(read)
            os.dup2(write, 1)
            os.dup2(write, 2)
            os.closerange(3, 1 << 16)
            import ctypes

            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:  # the worker died before the signal was set
                os._exit(1)
            confine_child(limits, workdir, job.get("read", ()))
            exec(compile(job["code"], "<program>", "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 -- the program's failure is its result
            os.write(2, f"{type(exc).__name__}: {exc}\n".encode(errors="replace"))
            status = 1
        finally:
            sys.stdout.flush()
            os._exit(status)
    os.close(write)
    output = bytearray()
    deadline = time.monotonic() + job.get("seconds", limits.program_seconds)
    timed_out = False
    ended = os.pidfd_open(pid)
    watched = [read, ended]
    while read in watched:  # until the child exits and its output is read, or time runs out
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready = select.select(watched, [], [], left)[0]
        if read in ready:
            chunk = os.read(read, 65536)
            if not chunk:
                break
            output += chunk[: max(0, limits.output_bytes - len(output))]
        elif ended in ready:
            os.set_blocking(read, False)  # what it wrote is in the pipe; its descendants may keep it open
            try:
                while chunk := os.read(read, 65536):
                    output += chunk[: max(0, limits.output_bytes - len(output))]
            except BlockingIOError:
                pass
            break
    os.close(ended)
    kill_group(pid)
    _, status = os.waitpid(pid, 0)
    os.close(read)
    shutil.rmtree(workdir, ignore_errors=True)
    return {"pid": pid, "status": status, "timed_out": timed_out,
            "output": output.decode(errors="replace")}


def main() -> None:
    print(json.dumps({"ready": os.getpid()}), flush=True)
    try:
        for line in sys.stdin:
            print(json.dumps(run(json.loads(line))), flush=True)
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
