"""A warm Python judge worker: imports the harness and the modules programs commonly use once, then for each
job forks a child that runs one program and all of its examples, relays what the child reports, and enforces
the wall-clock limits from outside the child.

    python -B -s python_worker.py CONTROL_FD SCRATCH_ROOT

Protocol over the control socket, one JSON line each way: the runner sends a job (or ``{"cancel": id}``);
the worker answers ``{"ready": pid}`` once, then per job, if the child is still running after
``ANNOUNCE_SECONDS``, ``{"id", "pid"}``, and at its end ``{"id", "pid", "status", "timeout", "records": n,
"output": m, ...}`` followed by ``n`` bytes of the child's records and ``m`` bytes of what it wrote to its file
descriptors 1 and 2. The worker never sees an expected value.
"""

import builtins
import ctypes
import gc
import importlib.util
import json
import os
import re
import select
import signal
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != HERE]

from seidr.runners.limits import Limits  # noqa: E402
from seidr.runners.sandbox import enter_child, kill_group, prepare_child, warm  # noqa: E402

# Modules most programs and checks use, imported once so forked children start with them: those a job's code
# names just before its child is forked, the rest while the worker waits for work, so none of them delays the
# worker's start. Nothing here may bring in threading, random or logging: their at-fork hooks would make every
# fork two to three times dearer.
PRELOAD = ("abc", "array", "ast", "bisect", "cmath", "collections", "collections.abc", "contextlib", "copy",
           "dataclasses", "datetime", "decimal", "enum", "fractions", "functools", "hashlib", "heapq", "io",
           "itertools", "json", "math", "numbers", "operator", "re", "string", "struct", "textwrap", "time",
           "types", "typing", "unicodedata")
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
ANNOUNCE_SECONDS = 0.05
IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w., \t]+))", re.M)
TRIM_EVERY = 64
try:
    LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    LIBC = None
if LIBC is not None:
    # glibc reserves 64 MB of address space per thread for its own malloc arena: against the program's address-space
    # limit a dozen threads would be all it gets; two arenas shared by every thread keep each at its stack alone
    # and each thread's stack reserves as much as the main thread may grow to (8 MB): 2 MB, as many platforms give
    # a thread, lets a program start a few hundred within its limit
    try:
        LIBC.mallopt(-8, 2)  # M_ARENA_MAX
        _attr = ctypes.create_string_buffer(128)  # a pthread_attr_t, with room to spare
        if LIBC.pthread_attr_init(_attr) == 0 and LIBC.pthread_attr_setstacksize(_attr, ctypes.c_size_t(2 << 20)) == 0:
            LIBC.pthread_setattr_default_np(_attr)
    except AttributeError:  # not glibc
        pass


def load_child_harness():
    """The child's code, with a private copy of the builtins so a program that patches ``builtins`` cannot
    change how the harness reports."""
    spec = importlib.util.spec_from_file_location("_seidr_python_child", os.path.join(HERE, "python_child.py"))
    module = importlib.util.module_from_spec(spec)
    module.__dict__["__builtins__"] = dict(builtins.__dict__)
    spec.loader.exec_module(module)
    return module


CHILD = load_child_harness()


class Control:
    """Line-framed messages on the control socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()

    def send(self, header, *blobs):
        self.sock.sendall(json.dumps(header).encode() + b"\n" + b"".join(blobs))

    def pending(self):
        return b"\n" in self.buffer

    def fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError
        self.buffer += data

    def line(self):
        while b"\n" not in self.buffer:
            self.fill()
        end = self.buffer.index(b"\n")
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return json.loads(line)


def prctl(option, value):
    if LIBC is not None:
        LIBC.prctl(option, value, 0, 0, 0)


class Recent:
    """The last few results of an expensive function of a job's text: a file's functions are judged one after
    another against the same module, a search's candidates against the same checks."""

    def __init__(self, make, size=16):
        self.make = make
        self.size = size
        self.items = {}

    def get(self, *key):
        if key in self.items:
            self.items[key] = self.items.pop(key)
            return self.items[key]
        value = self.items[key] = self.make(*key)
        while len(self.items) > self.size:
            del self.items[next(iter(self.items))]
        return value


class Sources:
    """The project's modules compiled here, once per version of each file, for the children to import: each child
    would compile them again from source (no ``.pyc`` is written for them), which for a large package costs more
    than running its examples. Installed as ``SourceFileLoader.source_to_code``, so an import gets the code
    compiled here when the file's bytes are the ones compiled, and compiles as usual otherwise."""

    LIMIT = 256  # files of one package compiled ahead
    # a check sends one job per function of a file: the package is walked once for all of them, and a file edited
    # within this time is compiled by the child that imports it (the bytes no longer match), as without this
    FRESH_SECONDS = 2.0

    def __init__(self):
        self.codes = {}  # path -> (stat key, bytes, code)
        self.walked = {}  # package folder -> when it was last walked
        import importlib.machinery

        loader = importlib.machinery.SourceFileLoader
        original, codes = loader.source_to_code, self.codes

        def source_to_code(self, data, path, *, _optimize=-1):
            hit = codes.get(path)
            if hit is not None and _optimize == -1 and hit[1] == data:
                return hit[2]
            return original(self, data, path, _optimize=_optimize)

        loader.source_to_code = source_to_code

    def ahead(self, job):
        """Before a job's child is forked: every module of the job's package (or the job's own file)."""
        folder, module = job.get("sys_path"), job.get("module") or ""
        if not folder or not job.get("path"):
            return
        top = os.path.join(folder, module.split(".")[0])
        paths = [job["path"]]
        if job.get("package") and os.path.isdir(top):
            now = time.monotonic()
            if now - self.walked.get(top, -self.FRESH_SECONDS) < self.FRESH_SECONDS:
                return
            self.walked[top] = now
            for base, dirs, files in os.walk(top):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
                paths += [os.path.join(base, f) for f in files if f.endswith(".py")]
                if len(paths) > self.LIMIT:
                    break
        for path in paths[:self.LIMIT]:
            self.compile(path)

    def compile(self, path):
        try:
            stat = os.stat(path)
            key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if path in self.codes and self.codes[path][0] == key:
                return
            with open(path, "rb") as fh:
                data = fh.read()
            if len(self.codes) >= 4 * self.LIMIT:  # a long-lived server's worker sees many projects
                del self.codes[next(iter(self.codes))]
            self.codes[path] = (key, data, compile(data, path, "exec", dont_inherit=True))
        except BaseException:  # noqa: BLE001 -- the child's import reports it, as it would without this
            self.codes.pop(path, None)


def compile_module(source, filename):
    try:
        return compile(source, filename, "exec", dont_inherit=True)
    except BaseException as exc:  # noqa: BLE001 -- the child reports it as the module failing to load
        return exc


def compile_examples(name, examples):
    return CHILD.compile_examples({"name": name, "examples": [dict(e) for e in examples]})


class Job:
    """One program: fork, watch, kill, report."""

    def __init__(self, worker, job):
        self.worker = worker
        self.job = job
        self.limits = Limits(**job["limits"])
        self.nonce = job["nonce"].encode()
        self.records = bytearray()
        self.parsed = 0
        self.output = bytearray()
        self.output_size = 0
        self.ended = False
        self.example_deadline = None
        self.timeout = None
        # a child reports at most a few capped texts per example; more than that is a flood
        self.records_cap = (len(job["examples"]) + 4) * (4 * self.limits.output_bytes + 16384) + (1 << 20)

    def context_code(self):
        """The user's module, compiled (and kept for the next job on the same text)."""
        context = self.job.get("context") or ""
        filename = self.job.get("path") or "<module>"
        return self.worker.modules.get(context, filename) if context.strip() else None

    def prepare(self, workdir):
        """What the child runs, as ``enter(fd, workdir, confine)``. Everything the child needs is made here,
        before the fork: a child's every write to memory it shares with this worker costs a page copy, so the
        less it does before running the program, the cheaper it is."""
        examples = self.worker.examples.get(self.job["name"],
                                            tuple(tuple(sorted(e.items())) for e in self.job["examples"]))
        judge = CHILD.Judge(self.job, examples, self.context_code())
        return lambda fd, folder, confine: CHILD.main(judge, fd, folder, confine)

    def run(self):
        worker = self.worker
        workdir = worker.fresh_folder()
        if self.job.get("mirror"):
            worker.linked[workdir] = mirror(self.job["mirror"], workdir)
        enter = self.prepare(workdir)
        rec_r, rec_w = os.pipe()
        out_r, out_w = os.pipe()
        restore = CHILD.process_state(self.job, workdir)
        try:
            prepared, failed = prepare_child(self.limits, workdir, self.job.get("read") or ()), None
        except Exception as exc:  # noqa: BLE001 -- the child reports it, as when confining itself fails
            prepared, failed = None, exc
        needed = prepared.fds() if prepared is not None else ()
        # the results pipe sits at an unremarkable number and is not inherited by exec'd programs
        keep = 100 + int.from_bytes(os.urandom(2), "little") % 900
        while keep in needed:
            keep += 1
        spans, low = [], 3
        for fd in sorted((*needed, keep)):
            spans.append((low, fd))
            low = fd + 1
        spans.append((low, 1 << 16))
        if prepared is not None:
            # set by the child as it confines itself (after its uid changes), which then checks this worker is
            # still its parent, so a child whose worker died before has no way to run on
            prepared.death, prepared.parent = signal.SIGKILL, worker.pid
        null = worker.null()
        worker.trim()
        started = time.monotonic()
        pid = self.fork()
        if pid == 0:  # the child: nothing of the worker's but the results pipe stays open
            # Every page the child writes before the program runs is a copy: all that can be is worked out above.
            try:
                gc.freeze()  # the worker's objects: the child's collections need not visit (and copy) them
                os.dup2(out_w, 1)
                os.dup2(out_w, 2)
                os.dup2(null, 0)
                os.dup2(rec_w, keep, inheritable=False)
                for low, high in spans:
                    os.closerange(low, high)
                if failed is not None:
                    raise failed
                enter(keep, workdir, lambda folder: enter_child(prepared))
            except BaseException:  # noqa: BLE001 -- a fault of the harness itself; the runner sees no end record
                import traceback

                os.write(2, traceback.format_exc().encode(errors="replace")[-4000:])
            finally:
                os._exit(0)
        restore()
        if prepared is not None:
            prepared.close()
        os.close(rec_w)
        os.close(out_w)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        exited = self.watch(pid, rec_r, out_r, started)
        # Every process of the program is signalled here, at once; the worker does not wait for them to be
        # gone (they can neither run nor fork again) and reaps them after the report.
        kill_group(pid, wait=False)
        worker.killed.add(pid)
        # A child that ended by itself is a zombie: its status is there at once. One that reported its end or
        # ran out of time is reaped later, so the report need not wait for the kernel to tear it down.
        status = None
        if exited and not self.ended:
            status = os.waitpid(pid, 0)[1]
            worker.killed.discard(pid)
        self.drain(rec_r, out_r)
        os.close(rec_r)
        os.close(out_r)
        worker.control.send(
            {"id": self.job["id"], "pid": pid, "status": status, "timeout": self.timeout, "records": len(self.records),
             "output": len(self.output), "output_cut": self.output_size > len(self.output),
             "seconds": time.monotonic() - started},
            bytes(self.records), bytes(self.output))
        worker.used.append(workdir)

    def fork(self):
        """``os.fork``, waiting a little while the worker's cgroup is full of the last programs' processes, which
        were all killed but may not all be gone."""
        stop = time.monotonic() + 5.0
        while True:
            try:
                return os.fork()
            except BlockingIOError:
                if time.monotonic() > stop:
                    raise
                self.worker.sweep()
                time.sleep(0.005)

    def watch(self, pid, rec_r, out_r, started):
        """Relay until the child reports its end, exits, or runs out of time; True when it exited."""
        program_deadline = started + self.limits.program_seconds
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        control = self.worker.control
        watched = [rec_r, out_r, control.sock.fileno()] + ([pidfd] if pidfd is not None else [])
        # A quick program is reported in one message; one that runs a while is announced first, so the runner
        # can kill its process group should this worker stop answering.
        announce = started + ANNOUNCE_SECONDS
        try:
            while not self.ended:
                if control.pending() and self.cancelled():
                    return False
                now = time.monotonic()
                if announce and now >= announce:
                    control.send({"id": self.job["id"], "pid": pid})
                    announce = None
                deadline = min(program_deadline, self.example_deadline or program_deadline)
                if now >= deadline:
                    self.timeout = "example" if deadline < program_deadline else "program"
                    return False
                wake = min(deadline, announce or deadline)
                wait = wake - now if pidfd is not None else min(wake - now, 0.02)
                ready, _, _ = select.select(watched, [], [], wait)
                if rec_r in ready and not self.read_records(rec_r):
                    watched.remove(rec_r)
                if out_r in ready and not self.read_output(out_r):
                    watched.remove(out_r)
                if control.sock.fileno() in ready:
                    try:
                        control.fill()
                    except (EOFError, OSError):
                        self.timeout = "cancelled"
                        self.worker.closing = True
                        return False
                if len(self.records) > self.records_cap:
                    self.timeout = "flood"
                    return False
                if pidfd is not None and pidfd in ready:
                    return True
                if pidfd is None and os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                    return True  # exited; reaped only after its group is killed, so its pid cannot be reused
        finally:
            if pidfd is not None:
                os.close(pidfd)
        return False

    def cancelled(self):
        while self.worker.control.pending():
            message = self.worker.control.line()
            if message.get("cancel") == self.job["id"]:
                self.timeout = "cancelled"
                return True
        return False

    def read_records(self, fd):
        data = os.read(fd, 1 << 16)
        if not data:
            return False
        self.records += data
        self.scan()
        return True

    def scan(self):
        """Follow the frames far enough to time each example and see the end; the runner checks the rest."""
        while True:
            end = self.records.find(b"\n", self.parsed)
            if end < 0:
                return
            fields = bytes(self.records[self.parsed:end]).split(b" ")
            try:
                nonce, _, kind, index, length = fields
                length = int(length)
            except ValueError:
                self.parsed = 1 << 62  # garbled: stop following, keep relaying
                return
            if end + 1 + length > len(self.records):
                return
            self.parsed = end + 1 + length
            if nonce != self.nonce:
                continue
            if kind == b"start":
                self.example_deadline = time.monotonic() + self.limits.example_seconds
            elif kind == b"done":
                self.example_deadline = None
            elif kind == b"end":
                self.ended = True

    def read_output(self, fd):
        data = os.read(fd, 1 << 16)
        if not data:
            return False
        room = self.limits.output_bytes - len(self.output)
        if room > 0:
            self.output += data[:room]
        self.output_size += len(data)
        return True

    def drain(self, rec_r, out_r):
        """What is left in the pipes once the child's group is dead (a survivor holding them cannot stall us)."""
        for fd, read in ((out_r, self.read_output),) if self.ended else ((rec_r, self.read_records), (out_r, self.read_output)):
            os.set_blocking(fd, False)
            try:
                while read(fd) and len(self.records) <= self.records_cap:
                    pass
            except BlockingIOError:
                pass


class Worker:
    job_class = Job

    def __init__(self, control, root):
        self.control = control
        self.root = root
        self.pid = os.getpid()
        self.trash = os.path.join(root, "trash")
        self.modules = Recent(compile_module, size=8)
        self.examples = Recent(compile_examples, size=64)
        self.closing = False
        self.killed = set()  # processes signalled to die, not yet reaped
        self.used = []
        self.linked = {}  # scratch folder -> the names ``mirror`` made in it
        self.sources = Sources()
        self.ready_folder = None
        self.folders = 0
        self.unloaded = [name for name in PRELOAD if name not in sys.modules]
        try:
            self.children_file = open("/proc/self/task/%d/children" % self.pid, "rb", buffering=0)
        except OSError:
            self.children_file = None
        self.devnull = None
        self.jobs = 0
        from seidr.runners.confine import seal_worker
        from seidr.runners.sandbox import plan

        found = plan()
        self.shm = found.shm  # a /dev/shm of this worker's own, which programs may write: emptied after each
        seal_worker(found)

    def trim(self):
        """Every ``TRIM_EVERY`` jobs, give the memory the worker has freed back to the system: a page it holds is
        a page table entry every fork copies and every child's exit tears down again. (Not every job: each call
        releases every free range of the heap again, one system call each.)"""
        self.jobs += 1
        if LIBC is not None and self.jobs % TRIM_EVERY == 1:
            LIBC.malloc_trim(0)

    def null(self):
        """``/dev/null``, opened once: each child reads it as its standard input."""
        if self.devnull is None:
            self.devnull = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        return self.devnull

    def sweep(self):
        """Kill what the last programs left behind, reaping without waiting; the number still there. As a child
        subreaper this worker inherits every orphan of its children, ``setsid`` daemons included."""
        for pid in self.children():
            if pid not in self.killed:  # an orphan: a program's own process that left its group
                kill_group(pid, wait=False)
                self.killed.add(pid)
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
            self.killed.discard(pid)
        return len(self.children())

    def children(self):
        if self.children_file is not None:
            self.children_file.seek(0)
            return [int(p) for p in self.children_file.read().split()]
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open("/proc/%s/stat" % entry, "rb") as fh:
                        fields = fh.read().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.pid:
                    found.append(int(entry))
        return found

    def fresh_folder(self):
        """A new, empty scratch folder for the next child (made ahead while idle)."""
        folder, self.ready_folder = self.ready_folder, None
        if folder is None or not os.path.isdir(folder):
            self.folders += 1
            folder = os.path.join(self.root, "run-%d-%d" % (self.pid, self.folders))
            os.mkdir(folder, 0o700)
        return folder

    def between_jobs(self):
        """While no job waits: finish off the last program (its exit, what it left running, its folder) and make
        the next folder; all of it after the report went out, so the runner is not kept waiting for it."""
        delay = 0.001
        self.sweep()  # reaped even when a job waits: the cgroup counts unreaped children against its limit
        while not self.control.pending() and self.sweep():
            if select.select([self.control.sock], [], [], delay)[0]:
                break
            delay = min(delay * 2, 0.25)
        while self.used:
            self.discard(self.used.pop())
        if self.shm:  # nothing one program leaves there reaches the next
            empty("/dev/shm")
        if self.ready_folder is None:
            self.ready_folder = self.fresh_folder()
        self.tidy()
        while self.unloaded and not self.control.pending():
            self.preload([self.unloaded[0]])
            if select.select([self.control.sock], [], [], 0)[0]:
                return

    def preload(self, names):
        """Import these of ``PRELOAD`` here, once, so the children forked from now on start with them."""
        names = [name for name in dict.fromkeys(names) if name in self.unloaded]
        for name in names:
            self.unloaded.remove(name)
            try:
                __import__(name)
            except ImportError:
                pass
        if names:
            CHILD.snapshot_preloaded()
            gc.collect()
            gc.freeze()

    def preload_for(self, job):
        """Before a job's child is forked: the modules of ``PRELOAD`` its code and its examples import."""
        if self.unloaded:
            sources = [job.get("context") or "", job.get("code") or ""]
            sources += [str(example.get("source") or "") for example in job.get("examples") or ()]
            self.preload(imported("\n".join(sources)))

    def discard(self, workdir):
        """Remove an empty scratch folder now; a full one moves aside and goes while the worker is idle."""
        for name in self.linked.pop(workdir, ()):
            try:
                os.unlink(os.path.join(workdir, name))  # a link, or what the program put in its place
            except OSError:
                pass
        try:
            os.rmdir(workdir)
        except OSError:
            os.makedirs(self.trash, exist_ok=True)
            try:
                os.rename(workdir, os.path.join(self.trash, os.path.basename(workdir)))
            except OSError:
                import shutil

                shutil.rmtree(workdir, ignore_errors=True)

    def finish(self):
        """Before the worker exits: nothing of its programs may outlive it (orphans would go to init)."""
        stop = time.monotonic() + 2.0
        while self.sweep() and time.monotonic() < stop:
            time.sleep(0.005)

    def tidy(self):
        """Delete moved-aside scratch folders one at a time until a message comes."""
        while not self.control.pending():
            try:
                names = os.listdir(self.trash)
            except OSError:
                return
            if not names:
                return
            make_writable(os.path.join(self.trash, names[0]))
            import shutil

            shutil.rmtree(os.path.join(self.trash, names[0]), ignore_errors=True)
            if select.select([self.control.sock], [], [], 0)[0]:
                return

    def serve(self):
        while True:
            self.between_jobs()
            try:
                message = self.control.line()
            except EOFError:
                self.finish()
                return
            if "cancel" in message:
                continue  # the job it named has already ended
            try:
                self.preload_for(message)
                self.sources.ahead(message)
                self.job_class(self, message).run()
            except OSError:
                self.finish()
                return  # the runner is gone
            if self.closing:
                self.finish()
                return


def imported(text):
    """The modules a piece of source imports at the start of a line (``import a.b, c as d``, ``from a.b import
    x``), each dotted name with its leading parts: enough to know which of ``PRELOAD`` a job's code needs."""
    names = []
    for source, listed in IMPORT_LINE.findall(text):
        for dotted in [source] if source else [part.split()[0] for part in listed.split(",") if part.strip()]:
            parts = dotted.split(".")
            names += [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
    return names


def make_writable(folder):
    """A program may have taken the write bit off its own folders; give it back so they can be removed. Never
    through a link: a program's link to a folder it does not own must not get that folder chmod'ed."""
    for path, dirs, _ in os.walk(folder):
        for name in dirs:
            try:
                fd = os.open(os.path.join(path, name), os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                os.chmod("/proc/self/fd/%d" % fd, 0o700)  # the folder that fd holds, whatever its mode
            except OSError:
                pass
            finally:
                os.close(fd)


def empty(folder):
    """Remove what is in ``folder``, never through a link, and keep the folder."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            import shutil

            make_writable(path)
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def mirror(rootdir, workdir):
    """Link each entry of the project's ``rootdir`` into the empty scratch folder ``workdir``, where the user's
    own code runs: relative paths read the project as they do under pytest, run from its rootdir, while what the
    code writes stays in the scratch folder (the project itself is read-only to it). The names linked."""
    try:
        names = os.listdir(rootdir)
    except OSError:
        return []
    made = []
    for name in names:
        try:
            os.symlink(os.path.join(rootdir, name), os.path.join(workdir, name))
            made.append(name)
        except OSError:
            pass
    return made


def main(worker_class=Worker, warmup=None):
    """Serve jobs on the control socket; ``warmup`` imports what a kind of worker needs beyond ``PRELOAD``, once,
    before the worker says it is ready."""
    control = Control(socket.socket(fileno=int(sys.argv[1])))
    root = sys.argv[2]
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    warm()
    CHILD.snapshot_preloaded()
    if warmup is not None:
        warmup()
    worker = worker_class(control, root)
    gc.collect()
    gc.freeze()  # forked children then do not copy the preloaded objects when the collector touches them
    control.send({"ready": os.getpid()})
    worker.serve()


if __name__ == "__main__":
    main()
