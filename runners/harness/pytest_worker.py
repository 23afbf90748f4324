"""A warm pytest judge worker: the Python worker's machinery (``python_worker.py``: control socket, fork, watch,
kill, relay) with pytest, its built-in plugins and the installed plugins imported once, so each program's child
forks with pytest ready and only collects and runs the tests it was given.

    python -B -s pytest_worker.py CONTROL_FD SCRATCH_ROOT

Before each fork the worker compiles, with pytest's assertion rewriting, the job's test files and conftests
(kept while they are unchanged on disk), and records how pytest's modules look, so the child can tell whether
the program changed them.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, filename, builtins_copy=False):
    """A harness module loaded from this folder without putting the folder on ``sys.path`` (its file names must
    not shadow the user's modules); ``builtins_copy`` gives it a private copy of the builtins."""
    import builtins

    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    if builtins_copy:
        module.__dict__["__builtins__"] = dict(builtins.__dict__)
    spec.loader.exec_module(module)
    return module


# Standard modules tests judge with (assertions, comparisons, unittest): a program that patches one fails as a
# whole. Not the ones pytest itself swaps hooks in and out of while it runs (sys, warnings, threading, logging).
STANDARD = ("math", "cmath", "operator", "re", "json", "decimal", "fractions", "statistics", "string", "collections",
            "copy", "difflib", "itertools", "functools", "numbers", "unittest")
BASE = load("_seidr_python_worker", "python_worker.py")
TESTS = load("_seidr_pytest_child", "pytest_child.py", builtins_copy=True)
STATE = {}


def warmup():
    """Import pytest and every plugin a run would load, and take the snapshot runs are checked against."""
    try:
        import pytest  # noqa: F401
        from _pytest.config import default_plugins
    except ImportError as exc:
        sys.stderr.write(f"pytest is not installed for {sys.executable} ({exc})\n")
        raise SystemExit(3) from None
    import importlib.metadata
    import _pytest.assertion.rewrite  # noqa: F401

    for name in default_plugins:
        try:
            importlib.import_module("_pytest." + name)
        except ImportError:
            pass
    plugins = []
    try:
        for entry in importlib.metadata.entry_points(group="pytest11"):
            try:
                module = importlib.import_module(entry.value.partition(":")[0])
                plugins.append(module.__name__)
            except BaseException:  # noqa: BLE001 -- a broken plugin is reported by pytest itself in the child
                pass
    except Exception:  # noqa: BLE001 -- unreadable package metadata: pytest finds what it can
        pass
    for name in STANDARD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    # pytest warns that a plugin imported here, ahead of it, cannot have its asserts rewritten: true of this
    # worker, not of the user's project, and an error under ``filterwarnings = error``
    STATE["quiet"] = [a for top in dict.fromkeys(name.split(".")[0] for name in plugins) for a in (
        "-W", f"ignore:Module already imported so cannot be rewritten; {top}:pytest.PytestAssertRewriteWarning")]
    STATE["snapshot"] = TESTS.Snapshot(("pytest", "_pytest", "pluggy", *plugins, *STANDARD), [TESTS, BASE.CHILD])
    STATE["tests"] = BASE.Recent(TESTS.compile_test, size=64)


def file_key(path):
    try:
        stat = os.stat(path)
        return path, stat.st_mtime_ns, stat.st_size, stat.st_ino
    except OSError:
        return path, None, None, None


class PytestJob(BASE.Job):
    def prepare(self, workdir):
        judge = BASE.CHILD.Judge(self.job, ([], set()), self.context_code())
        compiled = {}
        for path in self.job["pytest"]["compile"]:
            code = STATE["tests"].get(*file_key(path))
            if code is not None:
                compiled[path] = code
        run = TESTS.Run(judge, self.job, compiled, STATE["snapshot"], workdir, STATE["quiet"])
        return lambda fd, folder, confine: TESTS.main(run, fd, folder, confine)


class PytestWorker(BASE.Worker):
    job_class = PytestJob


if __name__ == "__main__":
    BASE.main(PytestWorker, warmup)
