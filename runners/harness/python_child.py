"""Runs in the child a warm worker forks for one program: loads the user's module and the program, runs every
example in order, and reports what each produced over the results pipe. It never sees an expected value;
the runner compares.

Records are ``<nonce> <seq> <kind> <index> <length>\\n`` and then ``length`` bytes, the ``repr`` of a dict of
plain strings, bools and None (read back with ``ast.literal_eval``): ``begin``, ``load``, ``start i`` and
``done i`` per example, ``end``. The worker loads this module with its own copy of the builtins, and
everything a record depends on (the examples' code, ``repr``, ``type``, ``os.write``) is compiled or captured
before any user or program code runs, so patching builtins or library modules cannot change a report.
"""

import ast
import builtins
import importlib
import io
import os
import sys
import textwrap
import types

PROGRAM_FILE = "<program>"
CO_GENERATOR, CO_COROUTINE = 0x20, 0x80
SHOW = "__seidr_show__"
SAME = object()
_SCALARS = (type(None), bool, int, float, complex, str, bytes, type(Ellipsis))
_CONTAINERS = (list, tuple, dict, set, frozenset)
_SCALAR_IDS = frozenset(id(t) for t in _SCALARS)
_BUILTIN_IDS = frozenset(id(t) for t in (*_SCALARS, *_CONTAINERS, object))
# Py_TPFLAGS_HEAPTYPE: a type made at run time (by a class statement); with Py_TPFLAGS_HAVE_GC: a type without
# either is compiled in and holds no other object
_HEAPTYPE = 1 << 9
_MADE_OR_HOLDING = _HEAPTYPE | (1 << 14)
_CAST = ((int, int.__int__), (float, float.__float__), (str, str.__str__), (bytes, bytes.__bytes__),
         (complex, complex.__complex__))


class Capture:
    """What an example printed (``sys.stdout`` and ``sys.stderr``) and displayed, in order, capped at ``cap``
    characters in all. Each piece also keeps its builtin-data form: the same text, except where an object of
    the program's making was shown or printed (None when such an object has no builtin-data form)."""

    def __init__(self, cap):
        self.cap = cap
        self.parts = []  # (kind, text, plain): kind is "out", "err" or "value"
        self.size = 0
        self.cut = False

    def keep(self, kind, text, plain=SAME):
        plain = text if plain is SAME else plain
        room = self.cap - self.size
        if len(text) > room:
            self.cut = True
            text = text[:max(room, 0)]
            plain = None if plain is None else plain[:max(room, 0)]
        self.size += len(text)
        self.parts.append((kind, text, plain))

    def text(self, kinds, plain=False):
        pieces = [p[2] if plain else p[1] for p in self.parts if p[0] in kinds]
        return None if any(p is None for p in pieces) else "".join(pieces)


class Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` while an example runs."""

    def __init__(self, capture, kind):
        self.capture = capture
        self.kind = kind

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not self.capture.cut:
            self.capture.keep(self.kind, str.__str__(text))
        return len(text)

    def flush(self):
        pass


class Opaque:
    """What a check gets instead of an object of the program's own making: equal to nothing, usable for nothing."""

    __slots__ = ("what",)

    def __init__(self, what):
        object.__setattr__(self, "what", what)

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    __hash__ = object.__hash__

    def __bool__(self):
        raise TypeError(f"a check cannot use a {self.what} object the program made")

    def __repr__(self):
        return f"<{self.what} object made by the program>"


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def statements(body, into_scopes):
    """Every statement in ``body`` and in the blocks nested in it (into functions and classes only when
    ``into_scopes``): the places an interactive display or an ``assert`` can be, without visiting expressions."""
    for node in body:
        yield node
        if isinstance(node, _SCOPES) and not into_scopes:
            continue
        for field in _BLOCKS:
            inner = getattr(node, field, None)
            if inner:
                yield from statements(inner, into_scopes)


def show_values(body):
    """Interactive-mode display without ``sys.displayhook``: each expression statement outside a function or
    class hands its value to the judge, as the interactive compiler hands it to the hook."""
    for node in statements(body, into_scopes=False):
        if isinstance(node, ast.Expr):
            show = ast.copy_location(ast.Name(SHOW, ast.Load()), node.value)
            node.value = ast.copy_location(ast.Call(func=show, args=[node.value], keywords=[]), node.value)


def keep_assert_values(body):
    """``assert a == b`` keeps both sides in locals, so a failure can say what came back."""
    for node in statements(body, into_scopes=True):
        if isinstance(node, ast.Assert) and node.msg is None and isinstance(node.test, ast.Compare) \
                and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq):
            test = node.test
            test.left, test.comparators = kept("__seidr_left", test.left), [kept("__seidr_right", test.comparators[0])]


def kept(name, value):
    """``(name := value)``, placed where ``value`` is."""
    target = ast.copy_location(ast.Name(name, ast.Store()), value)
    return ast.copy_location(ast.NamedExpr(target=target, value=value), value)


def imported(body):
    """Top-level names of the modules the statements import."""
    for node in statements(body, into_scopes=True):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module.split(".")[0]


_ESCAPES = {**{i: f"\\u{i:04x}" for i in range(32)}, ord('"'): '\\"', ord("\\"): "\\\\"}


def to_json(value):
    """JSON for the records' plain data, built from ``str`` methods alone (the ``json`` module's parts are
    module attributes a program could replace)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return '"' + value.translate(_ESCAPES) + '"'
    if kind is dict:
        return "{" + ",".join(to_json(k) + ":" + to_json(v) for k, v in dict.items(value)) + "}"
    return '"<unreportable>"'


_MISSING = object()  # an attribute that is there but None is still there


class NotDefined(LookupError):
    """The program's code does not define the function it stands for."""


def bound_names(tree):
    """Names a module's top-level statements bind."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        else:
            names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names


PRISTINE = dict(builtins.__dict__)  # the worker loads this module before any user code exists
_SNAPSHOTS = {}  # standard modules as the worker has them, which is as they were written
_RUNNING = []  # the judge of this child, once it has started
# The builtins examples and checks see: made once, each child gets its own copy through the fork, and a program
# that patches the ``builtins`` module does not reach them.
DOCTEST_BUILTINS = dict(PRISTINE)
CHECK_BUILTINS = dict(PRISTINE)
CHECK_BUILTINS["__import__"] = lambda *args, **kwargs: _RUNNING[0].guarded_import(*args, **kwargs)


class Judge:
    """One program's run. The worker builds it before it forks, so the child starts with everything compiled
    and captured and only has to run the program; ``start`` adopts it in the child."""

    def __init__(self, job, examples, context_code):
        self.job = job
        self.fd = None
        self.nonce = job["nonce"]
        self.seq = 0
        self.cap = job["limits"]["output_bytes"]
        self.module_name = job["module"]
        self.context_code = context_code
        self.context_ids = set()
        self.real_import = builtins.__import__
        self.real_print = builtins.print
        self.write = os.write
        self.getpid, self.exit = os.getpid, os._exit
        self.pid = None
        self.pending = []
        self.sys = sys
        self.type_dict = type.__dict__["__dict__"].__get__
        self.attr = type.__getattribute__
        self.files = {PROGRAM_FILE: job.get("code") or ""}
        self.labels = {PROGRAM_FILE: "the program"}
        if job.get("path"):
            self.files[job["path"]] = job.get("context", "")
            self.labels[job["path"]] = os.path.basename(job["path"])
        self.compiled, check_imports = examples
        for filename, _, source, label in self.compiled:
            self.files[filename], self.labels[filename] = source, label
        self.program = self.compile_program(job)
        self.snapshots = {name: _SNAPSHOTS[name] for name in check_imports if name in _SNAPSHOTS}
        self.later_snapshots = [name for name in check_imports
                                if name not in _SNAPSHOTS and name in sys.stdlib_module_names]

    def start(self, fd):
        self.fd = fd
        self.pid = self.getpid()
        _RUNNING.append(self)

    # reporting -------------------------------------------------------------------------------------------
    def send(self, kind, index=-1, payload=None):
        """Queue a record; ``start`` and ``end`` go out at once (the worker times each example from its
        ``start``), the others with them, so an example costs the worker one wake-up."""
        if self.getpid() != self.pid:
            self.exit(70)  # a copy the program forked: only the process the worker forked reports
        body = to_json(payload or {}).encode("utf-8", "surrogatepass")
        self.pending.append(f"{self.nonce} {self.seq} {kind} {index} {len(body)}\n".encode() + body)
        self.seq += 1
        if kind in ("start", "end"):
            self.flush()

    def flush(self):
        data, self.pending = b"".join(self.pending), []
        while data:
            data = data[self.write(self.fd, data):]

    def text(self, value, limit=None):
        """Exact ``str`` (never a subclass) of at most ``limit`` characters."""
        value = str.__str__(value) if isinstance(value, str) else "<not text>"
        limit = self.cap if limit is None else limit
        return value if len(value) <= limit else value[:limit]

    def describe(self, exc):
        """The exception line doctest compares, where in the user's code or the program it was raised, and
        the traceback entry it was raised at."""
        kind = type(exc)
        try:
            name = self.text(self.attr(kind, "__qualname__"), 200)
            module = self.attr(kind, "__module__")
            if type(module) is str and module not in ("builtins", "__main__"):
                name = f"{module}.{name}"
        except BaseException:
            name = "exception"
        try:
            if issubclass(kind, SyntaxError):
                message = self.text(exc.msg or "<no detail available>", 2000)
            else:
                message = self.text(str(exc), 2000)
        except BaseException:
            message = "<the exception could not be shown>"
        line = f"{name}: {message}\n" if message else f"{name}\n"
        last = None
        tb = exc.__traceback__ if isinstance(exc, BaseException) else None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename in self.files:
                last = tb
            tb = tb.tb_next
        where = source = ""
        if last is not None:
            code = last.tb_frame.f_code
            lines = self.files[code.co_filename].splitlines()
            source = lines[last.tb_lineno - 1].strip() if 0 < last.tb_lineno <= len(lines) else ""
            where = f"{self.labels.get(code.co_filename, code.co_filename)}, line {last.tb_lineno}, in {code.co_name}: {source}"
        return {"type": name, "line": line, "where": self.text(where, 500), "source": self.text(source, 500)}, last

    # data the runner can trust ---------------------------------------------------------------------------
    def program_made(self, kind, depth=0):
        """A class the program defined, or one of the user's classes it patched: its ``__eq__`` and
        ``__repr__`` may say anything."""
        if depth > 20:
            return True
        try:
            mro = self.attr(kind, "__mro__")
            for klass in mro:
                if id(klass) in _BUILTIN_IDS:
                    continue
                namespace = self.type_dict(klass)
                module = namespace.get("__module__")
                if type(module) is not str or (module == self.module_name and id(klass) not in self.context_ids):
                    return True
                for item in list(namespace.values()):
                    for fn in (item, getattr(item, "__func__", None), getattr(item, "fget", None)):
                        code = getattr(fn, "__code__", None)
                        if type(code) is types.CodeType and code.co_filename == PROGRAM_FILE:
                            return True
        except BaseException:
            return True
        meta = type(kind)
        return meta is not type and self.program_made(meta, depth + 1)

    def plain_of(self, value, seen=None, depth=0):
        """``value`` as exact builtin data (a subclass of ``int`` becomes its ``int``), or ``LookupError``
        when it holds something that is not data."""
        kind = type(value)
        if id(kind) in _SCALAR_IDS:
            return value
        if depth > 200:
            raise LookupError("nested too deep")
        seen = set() if seen is None else seen
        if id(value) in seen:
            raise LookupError("a cycle")
        for base, cast in _CAST:
            if issubclass(kind, base):
                return cast(value)
        seen.add(id(value))
        try:
            if issubclass(kind, dict):
                return {self.plain_of(k, seen, depth + 1): self.plain_of(v, seen, depth + 1)
                        for k, v in dict.items(value)}
            for base in (list, tuple, set, frozenset):
                if issubclass(kind, base):
                    return base(self.plain_of(v, seen, depth + 1) for v in base.__iter__(value))
        finally:
            seen.discard(id(value))
        raise LookupError("not data")

    def suspect(self, value, seen=None, depth=0):
        """Whether ``value`` is, or holds inside builtin containers, an object of the program's making."""
        kind = type(value)
        if id(kind) in _SCALAR_IDS:
            return False
        if kind is list or kind is tuple:  # the common case, a flat sequence of numbers or strings: no recursion
            for item in value:
                if id(type(item)) not in _SCALAR_IDS:
                    break
            else:
                return False
        if not self.attr(kind, "__flags__") & _MADE_OR_HOLDING:
            # a value type compiled into Python (``datetime.date``, ``bytearray``, ``Decimal``): no program can
            # define or patch one; of what it holds only a datetime's tzinfo can be the program's
            return "tzinfo" in self.type_dict(kind) and depth < 200 and self.suspect(value.tzinfo, seen, depth + 1)
        if depth > 200:
            return True
        seen = set() if seen is None else seen
        if id(value) in seen:
            return False
        if id(kind) not in _BUILTIN_IDS and self.program_made(kind):
            return True
        seen.add(id(value))
        try:
            if issubclass(kind, dict):
                return any(self.suspect(k, seen, depth + 1) or self.suspect(v, seen, depth + 1)
                           for k, v in dict.items(value))
            for base in (list, tuple, set, frozenset):
                if issubclass(kind, base):
                    return any(self.suspect(v, seen, depth + 1) for v in base.__iter__(value))
        finally:
            seen.discard(id(value))
        return False

    def checked(self, value):
        """What a check gets of a result: the value when nothing in it is the program's making, else its
        builtin-data form, else a function or iterator whose results are checked, else an opaque stand-in."""
        if not self.suspect(value):
            return value
        try:
            return self.plain_of(value)
        except LookupError:
            pass
        kind = type(value)
        # a function or an iterator the program returned honestly is used as one, each of its results checked
        if kind is types.FunctionType or kind is types.MethodType:
            return self.wrapper(value)
        if not self.attr(kind, "__flags__") & _HEAPTYPE and "__next__" in self.type_dict(kind):
            return (self.checked(item) for item in value)  # a generator, map, zip, ...: compiled-in iterators
        try:
            what = self.text(self.attr(kind, "__qualname__"), 100)
        except BaseException:
            what = "an unnamed"
        return Opaque(what)

    def shown(self, value):
        """The text doctest would display for ``value``; for an object of the program's making also the text
        of its builtin-data form (None when it has none)."""
        claimed = self.text(repr(value))
        if not self.suspect(value):
            return claimed, claimed, False
        try:
            plain = self.text(repr(self.plain_of(value)))
        except LookupError:
            plain = None
        return claimed, plain, True

    # compiling, before any user code runs ----------------------------------------------------------------
    def compile_program(self, job):
        """The program's code, and for ``Class.method`` the name of the class its function is compiled
        inside, so private names and ``super()`` mean what they mean in the class."""
        if job.get("code") is None:
            return None
        try:
            parts = job["name"].split(".")
            if len(parts) == 1:
                return compile(textwrap.dedent(job["code"]), PROGRAM_FILE, "exec"), None, None
            tree = compile(textwrap.dedent(job["code"]), PROGRAM_FILE, "exec", ast.PyCF_ONLY_AST)
            if not {parts[-1], parts[-2] if len(parts) > 1 else parts[-1]} & bound_names(tree):
                return NotDefined(f"the program does not define {job['name']}")
            plain = compile(tree, PROGRAM_FILE, "exec")
            if len(parts) < 2 or any(isinstance(n, ast.ClassDef) and n.name == parts[-2] for n in tree.body):
                return plain, None, None
            index = max((i for i, n in enumerate(tree.body)
                         if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == parts[-1]),
                        default=None)
            if index is None:
                return plain, None, None
            node = tree.body[index]
            tree.body[index] = ast.ClassDef(name=parts[-2], bases=[], keywords=[], body=[node], decorator_list=[],
                                            lineno=node.lineno, col_offset=0)
            return plain, compile(ast.fix_missing_locations(tree), PROGRAM_FILE, "exec"), parts[-2]
        except BaseException as exc:  # noqa: BLE001 -- a program that does not compile fails to load
            return exc

    # loading ----------------------------------------------------------------------------------------------
    def load(self, context_code):
        job = self.job
        module = types.ModuleType(self.module_name)
        if job.get("path"):
            module.__file__ = job["path"]
        if job.get("package"):
            module.__package__ = job["package"]
        module.__builtins__ = builtins
        # an ``__init__`` is its own package: its parent comes first, the package itself is this module
        package = job.get("package") or ""
        if package == self.module_name:
            package = package.rpartition(".")[0]
        if package:
            self.import_package(package)
        imported = self.import_saved(job, context_code)
        if imported is not None:
            return imported
        self.sys.modules[self.module_name] = module
        parent, _, leaf = self.module_name.rpartition(".")
        if parent and parent in self.sys.modules and leaf:
            setattr(self.sys.modules[parent], leaf, module)
        if isinstance(context_code, BaseException):
            raise context_code
        if context_code is not None:
            exec(context_code, module.__dict__)
        self.note_context_types(module.__dict__, 0)
        if self.program is not None:
            self.install(module)
        # the user's own module may reshape its names at import (delete a method, reuse its docstring):
        # doctest runs the examples all the same, so only a program must define what it is for
        if self.program is not None and self.resolve(module, job["name"]) is None:
            raise NotDefined(f"the module does not define {job['name']}")
        return module

    def import_saved(self, job, context_code):
        """The user's own module as saved, imported as pytest imports it (once, with its package's view of it);
        None when a program is being judged, the editor's text differs from the file, or the import fails."""
        if self.program is not None or isinstance(context_code, BaseException) or not job.get("path"):
            return None
        try:
            with open(job["path"], encoding="utf-8") as fh:
                if fh.read() != job["context"]:
                    return None
            module = importlib.import_module(self.module_name)
        except BaseException:  # noqa: BLE001 -- loading it from the text reports what is wrong
            self.sys.modules.pop(self.module_name, None)
            return None
        if getattr(module, "__file__", None) != job["path"]:
            return None
        self.note_context_types(module.__dict__, 0)
        return module

    def import_package(self, package):
        """The module's package first, as pytest imports it: a package whose ``__init__`` imports this module
        and its siblings is whole before the module runs (else ``from .helpers import x`` or ``from pkg import
        y`` in an example sees it half made). A package that does not import leaves the module on its own."""
        try:
            importlib.import_module(package)
        except BaseException:  # noqa: BLE001 -- the module's own load reports what is wrong
            pass

    def note_context_types(self, namespace, depth):
        for value in list(namespace.values()):
            if isinstance(value, type) and id(value) not in self.context_ids and depth < 8:
                if self.type_dict(value).get("__module__") == self.module_name:
                    self.context_ids.add(id(value))
                    self.note_context_types(self.type_dict(value), depth + 1)

    @staticmethod
    def resolve(module, dotted):
        target = module
        for part in dotted.split("."):
            target = getattr(target, part, _MISSING)
            if target is _MISSING:
                return None
        return target

    def install(self, module):
        """Run the program in the module's namespace; a method's new function replaces the class's."""
        if isinstance(self.program, BaseException):
            raise self.program
        plain, as_method, holder = self.program
        parts = self.job["name"].split(".")
        owner = self.resolve(module, ".".join(parts[:-1])) if len(parts) > 1 else None
        namespace = module.__dict__
        if as_method is None or not isinstance(owner, type):
            before = namespace.get(parts[-1], NotDefined)
            exec(plain, namespace)
            if len(parts) == 1 and namespace.get(parts[-1], NotDefined) is before:
                raise NotDefined(f"the program does not define {self.job['name']}")
            return
        had, before = holder in namespace, namespace.get(holder)
        try:
            exec(as_method, namespace)
            made = namespace[holder]
        finally:
            if had:
                namespace[holder] = before
            else:
                namespace.pop(holder, None)
        new = self.type_dict(made)[parts[-1]]
        old = self.type_dict(owner).get(parts[-1])
        function = getattr(new, "__func__", new)
        code = getattr(function, "__code__", None)
        if code is not None:
            for cell_name, cell in zip(code.co_freevars, function.__closure__ or ()):
                if cell_name == "__class__":
                    cell.cell_contents = owner
        if isinstance(old, (staticmethod, classmethod)) and type(new) is types.FunctionType:
            new = type(old)(new)
        setattr(owner, parts[-1], new)

    # running ----------------------------------------------------------------------------------------------
    def run(self):
        try:
            self.report()
        finally:
            self.flush()

    def report(self):
        self.send("begin")
        self.snapshot_modules(self.later_snapshots)
        try:
            module = self.load(self.context_code)
        except BaseException as exc:  # noqa: BLE001 -- SystemExit at import is a failure to load like any other
            self.restore_streams()
            info, _ = self.describe(exc)
            if type(exc) is NotDefined:
                info = {"type": "", "line": self.text(exc.args[0]), "where": "", "source": ""}
            self.send("load", payload={"ok": False, **info})
            return
        self.restore_streams()
        self.send("load", payload={"ok": True})
        globs = dict(module.__dict__)
        globs["__builtins__"] = DOCTEST_BUILTINS
        for index, example in enumerate(self.job["examples"]):
            self.send("start", index)
            if example["kind"] == "assert":
                payload = self.run_check(module, index)
            else:
                payload = self.run_doctest(globs, index)
            self.send("done", index, payload)
        self.send("end")

    def restore_streams(self):
        self.sys.stdout, self.sys.stderr = self.sys.__stdout__, self.sys.__stderr__

    def capture(self):
        capture = Capture(self.cap)
        self.sys.stdout, self.sys.stderr = Stream(capture, "out"), Stream(capture, "err")
        return capture

    def finish(self, capture, payload):
        self.restore_streams()
        payload.update(out=capture.text(("out",)), err=capture.text(("err",)), cut=capture.cut)
        return payload

    def run_doctest(self, globs, index):
        """A doctest example in the docstring's shared namespace; what it printed and displayed is its result."""
        filename, code = self.compiled[index][:2]
        capture = self.capture()
        payload = {"exc": None, "suspect": False}
        judge = self

        def show(value):
            if value is None:
                return
            globs["__builtins__"]["_"] = value
            claimed, plain, suspect = judge.shown(value)
            payload["suspect"] = payload["suspect"] or suspect
            capture.keep("value", claimed + "\n", None if plain is None else plain + "\n")

        def printed(*args, sep=" ", end="\n", file=None, flush=False):
            """``print`` for the examples: what an object of the program's making prints is kept with the
            text its builtin-data form would print, so a lying ``__str__`` is caught like a lying ``__repr__``."""
            stream = judge.sys.stdout
            if (file is not None and file is not stream) or type(stream) is not Stream or stream.capture is not capture \
                    or not isinstance(sep if sep is not None else "", str) or not isinstance(end if end is not None else "", str):
                return judge.real_print(*args, sep=sep, end=end, file=file, flush=flush)
            sep = " " if sep is None else sep
            end = "\n" if end is None else end
            claimed, plain = [], []
            for arg in args:
                claimed.append(judge.text(str(arg)))
                if judge.suspect(arg):
                    payload["suspect"] = True
                    try:
                        plain.append(judge.text(str(judge.plain_of(arg))))
                    except LookupError:
                        plain.append(None)
                else:
                    plain.append(claimed[-1])
            text = sep.join(claimed) + end
            if not capture.cut:
                capture.keep("out", text, None if any(p is None for p in plain) else sep.join(plain) + end)

        globs["__builtins__"][SHOW] = show
        globs["__builtins__"]["print"] = printed
        try:
            if isinstance(code, BaseException):
                raise code
            exec(code, globs)
        except BaseException as exc:  # noqa: BLE001 -- whatever the program raises is its result
            payload["exc"], _ = self.describe(exc)
        payload.update(got=capture.text(("out", "value")),
                       plain=capture.text(("out", "value"), plain=True) if payload["suspect"] else None)
        return self.finish(capture, payload)

    def run_check(self, module, index):
        """An ``assert`` example or a hidden check: fresh globals with the original builtins and the standard
        modules as they were, the entry point behind a wrapper that hands the check only data it can trust."""
        filename, code = self.compiled[index][:2]
        globs = dict(module.__dict__)
        globs["__builtins__"] = CHECK_BUILTINS
        restore = self.wrap_entry(module, globs)
        capture = self.capture()
        payload = {"exc": None}
        try:
            if isinstance(code, BaseException):
                raise code
            exec(code, globs)
        except BaseException as exc:  # noqa: BLE001
            payload["exc"], last = self.describe(exc)
            if type(exc) is AssertionError and last is not None and last.tb_frame.f_code.co_filename == filename:
                payload["assert"] = True
                values = last.tb_frame.f_locals
                for key, name in (("left", "__seidr_left"), ("right", "__seidr_right")):
                    if name in values:
                        try:
                            payload[key] = self.text(repr(values[name]), 2000)
                        except BaseException:
                            pass
        finally:
            restore()
        return self.finish(capture, payload)

    def wrap_entry(self, module, globs):
        if self.program is None:
            # the user's own code, unchanged: hiding its values defends against a candidate, not against the user,
            # so its checks and tests get them as pytest would (a date, a function, a generator)
            return lambda: None
        parts = self.job["name"].split(".")
        if len(parts) == 1:
            if callable(globs.get(parts[0])):
                globs[parts[0]] = self.wrapper(globs[parts[0]])
            return lambda: None
        owner = self.resolve(module, ".".join(parts[:-1]))
        raw = self.type_dict(owner).get(parts[-1]) if isinstance(owner, type) else None
        if isinstance(raw, (staticmethod, classmethod)):
            wrapped = type(raw)(self.wrapper(raw.__func__))
        elif callable(raw):
            wrapped = self.wrapper(raw)
        else:
            return lambda: None
        setattr(owner, parts[-1], wrapped)
        return lambda: setattr(owner, parts[-1], raw)

    def wrapper(self, real):
        judge = self
        flags = getattr(getattr(real, "__code__", None), "co_flags", 0)
        if flags & CO_COROUTINE:
            async def entry(*args, **kwargs):
                return judge.checked(await real(*args, **kwargs))
        elif flags & CO_GENERATOR:
            def entry(*args, **kwargs):
                for item in real(*args, **kwargs):
                    yield judge.checked(item)
        else:
            def entry(*args, **kwargs):
                return judge.checked(real(*args, **kwargs))
        for attr in ("__name__", "__qualname__", "__doc__"):
            try:
                setattr(entry, attr, getattr(real, attr))
            except BaseException:
                pass
        return entry

    def snapshot_modules(self, names):
        """Copies of standard modules the checks import that the worker does not hold, taken in the child
        before the program can patch them."""
        for name in names:
            try:
                self.snapshots[name] = dict(__import__(name).__dict__)
            except BaseException:  # noqa: BLE001 -- the check's own import will say what is wrong
                pass

    def guarded_import(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in self.snapshots:
            module = types.ModuleType(name)
            module.__dict__.update(self.snapshots[name])
            return module
        return self.real_import(name, globals, locals, fromlist, level)


def compile_examples(job):
    """Each example's code (or the ``SyntaxError`` that is its result, as under doctest), and the modules the
    checks import. Compiled by the worker before it forks, so none of it depends on anything the program does."""
    compiled, imports = [], set()
    for index, example in enumerate(job["examples"]):
        source = example["source"] if example["source"].endswith("\n") else example["source"] + "\n"
        check = example["kind"] == "assert"
        filename = f"<{'check' if check else 'doctest'} {job['name']}[{index}]>"
        label = (example.get("label") or "the check") if check else "the example"
        try:
            if check:
                tree = compile(source, filename, "exec", ast.PyCF_ONLY_AST)
                keep_assert_values(tree.body)
                imports.update(imported(tree.body))
            else:
                tree = ast.Module(body=compile(source, filename, "single", ast.PyCF_ONLY_AST).body, type_ignores=[])
                show_values(tree.body)
            code = compile(tree, filename, "exec")
        except BaseException as exc:  # noqa: BLE001 -- a SyntaxError is the example's result, as under doctest
            code = exc
        compiled.append((filename, code, source, label))
    return compiled, imports


def snapshot_preloaded():
    """Copies of the standard modules the worker has imported, as they were written (no user code has run in
    the worker); checks that import them get these, whatever a program does to the modules themselves."""
    for name, module in list(sys.modules.items()):
        if "." not in name and name in sys.stdlib_module_names and name not in _SNAPSHOTS:
            _SNAPSHOTS[name] = dict(module.__dict__)


def process_state(job, workdir):
    """Set, in the worker just before it forks, what the child's process state must be (scratch folder, import
    path, argv; the sandbox's ``prepare_child`` sets the environment); returns what puts the worker's import
    path and argv back after the fork."""
    saved_path, saved_argv = list(sys.path), sys.argv
    tempfile = sys.modules.get("tempfile")
    saved_tempdir = getattr(tempfile, "tempdir", None)
    if tempfile is not None:
        tempfile.tempdir = workdir
    sys.argv = [job.get("path") or job["module"]]
    if job.get("sys_path"):
        sys.path.insert(0, job["sys_path"])

    def restore():
        sys.path[:], sys.argv = saved_path, saved_argv
        if tempfile is not None:
            tempfile.tempdir = saved_tempdir

    return restore


def main(judge, fd, workdir, confine):
    """The child's whole life after the fork; the worker ends the process afterwards whatever happens."""
    confine(workdir)
    judge.start(fd)
    judge.run()
