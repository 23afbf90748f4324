"""The sandbox every runner uses for candidate code: isolation level, the workers' view of the machine,
per-program confinement, process control.

API (stable): ``isolation()``, ``worker_argv()``, ``clean_env()``, ``confine_child()`` (and ``warm()`` for the
workers that fork confined children, and ``prepare_child()`` + ``enter_child()``, the same confinement split
between a worker before it forks and its child), ``kill_group()``, ``run_process()``.

Layers, outermost first; ``isolation()`` tries each for real once and says which hold and why not, and a
layer that cannot be applied is reported, never silently dropped:

- **wrapper**: bwrap (no network, IPC or UTS namespace shared; capabilities dropped but those a worker needs
  to confine its children, kill them and remove what they leave: setuid, setgid, chown, kill, dac_override,
  fowner; a program loses them all with its uid) > ``unshare --net`` > none.
- **file system view** (bwrap): the root read-only; a tmpfs over /root, /home and $HOME that re-binds,
  read-only, only the Python installation, the entries of ``sys.path`` (site-packages, the venv), seidr itself
  and the folders a caller names (the project); /tmp writable. Secrets in the home (``~/.ssh``, tokens) are
  simply not there. Compiled programs (``run_process``) also get their own pid namespace and may write only
  their folder and the folders the caller names.
- **per program** (``confine.py``, before any of its code runs): its own process group; a pids and memory
  cgroup (``cgroups.py``: its worker's, which it is born in, or one of its own for a compiled run); CPU, address-space, file-size, core, open-file limits; a uid of its own
  (BASE + pid << 8 + slot, BASE = 2**30 or ``$SEIDR_SANDBOX_UID_BASE``) so RLIMIT_NPROC counts only its
  processes, it owns only its folder, and it cannot signal or read other programs, the worker or the judge;
  no_new_privs; Landlock (``landlock.py``: writes only to its folder, no TCP, signals only within its own
  processes); a seccomp deny list (``seccomp.py``: no sockets but AF_UNIX, no ptrace, no mount or
  namespaces); an environment without secrets; output capped by the reader.
- **cleanup**: ``kill_group`` kills the program's group and every process of its uid in its cgroup (a
  double-forked ``setsid`` daemon included; without cgroups, ``kill(-1)`` as its uid), and for compiled
  programs the whole pid namespace and cgroup.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from collections.abc import Mapping, Sequence

from seidr.runners import cgroups
from seidr.runners.confine import (BOOT, PLAN_ENV, Plan, Prepared, SandboxError, apply, as_uid, confine, helper_args,
                                   libc, prepare, process_limit, program_uid, run_cgroup, start_worker, uid_base,
                                   worker_cgroup)
from seidr.runners.confine import warm as _warm_layers
from seidr.runners.limits import Limits

__all__ = ["Isolation", "ProcessResult", "SandboxError", "clean_env", "confine_child", "enter_child", "isolation",
           "kill_group", "prepare_child", "run_process", "warm", "worker_argv"]

# asyncio, subprocess, tempfile and json are imported where they are used: warm workers import this module to
# confine the children they fork, and the threading those bring makes every fork dearer.

_SECRET = re.compile(r"(_API_KEY|_TOKEN|_SECRET|_PASSWORD|_CREDENTIALS?)$|^(API_KEY|TOKEN|SECRET)$", re.I)
_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "PYTHONIOENCODING", "TERM")
_RUNNERS = os.path.dirname(os.path.abspath(__file__))
_PR_SET_DUMPABLE = 4


@dataclass(frozen=True)
class Isolation:
    level: str  # "bwrap" | "unshare" | "none"
    detail: str
    layers: tuple[tuple[str, bool, str], ...] = ()  # (layer, active, why) for `seidr doctor`
    plan: Plan = field(default_factory=Plan)  # what each program's process applies to itself

    @property
    def complete(self) -> bool:
        return all(active for name, active, _ in self.layers if name not in ("bwrap", "unshare"))


# Namespaces: no network, own IPC and host name; compiled programs also their own pid space (so killing the
# wrapper kills every process they started). Run as root, bwrap would keep every capability unless told.
_BWRAP_NS = ("--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent")
# a private /dev, with a /dev/shm of its own that anyone in the sandbox may write (multiprocessing's locks)
_BWRAP_DEV = ("--dev", "/dev", "--perms", "01777", "--tmpfs", "/dev/shm", "--proc", "/proc")
# to confine its children, kill them, and remove the files they leave in folders that are theirs
_WORKER_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER")
_HELPER_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN")
_UNSHARE_RUN = ("--net", "--pid", "--fork", "--kill-child", "--mount-proc")
# by path: a caller may start workers with a PATH that does not hold it
_ENV = next((p for p in ("/usr/bin/env", "/bin/env") if os.path.exists(p)), "env")


def _which(name: str) -> str | None:
    import shutil  # here, not at the top: a worker imports this module and never needs it (nor bz2, lzma, zlib)

    return shutil.which(name)


def _works(argv: Sequence[str]) -> tuple[str | None, bool]:
    """Run the wrapper once around ``true``: None when it works, else why not; and whether that answer would
    hold next time (a wrapper that could not be started or timed out may work once the machine is less busy)."""
    import subprocess

    try:
        done = subprocess.run([*argv, "/bin/true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc), False
    return (None if done.returncode == 0 else (done.stderr.decode(errors="replace").strip() or "failed")), True


def _caps(keep: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return []  # unprivileged bwrap runs in a user namespace and takes no capability options
    return ["--cap-drop", "ALL", *(arg for cap in keep for arg in ("--cap-add", cap))]


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


@functools.lru_cache(maxsize=1)
def _hidden() -> tuple[str, ...]:
    """Home folders the view covers with an empty tmpfs."""
    out: list[str] = []
    for home in ("/root", "/home", os.path.expanduser("~")):
        real = os.path.realpath(home)
        if real.count("/") >= 1 and real != "/" and os.path.isdir(real) and not any(_within(real, o) for o in out):
            out = [o for o in out if not _within(o, real)] + [real]
    return tuple(out)


def _needed(extra: Sequence[str] = ()) -> list[str]:
    """What a worker must read beneath a hidden home: Python, ``sys.path``, seidr, and ``extra``. Never a
    home itself (nor a folder holding one), so a project opened at ``~`` does not expose ``~/.ssh``."""
    # the top package's folders (the runners sit below it, so it is loaded: read, not imported)
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *sys.path,
             *getattr(sys.modules.get("seidr"), "__path__", []), _RUNNERS, *extra]
    found: list[str] = []
    for path in paths:
        if not path or not os.path.exists(path):
            continue
        for candidate in dict.fromkeys((os.path.abspath(path), os.path.realpath(path))):
            hidden = [h for h in _hidden() if _within(candidate, h)]
            if hidden and not any(_within(h, candidate) for h in _hidden()):
                found.append(candidate)
    found = sorted(set(found))
    return [p for p in found if not any(p != q and _within(p, q) for q in found)]


def _view(readable: Sequence[str], writable: Sequence[str]) -> list[str]:
    """bwrap's file system: everything read-only, homes hidden but what must be read, ``writable`` bound
    read-write."""
    args = ["--ro-bind", "/", "/"]
    for home in _hidden():
        args += ["--tmpfs", home]
    made: set[str] = set()
    for path in _needed(readable):
        # bwrap makes missing parents 0700, which would hide the binding from the program's uid
        home = next(h for h in _hidden() if _within(path, h))
        parts = os.path.relpath(os.path.dirname(path), home).split(os.sep)
        for depth in range(1, len(parts) + 1) if parts != ["."] else ():
            parent = os.path.join(home, *parts[:depth])
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
        args += ["--ro-bind", path, path]
    for path in dict.fromkeys(writable):
        if os.path.isdir(path):
            args += ["--bind", path, path]
    return [*args, *_BWRAP_DEV]


def _worker_prefix(level: str, readable: Sequence[str] = (), cgroup_bases: Sequence[str] = ()) -> list[str]:
    import tempfile

    if level == "bwrap":
        return [_which("bwrap") or "bwrap", *_BWRAP_NS, *_caps(_WORKER_CAPS),
                *_view(readable, [tempfile.gettempdir(), *cgroup_bases])]
    if level == "unshare":
        return [_which("unshare") or "unshare", "--net"]
    return []


def _helper(*args: str) -> list[str]:
    """A bare interpreter that imports only ``confine`` (and its layers) and runs ``confine.main(args)``."""
    return [sys.executable, "-S", "-E", "-s", "-B", "-c", BOOT, _RUNNERS, *args]


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """The strongest isolation this machine allows, with a line that says which and why. Each wrapper is
    tried once for real, then a probe applies every per-program layer inside it and checks that it holds.
    What they find is kept on disk (``probe.load_cached``) under a digest of everything it depends on, so a
    later process repeats them only once something changed."""
    from seidr.runners import probe

    where, _ = cgroups.bases(create=True)
    if where:
        cgroups.sweep(where, uid_base())
        atexit.register(_release, os.getpid(), where)
    wrappers = [_which(name) for name in ("bwrap", "unshare")]
    key = probe.machine_key(wrappers, [*_needed_raw(), _tempdir()], _hidden(), where)
    found = probe.load_cached(key)
    _FROM_CACHE[:] = [found is not None]
    if found is None:
        found = _find(wrappers, where)
        if found["settled"]:
            probe.store(key, found)
    level, plan = found["level"], Plan.from_json(found["plan"])
    plan.cgroups = where if found["cgroups"] else {}
    iso = Isolation(level, "", tuple(tuple(layer) for layer in found["layers"]), plan)
    return Isolation(level, _detail(iso), iso.layers, plan)


_FROM_CACHE: list[bool] = []


def reprobe() -> bool:
    """When ``isolation()`` came from the disk cache: forget it and probe again (a worker that cannot start
    under it may mean the machine changed in a way the key missed). False when it was probed already."""
    if not _FROM_CACHE or not _FROM_CACHE[0]:
        return False
    forget_probe()
    isolation()
    return True


def forget_probe() -> None:
    """Probe again on the next ``isolation()``, here and in later processes."""
    from seidr.runners import probe

    probe.forget()
    isolation.cache_clear()
    plan.cache_clear()


def _tempdir() -> str:
    import tempfile

    return tempfile.gettempdir()


def _find(wrappers: list[str | None], where: dict[str, str]) -> dict:
    """Try each wrapper and run the probe inside the strongest: the level, every layer's line, the plan (but
    its cgroups: ``cgroups`` says whether they hold), and whether all of it would come out the same next time
    (the probe ran; no wrapper failed to start or timed out)."""
    layers: list[tuple[str, bool, str]] = []
    level = "none"
    settled = True
    for name, path in zip(("bwrap", "unshare"), wrappers):
        if not path:
            layers.append((name, False, f"not installed (Debian package {'bubblewrap' if name == 'bwrap' else 'util-linux'})"))
            continue
        probe_argv = [path, *_BWRAP_NS, "--ro-bind", "/", "/", *_BWRAP_DEV] if name == "bwrap" \
            else [path, *_UNSHARE_RUN]
        why, certain = _works(probe_argv)
        settled = settled and certain
        what = ("no network; home hidden but Python and the project; read-only but /tmp; compiled programs in "
                "their own pid space" if name == "bwrap" else "no network; compiled programs in their own pid space"
                if level == "none" else "works; used only where bwrap is missing")
        layers.append((name, why is None, what if why is None else f"does not run here: {why.splitlines()[0]}"))
        if why is None and level == "none":
            level = name
    if level == "bwrap":
        layers.append(("home hidden", True, f"tmpfs over {', '.join(_hidden())}; Python, seidr and the project "
                                            "re-bound read-only"))
    else:
        layers.append(("home hidden", False, "needs bwrap: programs can read what your user can"))
    found = _probe(level, where)
    plan = Plan.from_json(found["plan"]) if found else Plan()
    layers.append(("rlimits", True, "CPU, address space, file size, core, open files"
                   + (", processes" if plan.uid or os.geteuid() else " (processes: root is exempt)")))
    if found:
        layers += [tuple(layer) for layer in found["layers"]]
    else:
        layers += [(n, False, "the probe did not run") for n in ("cgroups", "uid drop", "no_new_privs", "landlock",
                                                                 "seccomp")]
    cgroups_held = bool(plan.cgroups)
    plan.cgroups = {}
    return {"level": level, "layers": layers, "plan": plan.to_json(), "cgroups": cgroups_held,
            "settled": settled and found is not None}


def _guard_judge(plan: Plan) -> None:
    """Without a uid of their own, programs run as the judge's user, who may read the /proc environ of any
    dumpable process of theirs: the judge (which holds the API keys) makes itself not dumpable, so its
    /proc files belong to root."""
    if not plan.uid:
        libc().prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _release(owner: int, where: dict[str, str]) -> None:
    """At exit: remove this process's cgroups, not in a forked child that happens to run exit handlers."""
    if os.getpid() == owner:
        cgroups.release(where)


def _detail(iso: Isolation) -> str:
    missing = [f"{name} ({why})" for name, active, why in iso.layers
               if not active and name not in ("bwrap", "unshare")]
    if iso.level == "none":
        head = "none: no namespace isolation (bwrap and unshare unavailable)"
    elif iso.level == "unshare":
        head = "unshare: no network, compiled programs in their own pid space"
    else:
        head = "bwrap: no network, read-only system, home hidden, compiled programs in their own pid space"
    on = [name for name, active, _ in iso.layers if active and name not in ("bwrap", "unshare", "home hidden")]
    line = f"{head}; per program: {', '.join(on) or 'nothing'}"
    if missing:
        line += f"; missing: {'; '.join(missing)} (warning)"
    return line


def _probe(level: str, where: dict[str, str]) -> dict | None:
    """Run the probe inside the wrapper workers get; its report, or None when it could not run."""
    import json
    import subprocess

    argv = [*_worker_prefix(level, cgroup_bases=list(where.values())), *_helper("probe", *_needed_raw())]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=30,
                              env=clean_env(extra={PLAN_ENV: Plan(cgroups=where).to_json()}))
        found = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    import shutil

    shutil.rmtree(found.get("workdir", ""), ignore_errors=True)
    where = Plan.from_json(found["plan"]).cgroups
    if where:
        cgroups.kill(where, str(found["pid"]))
    return found


def _needed_raw() -> list[str]:
    """What the probe checks that a program's uid can read: Python's stdlib and sys.path, and seidr; not a
    home itself (or a folder holding one), which the view hides even when it is on sys.path."""
    paths = dict.fromkeys([os.path.dirname(os.__file__), *sys.path, _RUNNERS])
    return [p for p in paths if p and os.path.exists(p)
            and not any(_within(home, os.path.realpath(p)) for home in _hidden())]


@functools.lru_cache(maxsize=1)
def plan() -> Plan:
    """The layers this process's programs get: from the worker's environment (the worker then takes its
    cgroup), else from ``isolation()``."""
    if _WORKER_PLAN:
        return _WORKER_PLAN[0]
    found = Plan.from_env()
    if found is not None:  # a worker's plan, kept: its environment is cleaned before each child's fork
        _WORKER_PLAN.append(found)
    found = found or isolation().plan
    if found.worker:
        start_worker(found, Limits())
    _warm_layers(found)
    return found


_WORKER_PLAN: list[Plan] = []


def warm() -> None:
    """In a long-lived worker before it forks: take its cgroup and look up what ``confine_child`` uses, once,
    so each child it forks need not."""
    plan()


def worker_argv(argv: Sequence[str], readable: Sequence[str] = (), loopback: bool = False) -> list[str]:
    """Wrap the command that starts a long-lived worker in the isolation ``isolation()`` reports.
    ``readable``: folders its programs must read that may lie in a hidden home (the user's project; the
    current folder is added when it is a project below a home). The worker keeps the host's pid space so
    pids it reports name the same processes for a ``kill_group`` called outside it; secrets in this
    process's environment are removed from its own, and the plan of layers travels in ``SEIDR_SANDBOX``."""
    iso = isolation()
    _guard_judge(iso.plan)
    if iso.plan.cgroups:
        cgroups.sweep(iso.plan.cgroups, uid_base())  # the cgroups of workers that have ended
    folders = [*readable, os.getcwd()]
    secrets = [name for name in os.environ if _SECRET.search(name)]
    # under bwrap the worker has a network namespace of its own: /dev/shm and, for the user's own code (``loopback``),
    # TCP on its loopback confine nothing outside it
    private = iso.level == "bwrap"
    setting = {"SEIDR_SANDBOX": Plan(**{**iso.plan.as_dict(), "worker": True, "shm": private,
                                        "loopback": loopback and private}).to_json()}
    prefix = _worker_prefix(iso.level, folders, list(iso.plan.cgroups.values()))
    if iso.level == "bwrap":
        env = [*(a for name in secrets for a in ("--unsetenv", name)),
               *(a for k, v in setting.items() for a in ("--setenv", k, v))]
        return [*prefix, *env, *argv]
    env = [_ENV, *(a for name in secrets for a in ("-u", name)), *(f"{k}={v}" for k, v in setting.items())]
    return [*prefix, *env, *argv]


def clean_env(env: Mapping[str, str] | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for candidate code: a few harmless variables, never a key, token or secret."""
    source = os.environ if env is None else env
    out = {k: v for k, v in source.items() if k in _KEEP and not _SECRET.search(k)}
    out.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    out["PYTHONDONTWRITEBYTECODE"] = "1"
    if extra:
        out.update({k: v for k, v in extra.items() if not _SECRET.search(k)})
    return out


def confine_child(limits: Limits, workdir: str | None = None, read: Sequence[str] = ()) -> None:
    """Call in a freshly forked child before any candidate code runs: every layer of the plan (see the
    module's docstring), the environment cleaned, ``workdir`` (made by the worker, handed to the program's
    uid here) as working, home and temp folder. Raises SandboxError if a layer that ``isolation()`` reported
    cannot be applied: the program must then not run. Call ``kill_group(pid)`` after every program.
    ``read``: the user's folders the program imports from."""
    confine(limits, workdir, plan(), read=read)
    keep = clean_env(os.environ, {"HOME": workdir, "TMPDIR": workdir} if workdir else None)
    os.environ.clear()
    os.environ.update(keep)
    if "tempfile" in sys.modules:  # else it reads TMPDIR when first imported
        sys.modules["tempfile"].tempdir = workdir
    sys.dont_write_bytecode = True


def prepare_child(limits: Limits, workdir: str | None = None, read: Sequence[str] = ()) -> Prepared:
    """In a warm worker just before it forks a program's child: ``confine_child``'s work that need not happen in
    the child, done here, where it costs no page copies (a child pays for every page it writes). Leaves this
    process's environment as the child's must be (no secrets, ``workdir`` as home and temp folder). Raises
    SandboxError as ``confine_child`` would. Call ``enter_child`` in the child, ``close()`` it in the worker."""
    prepared = prepare(limits, workdir, plan(), read=read)
    keep = clean_env(os.environ, {"HOME": workdir, "TMPDIR": workdir} if workdir else None)
    for name in [name for name in os.environ if name not in keep]:
        del os.environ[name]
    for name, value in keep.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = workdir
    sys.dont_write_bytecode = True
    return prepared


# A child that cannot be confined exits with this status after one line "seidr: sandbox: <cause>": no
# program code has run by then, so the line is the harness's own.
CONFINE_FAILED = 125
CONFINE_MARK = b"seidr: sandbox: "


def enter_child(prepared: Prepared) -> None:
    """In the child, before any candidate code runs: apply what ``prepare_child`` worked out (see
    ``confine_child``); if a layer cannot be applied, say which and end the child (``CONFINE_FAILED``)."""
    try:
        apply(prepared)
    except BaseException as exc:  # noqa: BLE001 -- whatever stopped it, the program must not run
        os.write(2, CONFINE_MARK + f"{exc}".encode(errors="replace")[:500].replace(b"\n", b" ") + b"\n")
        os._exit(CONFINE_FAILED)


def confine_failure(status: int | None, output: bytes) -> str | None:
    """Why a child could not be confined, from its exit status and first output line; None if it was."""
    if status is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != CONFINE_FAILED:
        return None
    if not output.startswith(CONFINE_MARK):
        return None
    cause = output.split(b"\n", 1)[0][len(CONFINE_MARK):].decode(errors="replace")
    return f"the sandbox could not confine the program ({cause}); run `seidr doctor` to see which layer fails"


def kill_group(pid: int, wait: bool = True) -> None:
    """Kill the program led by ``pid``: its process group, the process itself if it left the group, and
    everything in its cgroup (processes that called setsid); without cgroups, every process of its uid.
    In a worker whose programs have uids of their own, one ``kill(-1)`` as the program's uid reaches all of
    its processes at once; ``wait=False`` then returns without waiting for them to be gone (none can run
    again, nor fork: the kernel holds forks off while it signals)."""
    _kill_leader(pid)
    p = plan()
    uid = program_uid(pid, base=p.uid_base)
    if p.uid and not wait and _single_threaded():
        _signal_all_as(uid)
        return
    if p.cgroups and p.uid:
        # in a worker its own cgroup; out here (a runner killing a worker's program) every worker's
        for name in [worker_cgroup()] if worker_cgroup() else cgroups.workers(p.cgroups):
            cgroups.kill_uid(p.cgroups, name, uid)
    elif p.cgroups and worker_cgroup():
        cgroups.kill_others(p.cgroups, worker_cgroup())  # programs share the worker's uid: one at a time
    elif p.uid:
        _kill_uid(uid)


def _kill_leader(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` at once: ``kill(-1)`` as that uid, which the kernel applies with forks
    held off (a scan of /proc would miss a child forked while it runs, and costs milliseconds). A
    single-threaded process (a worker) takes the uid for that one call, keeping root as its saved uid to come
    back; one with threads, which would all change uid with it, leaves it to a child."""
    if _single_threaded():
        _signal_all_as(uid)
        return
    pid = os.fork()
    if pid == 0:
        try:
            _signal_all_as(uid)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _single_threaded() -> bool:
    threading = sys.modules.get("threading")  # not imported here: it makes every later fork dearer
    return threading is None or threading.active_count() == 1


def _signal_all_as(uid: int) -> None:
    """``kill(-1, SIGKILL)`` with real and effective uid ``uid``, so it reaches only that uid's processes
    (never as root, which would reach every one)."""
    if uid != 0:
        as_uid(uid, _kill_all_mine)


def _kill_all_mine() -> None:
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass  # none left: the program had ended and been reaped


@dataclass(frozen=True)
class ProcessResult:
    returncode: int | None  # None when killed for time
    stdout: bytes
    stderr: bytes
    timed_out: bool
    seconds: float
    truncated: bool = False

    @property
    def signal(self) -> int | None:
        if self.returncode is not None and self.returncode < 0:
            return -self.returncode
        return None


async def _read_capped(stream: asyncio.StreamReader | None, cap: int, into: list[bytes], cut: list[bool]) -> None:
    """Read ``stream`` to its end, keeping the first ``cap`` bytes in ``into`` and noting a cut in ``cut``
    as it goes, so a timeout keeps what came."""
    if stream is None:
        return
    size = 0
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            break
        if size < cap:
            into.append(chunk[: cap - size])
        if size + len(chunk) > cap:
            cut.append(True)
        size += len(chunk)


_SLOTS: set[int] = set()


async def _slot() -> int:
    """A number 1..255 no other running program of this process holds: its uid's last byte."""
    import asyncio

    while True:
        free = next((n for n in range(1, 256) if n not in _SLOTS), None)
        if free is not None:
            _SLOTS.add(free)
            return free
        await asyncio.sleep(0.01)


def _run_prefix(level: str, writable: list[str], readable: list[str], cgroup_bases: list[str]) -> list[str]:
    if level == "bwrap":
        return [_which("bwrap") or "bwrap", *_BWRAP_NS, "--unshare-pid", *_caps(_HELPER_CAPS),
                *_view(readable, [*writable, *cgroup_bases]), "--chdir", "/"]  # the helper enters workdir
    if level == "unshare":
        return [_which("unshare") or "unshare", *_UNSHARE_RUN]
    return []


async def run_process(
    argv: Sequence[str],
    *,
    stdin: bytes | None = None,
    limits: Limits = Limits(),
    workdir: str | None = None,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    writable: Sequence[str] | None = None,
    readable: Sequence[str] = (),
) -> ProcessResult:
    """Run a compiled candidate (or any untrusted command) confined, with capped output, and kill its whole
    process group when it ends or runs out of ``timeout`` (default ``limits.program_seconds``).
    The program gets every per-program layer (through a small helper that confines itself and then execs
    ``argv``) and may write only ``workdir`` and ``writable`` (default: the temp folder, where callers keep
    report files); both are handed to its uid unless shared sticky folders like /tmp. ``readable``: folders
    in a home it must read (the folder of ``argv[0]`` is added)."""
    import asyncio
    import tempfile

    started = time.monotonic()
    iso = isolation()
    _guard_judge(iso.plan)
    folders = [p for p in (workdir, *(writable if writable is not None else [tempfile.gettempdir()])) if p]
    program = _which(argv[0]) or argv[0]
    slot = await _slot()
    try:
        uid = program_uid(os.getpid(), slot, iso.plan.uid_base)
        config = helper_args(iso.plan, limits, workdir, folders[1:] if workdir else folders, uid,
                             process_limit(limits, iso.plan))
        prefix = _run_prefix(iso.level, folders, [*readable, os.path.dirname(os.path.abspath(program))],
                             list(iso.plan.cgroups.values()))
        # no preexec_fn: without one the child is spawned, not forked from this (large) process; the helper
        # takes its own process group, cgroup and limits
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            *_helper(*config, "--"),
            *argv,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=workdir,
            env=clean_env() if env is None else dict(env),
            start_new_session=True,
        )
        try:
            return await _communicate(proc, stdin, limits, timeout or limits.program_seconds, started,
                                      bool(prefix))
        finally:
            # on every way out, a cancellation included: the group (and with a wrapper its pid namespace)
            # is already killed; what left it dies with the program's cgroup or, without one, its uid
            _kill_leader(proc.pid)
            if iso.plan.cgroups:
                cgroups.kill(iso.plan.cgroups, run_cgroup(uid))
            elif iso.plan.uid and not prefix:
                _kill_uid(uid)
    finally:
        _SLOTS.discard(slot)


async def _communicate(proc, stdin: bytes | None, limits: Limits, timeout: float, started: float,
                       wrapped: bool) -> ProcessResult:
    import asyncio

    out: list[bytes] = []
    err: list[bytes] = []
    cut: list[bool] = []

    async def communicate() -> None:
        if stdin is not None and proc.stdin is not None:
            try:
                proc.stdin.write(stdin)
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                pass
            proc.stdin.close()
        await asyncio.gather(
            _read_capped(proc.stdout, limits.output_bytes, out, cut),
            _read_capped(proc.stderr, limits.output_bytes, err, cut),
        )
        await proc.wait()

    # Reading goes on after a kill so the pipes reach their end (a paused pipe would keep wait() from
    # returning) and the partial output is kept.
    task = asyncio.ensure_future(communicate())
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except BaseException:
        # cancelled (a judge the editor superseded): the program dies now, and nobody reads what it wrote
        _kill_leader(proc.pid)
        task.cancel()
        raise
    timed_out = not done
    # Killing the wrapper's group ends its pid namespace, so processes that called setsid die too; the
    # caller then empties the program's cgroup.
    _kill_leader(proc.pid)
    try:
        await asyncio.wait_for(task, 2)
    except asyncio.TimeoutError:
        pass
    return ProcessResult(
        None if timed_out else _unwrap_status(proc.returncode, wrapped), b"".join(out), b"".join(err), timed_out,
        time.monotonic() - started, bool(cut),
    )


def _unwrap_status(code: int | None, wrapped: bool) -> int | None:
    """The namespace wrappers report a child killed by signal N as exit status 128+N; give it back as -N like
    an unwrapped process (a program that itself exits 129-192 reads as a signal, which is rare)."""
    if wrapped and code is not None and 128 < code <= 128 + 64:
        return 128 - code
    return code


if PLAN_ENV in os.environ:
    plan()  # a worker: its children find everything looked up already
