"""Warm Python workers: one pool per event loop of long-lived worker processes, each started once inside the
sandbox's isolation (``sandbox.worker_argv``), that fork a confined child per program.

Workers start lazily (one per core at most), a dead one is replaced, a wedged one (no answer well past its
deadline) is killed and replaced. Every ``PythonRunner`` on a loop shares that loop's pool: the pool shuts
down when the last runner that used it closes, or when the loop ends (``asyncio.run`` finalises the pool's
guard at loop end), or, as a last resort, when the loop is collected or the process exits.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import json
import os
import shutil
import subprocess
import time
import weakref
from dataclasses import dataclass

from seidr.runners.sandbox import kill_group, reprobe
from seidr.runners.spawn import HARNESS, WORKER, Spawned, WorkerStartError, scratch_root, spawn, take_early

__all__ = ["HARNESS", "WORKER", "Pool", "Report", "Worker", "WorkerLost", "WorkerStartError", "pool_for"]

START_SECONDS = 60.0
_POOLS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[int, str], Pool]]" = weakref.WeakKeyDictionary()
_OPEN: "set[Pool]" = set()


class WorkerLost(Exception):
    """The worker running a program died or stopped answering (the program may be the cause)."""


@dataclass(frozen=True)
class Report:
    """What a worker relays for one program: the child's records and raw output, untouched."""

    pid: int | None
    status: int | None  # the child's wait status
    timeout: str | None  # "example" | "program" | "flood" | "cancelled"
    records: bytes
    output: bytes
    output_cut: bool
    seconds: float


class Worker:
    """One worker process and its control socket."""

    def __init__(self, proc: subprocess.Popen, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 pid: int, log: str) -> None:
        self.proc = proc
        self.reader = reader
        self.writer = writer
        self.pid = pid  # the Python worker itself (under bwrap, proc.pid is bwrap's)
        self.log = log
        self.child: int | None = None
        self.head: dict | None = None
        self.records: bytes | None = None
        self.expired = False
        self.busy = False

    @classmethod
    async def start(cls, root: str, number: int, script: str = WORKER,
                    spawned: Spawned | None = None) -> "Worker":
        proc, parent, log = spawned or spawn(root, number, script)
        writer = None
        try:
            reader, writer = await asyncio.open_unix_connection(sock=parent, limit=1 << 20)
            line = await asyncio.wait_for(reader.readline(), START_SECONDS)
            ready = json.loads(line) if line else {}
            if "ready" not in ready:
                raise WorkerStartError(f"a Python worker did not start: {tail(log) or 'no message'}")
        except BaseException:
            kill_group(proc.pid)
            # Through its transport, never the bare socket: a socket closed under a live transport leaves the
            # loop's selector holding its descriptor number, and the next socket to get that number (the next
            # worker's) is then never polled, so its "ready" is never read.
            if writer is not None:
                writer.close()
            else:
                parent.close()
            await reap(proc)
            raise
        return cls(proc, reader, writer, int(ready["ready"]), log)

    async def run(self, job: dict, patience: float) -> Report:
        """Send ``job`` and wait at most ``patience`` seconds for its report. A cancelled wait leaves the read
        where it was, so ``reclaim`` can finish it."""
        self.child, self.head, self.records, self.expired = None, None, None, False
        self.busy = True
        self.writer.write(json.dumps(job).encode() + b"\n")
        timer = asyncio.get_running_loop().call_later(patience, self._expire)
        try:
            return await self._collect(job["id"])
        finally:
            timer.cancel()

    def _expire(self) -> None:
        self.expired = True
        self.kill()

    async def _collect(self, job_id: int) -> Report:
        """Read the job's report: the worker may first announce the child's pid (a job that runs a while), then
        the report with the child's records and output."""
        try:
            await self.writer.drain()
            while self.head is None:
                head = await self._header()
                self.child = head.get("pid", self.child)
                if "status" in head:
                    self.head = head
            if self.records is None:
                self.records = await self.reader.readexactly(self.head["records"])
            output = await self.reader.readexactly(self.head["output"])
            self.busy = False
        except (asyncio.IncompleteReadError, ConnectionError, EOFError, ValueError, KeyError) as exc:
            self.kill()
            if self.expired:
                raise WorkerLost("the worker stopped answering and was replaced") from None
            raise WorkerLost(f"the worker died while judging ({tail(self.log) or type(exc).__name__})") from None
        head = self.head
        if head.get("id") != job_id:
            self.kill()
            raise WorkerLost("the worker answered for another program")
        return Report(self.child, head.get("status"), head.get("timeout"), self.records, output,
                      bool(head.get("output_cut")), float(head.get("seconds", 0.0)))

    async def _header(self) -> dict:
        line = await self.reader.readline()
        if not line:
            raise EOFError("end of stream")
        return json.loads(line)

    async def reclaim(self, job_id: int, patience: float) -> bool:
        """After a cancelled wait: ask the worker to stop the child, and read its report. True when the
        worker can take the next job."""
        try:
            self.writer.write(json.dumps({"cancel": job_id}).encode() + b"\n")
            await asyncio.wait_for(self._collect(job_id), patience)
            return True
        except BaseException:  # noqa: BLE001 -- any trouble here just means a fresh worker next time
            self.kill()
            return False

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None and not self.reader.at_eof()

    def kill(self) -> None:
        self.kill_processes()
        self.writer.close()

    def kill_processes(self) -> None:
        """Kill the worker (its wrapper's process group) and the program it was running, if any: the program
        runs in its own process group, which would outlive the worker."""
        if self.busy:
            for pid in {self.child, *children_of(self.pid)} - {None}:
                kill_group(pid)
        kill_group(self.proc.pid)


def children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as fh:
            return [int(p) for p in fh.read().split()]
    except (OSError, ValueError):
        return []


async def reap(proc: subprocess.Popen, seconds: float = 5.0) -> None:
    """Wait for a killed process without blocking the loop."""
    stop = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < stop:
        await asyncio.sleep(0.005)


def tail(path: str) -> str:
    """The last line a worker wrote to its log, for messages."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.path.getsize(path) - 2000))
            lines = fh.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""


class Pool:
    """At most ``size`` workers running ``script``, started on demand; jobs wait for a free one."""

    def __init__(self, size: int, script: str = WORKER) -> None:
        self.size = size
        self.script = script
        early = take_early(script)
        self.root = early[0] if early else scratch_root()
        self.slots = asyncio.Semaphore(size)
        self.idle: list[Worker] = []
        self.workers: set[Worker] = set()
        self.holders = 0
        self.closed = False
        self.ids = itertools.count(1)
        self.numbers = itertools.count(2 if early else 1)
        self.tasks: set[asyncio.Task] = set()  # reclaiming, reaping and starting workers
        self.at_loop_end: weakref.finalize | None = None
        self.spawned: list[Spawned] = [early[1]] if early else []  # started before the loop, not yet ready
        _OPEN.add(self)

    async def run(self, job: dict, patience: float) -> Report:
        """Run ``job`` on a free worker. A worker found dead while idle is replaced first; one that dies or
        wedges once it has the job raises ``WorkerLost`` (the program may be the cause: it is not retried)."""
        if self.closed:
            raise WorkerLost("the runner was closed")
        job = {**job, "id": next(self.ids)}
        await self.slots.acquire()
        start = None
        try:
            while self.idle and not self.idle[-1].alive:  # died while idle (killed from outside): replace it
                self._forget(self.idle.pop())
            if self.idle:
                worker = self.idle.pop()
            else:
                start = self._background(self._start(self.spawned.pop() if self.spawned else None))
                worker = await asyncio.shield(start)
        except BaseException:
            if start is not None and not start.done():
                # Cancelled while its worker starts: the start goes on holding the slot, and the worker joins
                # the idle ones (a start costs far more than waiting for one).
                start.add_done_callback(self._adopt)
            else:
                self.slots.release()
            raise
        try:
            report = await worker.run(job, patience)
        except asyncio.CancelledError:
            self._background(self._reclaim(worker, job["id"], patience))
            raise
        except BaseException:
            self._drop(worker)
            raise
        self._free(worker)
        return report

    def _background(self, work) -> asyncio.Task:
        """A task of the pool's own, cancelled when it shuts down."""
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def _adopt(self, start: asyncio.Task) -> None:
        if start.cancelled() or start.exception() is not None:
            self.slots.release()
        else:
            self._free(start.result())

    async def _start(self, spawned: Spawned | None = None) -> Worker:
        try:
            worker = await Worker.start(self.root, next(self.numbers), self.script, spawned)
        except WorkerStartError:
            if not reprobe():  # the isolation came from the probe's cache, which may be stale: probe again
                raise
            worker = await Worker.start(self.root, next(self.numbers), self.script)
        if self.closed:
            worker.kill()
            await reap(worker.proc)
            raise WorkerLost("the runner was closed")
        self.workers.add(worker)
        return worker

    async def _reclaim(self, worker: Worker, job_id: int, patience: float) -> None:
        if not self.closed and await worker.reclaim(job_id, patience):
            self._free(worker)
        else:
            self._drop(worker)

    def _free(self, worker: Worker) -> None:
        if self.closed or not worker.alive:
            self._drop(worker)
            return
        self.idle.append(worker)
        self.slots.release()

    def _drop(self, worker: Worker) -> None:
        """Kill a worker that is done for and give its slot back."""
        self._forget(worker)
        self.slots.release()

    def _forget(self, worker: Worker) -> None:
        worker.kill()
        self.workers.discard(worker)
        if worker in self.idle:
            self.idle.remove(worker)
        if not self.closed:
            self._background(reap(worker.proc))

    def worker_pids(self) -> list[int]:
        return sorted(w.pid for w in self.workers if w.alive)

    async def shutdown(self) -> None:
        """Kill every worker and what it runs, wait for them, remove the scratch folder."""
        if self.closed:
            return
        self.closed = True
        self._drop_spawned()
        for task in list(self.tasks):
            task.cancel()
        workers = list(self.workers)
        for worker in workers:  # a worker told to stop first kills what its programs left running
            worker.writer.close()
        await asyncio.gather(*(reap(w.proc, 1.0) for w in workers))
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(reap(w.proc) for w in workers))
        self.workers.clear()
        self.idle.clear()
        shutil.rmtree(self.root, ignore_errors=True)
        _OPEN.discard(self)
        if self.at_loop_end is not None:
            self.at_loop_end.detach()

    def _drop_spawned(self) -> None:
        """Kill a worker spawned before the loop that no job took."""
        while self.spawned:
            proc, parent, _ = self.spawned.pop()
            parent.close()
            kill_group(proc.pid)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass

    def shutdown_now(self) -> None:
        """The same, synchronously, for when no loop is left to run it (process exit, a collected loop)."""
        if self.closed:
            return
        self.closed = True
        self._drop_spawned()
        for worker in list(self.workers):
            worker.kill_processes()
            try:
                worker.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
        _OPEN.discard(self)


async def _until_loop_end(pool: Pool):
    try:
        yield
    finally:
        await pool.shutdown()


def pool_for(size: int, script: str = WORKER) -> Pool:
    """The running loop's pool of ``size`` workers running ``script``, made on first use."""
    loop = asyncio.get_running_loop()
    pools = _POOLS.setdefault(loop, {})
    pool = pools.get((size, script))
    if pool is None or pool.closed:
        pool = pools[(size, script)] = Pool(size, script)
        # An async generator parked at its first yield: the loop closes it at its end (asyncio.run calls
        # shutdown_asyncgens), which shuts the pool down even when a runner was never closed.
        guard = _until_loop_end(pool)
        step = guard.__anext__()
        try:
            step.send(None)
        except StopIteration:
            pass
        pool.guard = guard  # type: ignore[attr-defined]
        pool.at_loop_end = weakref.finalize(loop, pool.shutdown_now)  # a loop collected without closing its pool
    return pool


@atexit.register
def _shutdown_all() -> None:
    for pool in list(_OPEN):
        pool.shutdown_now()
