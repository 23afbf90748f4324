"""Runs in the child a pytest worker forks for one program: builds the user's module with the program in place of
the function (in this process, never on disk), runs the selected tests with pytest in-process, and reports each
test over the results pipe as a plugin of ours saw it. It never decides that a test passed: the runner does,
from these records (``runners/pytest_tests.py``).

Records (framed as in ``python_child``): ``begin``; ``load`` when the module under test is first imported (or
fails to); ``collected``: the items pytest will run, each with the test it belongs to, the test files that did
not load, the tests marked xfail; per run of an item ``start k`` and ``done k`` (k counts runs, the payload names
the item); ``end``: pytest's exit code and whether pytest, pluggy, the installed plugins, this harness and the
watched standard modules still hold what the worker loaded.

Why a program cannot make a failing test pass:
- The record of a passed test needs this plugin to have called the test function itself (``pytest_pyfunc_call``,
  first) and seen it return. pytest's reports can only turn that into a failure, never a failure into a pass.
- Test files and conftests are compiled by the worker before the fork and loaded from those code objects, with
  a private copy of the builtins; a test function whose code is the program's, or a test file's code that is not
  the compiled one, is an error. A ``pytest.skip``/``xfail`` raised while the test runs counts only when test code
  raised it, and one the program raises from a fixture that calls it is an error.
- The module under test exposes the program's function behind ``Judge.wrapper``: what the tests get back is
  builtin data or an opaque stand-in, never an object of the program's making whose ``__eq__`` could say yes.
- Exiting (``os._exit``, ``sys.exit``, a signal) leaves a test without its ``done`` record: an error. After the
  last test, every function and class in pytest's, pluggy's, the plugins' and this harness's modules, and in the
  standard modules tests compare with (``math``, ``operator``, ``unittest``, ...), is compared with the worker's
  snapshot; a program that patched any of them fails as a whole.
- What remains possible is what ``python_child`` leaves open: code that walks frames, closures or the garbage
  collector to find the nonce and the pipe and write well-formed records itself.
"""

import builtins
import importlib
import importlib.machinery
import importlib.util
import inspect
import os
import sys
import types

PROGRAM_FILE = "<program>"
PRISTINE = dict(builtins.__dict__)
_PATH_FINDER = importlib.machinery.PathFinder
MESSAGE_CHARS = 2000


def code_objects(code, found):
    """``code`` and every code object nested in it, into ``found`` (by id; the values keep them alive)."""
    found[id(code)] = code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            code_objects(const, found)
    return found


def compile_test(path, mtime, size, inode):
    """A test file or conftest as pytest's import hook would compile it (assertions rewritten), with its code
    objects; None when it cannot be read or compiled (pytest then loads it itself and reports why)."""
    import ast

    from _pytest.assertion.rewrite import rewrite_asserts

    if mtime is None:
        return None
    try:
        with open(path, "rb") as fh:
            source = fh.read()
        tree = ast.parse(source, filename=path)
        rewrite_asserts(tree, source, path, None)
        code = compile(tree, path, "exec", dont_inherit=True)
    except BaseException:  # noqa: BLE001 -- pytest reports the file's own error when it loads it
        return None
    return code, code_objects(code, {})


class Snapshot:
    """The functions and classes of some modules (and the attributes of those classes), as the worker loaded
    them, to tell afterwards whether a program replaced any. pytest patches some of its own classes while it
    runs (``legacypath``), so a value that is code of these same modules counts as unchanged."""

    def __init__(self, prefixes, modules):
        self.entries = []
        chosen = [m for n, m in list(sys.modules.items())
                  if m is not None and any(n == p or n.startswith(p + ".") for p in prefixes)]
        seen = set()
        self.files = set()
        for module in [*chosen, *modules]:
            if id(module) in seen:
                continue
            seen.add(id(module))
            if isinstance(getattr(module, "__file__", None), str):
                self.files.add(module.__file__)
            name = getattr(module, "__name__", "?")
            namespace = module.__dict__
            self.keep(name, namespace, namespace)
            for key, value in list(namespace.items()):
                if isinstance(value, type) and getattr(value, "__module__", None) == name and id(value) not in seen:
                    seen.add(id(value))
                    self.keep(f"{name}.{key}", value.__dict__, value.__dict__)
        self.known = seen

    def keep(self, name, namespace, values):
        kept = {k: v for k, v in values.items() if not (k.startswith("__") and k.endswith("__")) and watched(v)}
        self.entries.append((name, namespace, kept))

    def changed(self):
        """The first name whose value is no longer the one the worker loaded (nor code of these modules), or None."""
        for name, namespace, kept in self.entries:
            for key, value in kept.items():
                now = namespace.get(key, None)
                if now is not value and not self.own(now):
                    return f"{name}.{key}"
        return None

    def own(self, value, depth=0):
        """Whether ``value`` is code of the watched modules: one of their functions, classes or modules, or a
        property or method wrapper around their functions."""
        if depth > 5 or value is None:
            return False
        if id(value) in self.known:
            return True
        if isinstance(value, property):
            parts = [f for f in (value.fget, value.fset, value.fdel) if f is not None]
            return bool(parts) and all(self.own(f, depth + 1) for f in parts)
        inner = getattr(value, "__func__", None)
        if inner is not None:
            return self.own(inner, depth + 1)
        code = getattr(value, "__code__", None)
        return isinstance(code, types.CodeType) and code.co_filename in self.files


def watched(value):
    return callable(value) or isinstance(value, (property, staticmethod, classmethod, types.ModuleType))


class Substitute:
    """Finds and loads the module under test, wherever an import finds its file: the user's source with the
    program in place of the function and the entry point behind the judge's wrapper."""

    def __init__(self, run):
        self.run = run
        path = run.job.get("path")
        self.target = os.path.realpath(path) if path else None
        base = os.path.basename(path or "")
        self.is_package = base == "__init__.py"
        self.stem = os.path.basename(os.path.dirname(path)) if self.is_package else os.path.splitext(base)[0]

    def find_spec(self, name, path=None, target=None):
        if self.target is None or name.rpartition(".")[2] != self.stem:
            return None
        spec = _PATH_FINDER.find_spec(name, path)
        if spec is None or not spec.origin or os.path.realpath(spec.origin) != self.target:
            return None
        return importlib.util.spec_from_file_location(
            name, spec.origin, loader=self, submodule_search_locations=spec.submodule_search_locations)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.run.load(module)


class Compiled:
    """Finds and loads the test files and conftests the worker compiled, from those code objects."""

    def __init__(self, compiled):
        self.codes = {os.path.realpath(path): code for path, (code, _) in compiled.items()}
        self.stems = {os.path.splitext(os.path.basename(p))[0] for p in compiled}

    def find_spec(self, name, path=None, target=None):
        if name.rpartition(".")[2] not in self.stems:
            return None
        spec = _PATH_FINDER.find_spec(name, path)
        if spec is None or not spec.origin or os.path.realpath(spec.origin) not in self.codes:
            return None
        return importlib.util.spec_from_file_location(name, spec.origin, loader=self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__dict__["__builtins__"] = dict(PRISTINE)
        exec(self.codes[os.path.realpath(module.__spec__.origin)], module.__dict__)


class Run:
    """One program's test run, made by the worker before it forks."""

    def __init__(self, judge, job, compiled, snapshot, workdir, quiet=()):
        import unittest

        import pytest
        from _pytest.outcomes import Exit, Failed, Skipped, XFailed
        from _pytest.unittest import TestCaseFunction

        self.judge = judge
        self.job = job
        self.pytest = pytest
        self.exit, self.failed, self.skips, self.xfail = Exit, Failed, (Skipped, unittest.SkipTest), XFailed
        self.unittest_item = TestCaseFunction
        self.pytest_dir = os.path.dirname(os.path.abspath(pytest.__file__))
        self.internal_dir = os.path.join(os.path.dirname(self.pytest_dir), "_pytest")
        self.snapshot = snapshot
        self.tests = [(os.path.realpath(t["file"]), t["name"]) for t in job["pytest"]["tests"]]
        self.rootdir = job["pytest"]["rootdir"]
        self.compiled_files = {os.path.realpath(p) for p in compiled} | set(compiled)
        self.test_codes = {}
        for _, codes in compiled.values():
            self.test_codes.update(codes)
        self.module_file = os.path.realpath(job["path"]) if job.get("path") else None
        self.args = [*quiet, *job["pytest"]["args"], "--basetemp", os.path.join(workdir, "pytest-tmp")]
        self.substitute = Substitute(self)
        self.compiled = Compiled(compiled)
        self.loaded = None  # the module under test, once loaded
        self.load_sent = False
        self.positions = {}  # id(item) -> position in the session's items
        self.current = None
        self.runs = 0
        self.ended = False

    # the module under test ------------------------------------------------------------------------------
    def load(self, module):
        judge = self.judge
        try:
            context = judge.context_code
            if isinstance(context, BaseException):
                raise context
            module.__builtins__ = builtins
            if context is not None:
                exec(context, module.__dict__)
            judge.note_context_types(module.__dict__, 0)
            if judge.program is not None:
                judge.install(module)
            # the user's own module may reshape its names (a property that is None on its class): its tests run
            # all the same, as under pytest; only a program must define what it stands for
            if judge.program is not None and judge.resolve(module, self.job["name"]) is None:
                raise not_defined(judge, f"the module does not define {self.job['name']}")
            judge.wrap_entry(module, module.__dict__)
        except BaseException as exc:
            self.send_load(exc)
            raise
        if self.loaded is None:
            self.loaded = module
        self.send_load(None)

    def send_load(self, exc):
        if self.load_sent:
            return
        self.load_sent = True
        if exc is None:
            self.judge.send("load", payload={"ok": True})
            return
        info, _ = self.judge.describe(exc)
        if type(exc).__name__ == "NotDefined":
            info = {"type": "", "line": self.judge.text(exc.args[0]), "where": "", "source": ""}
        self.judge.send("load", payload={"ok": False, **info})

    def ensure_loaded(self):
        """Import the module under test if no test did, so the program is loaded (and reported) before any
        test runs."""
        if self.load_sent:
            return
        try:
            importlib.import_module(self.job["module"])
        except BaseException as exc:  # noqa: BLE001 -- reported as the module not loading
            self.send_load(exc)
            return
        if not self.load_sent:
            self.send_load(LookupError(f"{self.job['module']} was imported from somewhere seidr does not judge"))

    # matching items to the tests asked for -------------------------------------------------------------
    def match(self, item):
        path = getattr(item, "path", None)
        if path is None:
            return None, ""
        real = os.path.realpath(str(path))
        rest = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else ""
        for index, (file, name) in enumerate(self.tests):
            if file != real:
                continue
            if rest == name:
                return index, ""
            if "[" not in name and rest.startswith(name + "["):
                return index, rest[len(name) + 1:-1]
        return None, ""

    # what happened to one item ----------------------------------------------------------------------------
    def running(self, item):
        """The state of ``item``'s run when it is the item this run is reporting on, else None."""
        position = self.positions.get(id(item))
        current = self.current
        return current if position is not None and current is not None and current["item"] == position else None

    def called(self, item):
        """``pytest_pyfunc_call``, first: call the test function ourselves and note that it returned."""
        current = self.running(item)
        if current is None:
            return None
        function = item.obj
        if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
            return None  # pytest's own hook fails it: no plugin runs coroutines
        problem = self.replaced(function)
        if problem:
            current["seen"] = {"outcome": "error", "message": problem}
            raise RuntimeError(problem)
        funcargs = item.funcargs
        arguments = {name: funcargs[name] for name in item._fixtureinfo.argnames}
        try:
            function(**arguments)
        except BaseException as exc:
            current["seen"] = self.raised(exc, item)
            if isinstance(exc, (KeyboardInterrupt, self.exit)):
                raise RuntimeError(f"the test raised {type(exc).__name__}") from None
            raise
        current["seen"] = {"outcome": "passed"}
        return True

    def observe(self, item):
        """``pytest_runtest_call``, first: a ``unittest.TestCase`` test is called by unittest, not through
        ``pytest_pyfunc_call``, so the method unittest will call is put behind one that notes it returned."""
        current = self.running(item)
        if current is None or not isinstance(item, self.unittest_item):
            return
        function = item.obj
        problem = self.replaced(function)
        if problem:
            current["seen"] = {"outcome": "error", "message": problem}
            return
        run = self

        def done(exc):
            current["seen"] = {"outcome": "passed"} if exc is None else run.raised(exc, item)

        if inspect.iscoroutinefunction(function):
            async def observed(*args, **kwargs):
                try:
                    result = await function(*args, **kwargs)
                except BaseException as exc:
                    done(exc)
                    raise
                done(None)
                return result
        else:
            def observed(*args, **kwargs):
                try:
                    result = function(*args, **kwargs)
                except BaseException as exc:
                    done(exc)
                    raise
                done(None)
                return result
        item.obj = observed
        instance = getattr(item, "instance", None)
        if instance is not None:
            setattr(instance, item.name, observed)

    def replaced(self, function):
        """Why ``function`` is not the test pytest collected from the compiled test file, or None."""
        inner = function
        for _ in range(50):
            inner = getattr(inner, "__func__", inner)
            wrapped = getattr(inner, "__wrapped__", None)
            if wrapped is None:
                break
            inner = wrapped
        code = getattr(getattr(inner, "__func__", inner), "__code__", None)
        if not isinstance(code, types.CodeType):
            return None
        filename = code.co_filename
        if filename == PROGRAM_FILE or (self.module_file and os.path.realpath(filename) == self.module_file):
            return "the test function was replaced by the program's code"
        if filename in self.compiled_files and id(code) not in self.test_codes:
            return "the test function is not the one in the test file"
        return None

    def raised(self, exc, item):
        line = self.test_line(exc, item)
        if isinstance(exc, (*self.skips, self.xfail)):
            what = "skip" if isinstance(exc, self.skips) else "xfail"
            if self.raised_by_test(exc):
                reason = getattr(exc, "msg", None) or (exc.args[0] if exc.args else "")
                return {"outcome": "skipped", "message": self.judge.text(f"{what}: {reason or ''}".strip(": "), 500)}
            return {"outcome": "error", "message": f"pytest.{what}() was called from outside the test (by the program?)",
                    "line": line}
        if isinstance(exc, (AssertionError, self.failed)):
            try:
                text = str(exc.msg) if isinstance(exc, self.failed) else str(exc)
            except BaseException:  # noqa: BLE001
                text = ""
            text = text.strip() or "assert failed"
            return {"outcome": "failed", "message": self.judge.text(text, MESSAGE_CHARS), "line": line}
        info, _ = self.judge.describe(exc)
        message = info["line"].strip()
        if info.get("where"):
            message += f" ({info['where']})"
        if isinstance(exc, (self.exit, KeyboardInterrupt, SystemExit)):
            message = f"the test raised {type(exc).__name__}" + (f": {exc}" if str(exc) else "")
        return {"outcome": "error", "message": self.judge.text(message, MESSAGE_CHARS), "line": line}

    def test_line(self, exc, item):
        """The line (1-based) of the test file where the exception went through last, or None."""
        path = os.path.realpath(str(getattr(item, "path", "")))
        found = None
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename == path or os.path.realpath(filename) == path:
                found = tb.tb_lineno
            tb = tb.tb_next
        return found

    def raised_by_test(self, exc):
        """Whether the code that called ``pytest.skip``/``xfail`` is test or conftest code the worker compiled."""
        code = self.caller(exc)
        return code is not None and id(code) in self.test_codes

    def caller(self, exc):
        """The code that raised ``exc``, or called the pytest function that raised it."""
        found = None
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if not (filename.startswith(self.internal_dir + os.sep) or filename.startswith(self.pytest_dir + os.sep)):
                found = tb.tb_frame.f_code
            tb = tb.tb_next
        return found

    def fixture_failed(self, exc):
        """A fixture the running test needs raised ``exc`` (whatever its scope): a skip that the program raised (a
        fixture that calls the function) is noted, so it does not count as the test skipping itself."""
        current = self.current
        if current is not None and isinstance(exc, (*self.skips, self.xfail)) and self.raised_by_program(exc):
            current["program_skipped"] = True

    def raised_by_program(self, exc):
        code = self.caller(exc)
        return code is not None and (code.co_filename == PROGRAM_FILE or (
            self.module_file is not None and os.path.realpath(code.co_filename) == self.module_file))

    def outcome(self, current):
        """The ``done`` payload of one run of an item, from what we saw and pytest's reports."""
        reports = current["reports"]
        setup, call, teardown = reports.get("setup"), reports.get("call"), reports.get("teardown")
        seen = current.get("seen")
        if setup is None:
            return {"outcome": "error", "message": "pytest did not set the test up"}
        if setup.failed:
            return self.from_report(setup, "error", "in setup: ")
        if setup.skipped:
            if current.get("program_skipped"):
                return {"outcome": "error", "message": "a fixture's call of the program skipped the test"}
            return {"outcome": "skipped", "message": skip_reason(setup)}
        if seen is None:
            if call is not None and call.failed:
                return self.from_report(call, "error", "")
            return {"outcome": "error", "message": "seidr did not see the test function run"}
        if seen["outcome"] != "passed":
            return seen
        if call is not None and call.failed:
            return self.from_report(call, "failed", "")
        if teardown is not None and teardown.failed:
            return self.from_report(teardown, "error", "in teardown: ")
        return {"outcome": "passed"}

    def from_report(self, report, outcome, prefix):
        message, line = report_message(report)
        return {"outcome": outcome, "message": self.judge.text(prefix + message, MESSAGE_CHARS), "line": line}

    # the run ----------------------------------------------------------------------------------------------
    def go(self):
        judge = self.judge
        judge.send("begin")
        sys.meta_path[:0] = [self.compiled, self.substitute]
        sys.modules["__main__"] = types.ModuleType("__main__")  # the worker's globals lead to the harness
        code = None
        try:
            code = self.pytest.main(self.args, plugins=[plugin(self)])
        except BaseException as exc:  # noqa: BLE001 -- pytest's own failure: the end record says so
            judge.restore_streams()
            os.write(2, f"pytest failed: {type(exc).__name__}: {exc}\n".encode(errors="replace"))
        finally:
            self.finish(code)

    def front(self):
        """Our finders before pytest's assertion rewriter (which puts itself first when it starts)."""
        for finder in (self.substitute, self.compiled):
            while finder in sys.meta_path:
                sys.meta_path.remove(finder)
            sys.meta_path.insert(0, finder)

    def finish(self, code):
        if self.ended:
            return
        self.ended = True
        changed = self.snapshot.changed()
        self.judge.send("end", payload={"rc": int(code) if isinstance(code, int) else None, "intact": changed is None,
                                        "changed": changed or ""})
        self.judge.flush()


def not_defined(judge, message):
    """The judge's own ``NotDefined``, which a program has no name for."""
    return type(judge).__init__.__globals__.get("NotDefined", LookupError)(message)


def skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
    return "skipped"


def report_message(report):
    """A report's message and line (1-based, in the file it names): the crash line pytest shows, else the
    lines it marks with ``E``, else its last line."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message), crash.lineno
    text = str(longrepr or "")
    marked = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    if marked:
        return "\n".join(marked), None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "failed"), None


def plugin(run):
    """Our pytest plugin: hooks as closures over ``run``, so the plugin object pytest keeps holds no reference to
    the judge (nor to its nonce or pipe)."""
    hookimpl = run.pytest.hookimpl
    judge = run.judge

    @hookimpl(tryfirst=True)
    def pytest_load_initial_conftests(early_config, parser, args):
        run.front()

    @hookimpl(tryfirst=True)
    def pytest_collection(session):
        run.front()

    errors = {}
    xfail = {}

    sessions = []

    def pytest_sessionstart(session):
        sessions.append(session)

    def pytest_collectreport(report):
        if report.failed:
            where = os.path.normpath(os.path.join(run.rootdir, report.nodeid.split("::", 1)[0]))
            errors[where] = judge.text(report_message(report)[0], MESSAGE_CHARS)
        elif not report.nodeid and errors and sessions:
            # pytest stops every test when a test id's file did not load; that file's tests are reported as not
            # loading, and the others still run
            notfound = getattr(sessions[0], "_notfound", None)
            if isinstance(notfound, list):
                notfound[:] = [entry for entry in notfound
                               if os.path.normpath(str(entry[0]).split("::", 1)[0]) not in errors]

    @hookimpl(trylast=True)
    def pytest_collection_modifyitems(session, config, items):
        run.ensure_loaded()
        kept, dropped = [], []
        for item in items:
            index, _ = run.match(item)
            marker = item.get_closest_marker("xfail") if index is not None else None
            if index is None or not run.loaded:
                dropped.append(item)
            elif marker is not None:
                reason = marker.kwargs.get("reason") or (marker.args[1] if len(marker.args) > 1 else "")
                xfail[str(index)] = judge.text(str(reason or ""), 500)
                dropped.append(item)
            else:
                kept.append(item)
        items[:] = kept
        if dropped:
            config.hook.pytest_deselected(items=dropped)

    def pytest_collection_finish(session):
        run.ensure_loaded()
        listed = {}
        for position, item in enumerate(session.items if run.loaded else []):
            index, case = run.match(item)
            if index is None:
                continue
            run.positions[id(item)] = position
            listed[str(position)] = {"example": index, "nodeid": judge.text(item.nodeid, 1000), "case": judge.text(case, 500)}
        judge.send("collected", payload={"items": listed, "errors": dict(errors), "xfail": dict(xfail)})

    @hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_protocol(item, nextitem):
        position = run.positions.get(id(item))
        if position is None:
            return (yield)
        number = run.runs
        run.runs += 1
        run.current = {"item": position, "reports": {}, "seen": None}
        judge.send("start", number, {"item": position})
        try:
            return (yield)
        finally:
            current, run.current = run.current, None
            payload = run.outcome(current)
            out = current.get("out") or ""
            judge.send("done", number, {"item": position, "outcome": str(payload.get("outcome")),
                                        "message": payload.get("message"), "line": payload.get("line"),
                                        "out": judge.text(out, min(judge.cap // 4, 2000))})

    def pytest_runtest_logreport(report):
        current = run.current
        if current is None:
            return
        current["reports"][report.when] = report
        captured = (report.capstdout or "") + (report.capstderr or "")
        if captured:  # each phase's report holds what the phases before it printed too
            current["out"] = captured

    @hookimpl(tryfirst=True)
    def pytest_pyfunc_call(pyfuncitem):
        return run.called(pyfuncitem)

    @hookimpl(tryfirst=True)
    def pytest_runtest_call(item):
        run.observe(item)

    @hookimpl(wrapper=True, tryfirst=True)
    def pytest_fixture_setup(fixturedef, request):
        try:
            return (yield)
        except BaseException as exc:
            run.fixture_failed(exc)
            raise

    @hookimpl(trylast=True)
    def pytest_sessionfinish(session, exitstatus):
        run.finish(exitstatus)

    scope = dict(locals())
    hooks = Plugin()
    for name, value in scope.items():
        if name.startswith("pytest_"):
            setattr(hooks, name, value)
    return hooks


class Plugin:
    """The object pytest registers as our plugin; its attributes are the hooks ``plugin`` makes."""


def main(run, fd, workdir, confine):
    """The child's whole life after the fork; the worker ends the process afterwards whatever happens."""
    confine(workdir)
    run.judge.start(fd)
    run.go()
