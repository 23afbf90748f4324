"""Start a warm worker's process: the part that needs no event loop, so a command can start its first worker
before it imports the rest (asyncio among it) and let the worker boot meanwhile."""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile

from seidr.runners.sandbox import clean_env, kill_group, worker_argv

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness")
WORKER = os.path.join(HARNESS, "python_worker.py")
# after a script's path: a pool for the user's own code, whose programs may use TCP on the loopback of the
# sandbox's own network namespace (where bwrap gives one; ``own_pool`` says when)
OWN = "#own"

Spawned = tuple[subprocess.Popen, socket.socket, str]  # the process, our end of its control socket, its log


class WorkerStartError(Exception):
    """No worker could be started (the interpreter or the harness is broken); one line for the user."""


def scratch_root() -> str:
    """A fresh folder for a pool's workers: their logs and their programs' folders."""
    return tempfile.mkdtemp(prefix="seidr-python-")


def spawn(root: str, number: int, script: str = WORKER) -> Spawned:
    """Start worker ``number`` of the pool in ``root`` running ``script``; it says it is ready on the socket."""
    parent, child = socket.socketpair()
    log = os.path.join(root, f"worker-{number}.log")
    env = clean_env(extra={"PYTHONHASHSEED": "0"})  # the same set and dict orders on every run
    path, own = (script[:-len(OWN)], True) if script.endswith(OWN) else (script, False)
    argv = worker_argv([sys.executable, "-B", "-s", path, str(child.fileno()), root], loopback=own)
    try:
        with open(log, "wb") as err:
            proc = subprocess.Popen(argv, pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=root,
                                    start_new_session=True)
    except OSError as exc:
        parent.close()
        raise WorkerStartError(f"cannot start a Python worker ({sys.executable}): {exc}") from None
    finally:
        child.close()
    return proc, parent, log


_EARLY: dict[str, tuple[str, Spawned]] = {}


def own_pool(script: str, own: bool = True) -> str:
    """The pool key for ``script``'s programs: for the user's own code (``own``) a pool of its own where the
    sandbox can give its programs a loopback of their own, else the same pool as a candidate's."""
    from seidr.runners.sandbox import isolation

    return script + OWN if own and isolation().level == "bwrap" else script


def early(script: str = WORKER) -> None:
    """Spawn the first worker of the pool for ``script`` now, before any event loop; the pool made later takes
    it (``take_early``). One that cannot start is left for the first job to meet; one no pool takes is killed
    at exit."""
    if script not in _EARLY:
        root = scratch_root()
        try:
            _EARLY[script] = (root, spawn(root, 1, script))
        except WorkerStartError:
            import shutil

            shutil.rmtree(root, ignore_errors=True)  # holds the log opened for the worker that did not start


def take_early(script: str) -> tuple[str, Spawned] | None:
    """The scratch folder and process of the worker ``early`` spawned for ``script``, once."""
    return _EARLY.pop(script, None)


@atexit.register
def _drop_early() -> None:
    import shutil

    while _EARLY:
        root, (proc, parent, _) = _EARLY.popitem()[1]
        parent.close()
        kill_group(proc.pid)
        shutil.rmtree(root, ignore_errors=True)
