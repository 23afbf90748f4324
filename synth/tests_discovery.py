"""The workspace's pytest tests that exercise a function: a static scan of the test files pytest would collect
(what each test imports and references, through module-level helpers, parametrize and fixtures of its file and
its conftests), plus the tests named in the ``relatedTests`` setting or a ``seidr: tests`` line of the docstring.

Parsed files are kept until they change on disk, so a save costs a walk of the test folders and nothing more.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import textwrap
import time
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.pytest_config import PytestConfig, conftests, locate
from seidr.runners.job import module_of

# pytest's defaults for the settings the scan honours
PYTHON_FILES = ("test_*.py", "*_test.py")
PYTHON_CLASSES = ("Test",)
PYTHON_FUNCTIONS = ("test",)
NORECURSEDIRS = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
SKIP_FOLDERS = frozenset({"__pycache__", "site-packages"})
MAX_FILES = 5000  # a walk stops here: a workspace this big names its tests in testpaths
WALK_SECONDS = 2.0  # a walk serves the searches of one check (every function of a file) and is then done again
_DOCSTRING_LINE = re.compile(r"^\s*seidr:\s*tests?\b[:\s]*(.*)$", re.IGNORECASE | re.MULTILINE)
_FILES: dict[str, tuple[tuple, "TestFile | None"]] = {}
_TEXTS: dict[str, tuple[tuple, str]] = {}
_WALKS: dict[tuple, tuple[float, list[str]]] = {}


@dataclass
class Refs:
    """What a piece of test code references: resolved dotted names (``pkg.mod.f``), attribute names it uses
    (``.total``), module-level names of its own file and fixtures (its parameters) it depends on."""

    names: set[str] = field(default_factory=set)
    attrs: set[str] = field(default_factory=set)
    helpers: set[str] = field(default_factory=set)
    fixtures: set[str] = field(default_factory=set)


@dataclass
class TestDef:
    name: str  # after the file in the test's id: test_x, TestA::test_x
    line: int  # 0-based line of the def
    end_line: int
    code: str
    refs: Refs


@dataclass
class TestFile:
    path: str
    tests: list[TestDef] = field(default_factory=list)
    helpers: dict[str, Refs] = field(default_factory=dict)  # module-level functions, classes and assignments
    fixtures: dict[str, Refs] = field(default_factory=dict)


@dataclass
class Discovery:
    """The tests found for one function, as examples, and a message per name that matched no test."""

    examples: tuple[Example, ...] = ()
    messages: list[str] = field(default_factory=list)


# the workspace's test files -----------------------------------------------------------------------------------
def _matches(name: str, patterns: Sequence[str]) -> bool:
    """pytest's rule for python_classes/python_functions: a prefix, or a glob when the pattern has one."""
    return any(fnmatch.fnmatch(name, p) if any(c in p for c in "*?[") else name.startswith(p) for p in patterns)


def _is_test_file(path: str, rootdir: str, patterns: Sequence[str]) -> bool:
    base = os.path.basename(path)
    relative = os.path.relpath(path, rootdir)
    return any(fnmatch.fnmatch(relative if os.sep in p or "/" in p else base, p) for p in patterns)


def collected_files(config: PytestConfig) -> list[str]:
    """The files pytest would collect tests from, under ``testpaths`` (else the rootdir), in a stable order."""
    patterns = config.words("python_files", PYTHON_FILES)
    skip = config.words("norecursedirs", NORECURSEDIRS)
    key = (config.rootdir, tuple(config.words("testpaths")), tuple(patterns), tuple(skip))
    walked = _WALKS.get(key)
    if walked is not None and time.monotonic() - walked[0] < WALK_SECONDS:
        return walked[1]
    found = _walk(config, patterns, skip)
    _WALKS[key] = (time.monotonic(), found)
    return found


def _walk(config: PytestConfig, patterns: list[str], skip: list[str]) -> list[str]:
    roots = []
    for entry in config.words("testpaths") or ["."]:
        pattern = os.path.join(config.rootdir, entry)
        if any(c in entry for c in "*?["):
            import glob

            roots.extend(sorted(glob.glob(pattern)))
        else:
            roots.append(os.path.normpath(pattern))
    found: list[str] = []
    for root in roots:
        if os.path.isfile(root):
            found.append(root)
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_FOLDERS and not any(fnmatch.fnmatch(d, p) for p in skip)
                             and not os.path.isfile(os.path.join(folder, d, "pyvenv.cfg")))
            found.extend(os.path.join(folder, n) for n in sorted(names)
                         if n.endswith(".py") and _is_test_file(os.path.join(folder, n), config.rootdir, patterns))
            if len(found) > MAX_FILES:
                return found
    return list(dict.fromkeys(found))


def parse_file(path: str, config: PytestConfig) -> TestFile | None:
    """A test file's tests and fixtures with what each references; kept until the file changes. None when it
    cannot be read or parsed."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino, tuple(config.words("python_classes", PYTHON_CLASSES)),
           tuple(config.words("python_functions", PYTHON_FUNCTIONS)))
    cached = _FILES.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
        tree = ast.parse(text, filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        parsed = None
    else:
        parsed = _Scanner(path, text, config).scan(tree)
    _FILES[path] = (key, parsed)
    return parsed


def _text(path: str) -> str:
    """A file's text, kept until the file changes."""
    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = _TEXTS.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    _TEXTS[path] = (key, text)
    return text


def _may_use(path: str, config: PytestConfig, names: Sequence[str], around: dict[str, list[str]]) -> bool:
    """Whether a test file could reference a target at all. The scan resolves only names written in the file,
    its conftests and its folders (a relative import), so a file where these lack any of ``names`` (every
    target's top package and the function's or class's name) is left unparsed: a workspace whose tests never
    name the function costs a read of each test file. ``around``: the conftests of each folder, as found."""
    missing = [name for name in names if name not in path and name not in _text(path)]
    if not missing:
        return True
    folder = os.path.dirname(path)
    if folder not in around:
        around[folder] = conftests(config.rootdir, path)
    return all(any(name in p or name in _text(p) for p in around[folder]) for name in missing)


class _Scanner:
    def __init__(self, path: str, text: str, config: PytestConfig) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.classes = config.words("python_classes", PYTHON_CLASSES)
        self.functions = config.words("python_functions", PYTHON_FUNCTIONS)
        self.module = module_of(path)[0]
        self.bindings: dict[str, str] = {}
        self.stars: list[str] = []
        self.top: set[str] = set()

    def scan(self, tree: ast.Module) -> TestFile:
        out = TestFile(self.path)
        body = list(_top_level(tree.body))
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.bind(node, self.bindings)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.top.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self.top.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        classes = {n.name: n for n in body if isinstance(n, ast.ClassDef)}
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                refs = self.refs(node)
                fixture = _fixture_name(node)
                if fixture:
                    out.fixtures[fixture] = refs
                    continue
                out.helpers[node.name] = refs
                if _matches(node.name, self.functions):
                    out.tests.append(self.test(node.name, node, refs))
            elif isinstance(node, ast.ClassDef):
                out.helpers[node.name] = self.refs(node)
                if _matches(node.name, self.classes) or _is_test_case(node, classes):
                    out.tests.extend(self.class_tests(node, node.name, classes, out))
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                refs = self.refs(node)
                for name in (n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)):
                    out.helpers.setdefault(name, Refs())
                    _merge(out.helpers[name], refs)
        return out

    def class_tests(self, node: ast.ClassDef, prefix: str, classes: dict, out: TestFile, depth: int = 0) -> list[TestDef]:
        """The tests of a test class (with those it inherits from classes of the same file), and of the test
        classes nested in it."""
        unittest_case = _is_test_case(node, classes)
        if depth > 8 or (not unittest_case and any(isinstance(n, ast.FunctionDef) and n.name == "__init__"
                                                   for n in node.body)):
            return []
        shared = self.refs(ast.Module(body=[n for n in node.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
                                      + [ast.Expr(d) for d in node.decorator_list], type_ignores=[]))
        tests, names = [], set()
        sources = [node] + [classes[b.id] for b in node.bases if isinstance(b, ast.Name) and b.id in classes and b.id != node.name]
        for source in sources:
            for child in source.body:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name not in names:
                    refs = self.refs(child)
                    fixture = _fixture_name(child)
                    if fixture:
                        out.fixtures.setdefault(fixture, refs)
                    elif child.name.startswith("test") if unittest_case else _matches(child.name, self.functions):
                        names.add(child.name)
                        _merge(refs, shared)
                        refs.fixtures.discard("self")
                        tests.append(self.test(f"{prefix}::{child.name}", child, refs))
                elif isinstance(child, ast.ClassDef) and source is node and _matches(child.name, self.classes):
                    tests.extend(self.class_tests(child, f"{prefix}::{child.name}", classes, out, depth + 1))
        return tests

    def test(self, name: str, node, refs: Refs) -> TestDef:
        first = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        last = node.end_lineno or node.lineno
        code = textwrap.dedent("\n".join(self.lines[first:last]))
        return TestDef(name, node.lineno - 1, last - 1, code, refs)

    # what a piece of code references ------------------------------------------------------------------------
    def bind(self, node, into: dict[str, str]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    into[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    into[root] = root
            return
        base = self.absolute(node.module or "", node.level)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                self.stars.append(base)
            else:
                into[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name

    def absolute(self, module: str, level: int) -> str | None:
        """``from ..x import y``'s module as an absolute dotted name, from the test file's own package."""
        if not level:
            return module
        parts = self.module.split(".")[:-1]
        if level - 1 > len(parts):
            return None
        base = parts[:len(parts) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def refs(self, node) -> Refs:
        out = Refs()
        local = dict(self.bindings)
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Import, ast.ImportFrom)):
                self.bind(inner, local)
            elif isinstance(inner, ast.Attribute):
                out.attrs.add(inner.attr)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            out.fixtures.update(a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs])
        for chain in _chains(node):
            root, _, rest = chain.partition(".")
            if root in local:
                out.names.add(local[root] + ("." + rest if rest else ""))
            elif root in self.top:
                out.helpers.add(root)
            else:
                out.names.update(f"{star}.{chain}" for star in self.stars)
        return out


def _is_test_case(node: ast.ClassDef, classes: dict, depth: int = 0) -> bool:
    """A ``unittest.TestCase`` subclass (directly or through a class of the same file): pytest collects its
    ``test*`` methods whatever the class is called."""
    for base in node.bases:
        chain = _chains(base)
        if chain and chain[0].split(".")[-1] in ("TestCase", "IsolatedAsyncioTestCase"):
            return True
        if isinstance(base, ast.Name) and base.id in classes and base.id != node.name and depth < 8:
            if _is_test_case(classes[base.id], classes, depth + 1):
                return True
    return False


def _top_level(body):
    """Module-level statements, including those inside module-level ``if``/``try``/``with`` blocks."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            for name in ("body", "orelse", "finalbody"):
                yield from _top_level(getattr(node, name, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                yield from _top_level(handler.body)


def _chains(node) -> list[str]:
    """The dotted names (``a``, ``a.b.c``) read in ``node``, each taken whole."""
    found: list[str] = []

    def dotted(expr) -> str | None:
        if isinstance(expr, ast.Name):
            return expr.id
        if isinstance(expr, ast.Attribute):
            base = dotted(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def visit(expr) -> None:
        if isinstance(expr, (ast.Name, ast.Attribute)):
            chain = dotted(expr)
            if chain:
                found.append(chain)
                return
        for child in ast.iter_child_nodes(expr):
            visit(child)

    visit(node)
    return found


def _fixture_name(node) -> str | None:
    """The name a ``@pytest.fixture`` function provides (its ``name=`` or its own), or None."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        chain = _chains(target)
        if chain and chain[0].split(".")[-1] == "fixture":
            for keyword in (call.keywords if call else []):
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
            return node.name
    return None


def _merge(into: Refs, other: Refs) -> None:
    into.names |= other.names
    into.attrs |= other.attrs
    into.helpers |= other.helpers
    into.fixtures |= other.fixtures


# which tests exercise the function ---------------------------------------------------------------------------
class _Index:
    """The fixtures each test file sees in one search: its own, then its conftests', nearest first."""

    def __init__(self, config: PytestConfig) -> None:
        self.config = config
        self.scopes: dict[str, list[TestFile]] = {}

    def fixture_files(self, parsed: TestFile) -> list[TestFile]:
        if parsed.path not in self.scopes:
            files = [parsed]
            for path in reversed(conftests(self.config.rootdir, parsed.path)):
                conftest = parse_file(path, self.config)
                if conftest is not None and conftest.path != parsed.path:
                    files.append(conftest)
            self.scopes[parsed.path] = files
        return self.scopes[parsed.path]

    def closure(self, parsed: TestFile, refs: Refs) -> Refs:
        """``refs`` with everything its helpers and fixtures reference, transitively (a helper is looked up in
        the file that uses it, a fixture in the test file and then its conftests)."""
        total = Refs(set(refs.names), set(refs.attrs))
        pending = [(parsed, "helper", n) for n in refs.helpers] + [(parsed, "fixture", n) for n in refs.fixtures]
        seen = set()
        files = self.fixture_files(parsed)
        while pending:
            where, kind, name = pending.pop()
            if (where.path, kind, name) in seen:
                continue
            seen.add((where.path, kind, name))
            if kind == "helper":
                found = where.helpers.get(name)
            else:
                where = next((f for f in files if name in f.fixtures), where)
                found = where.fixtures.get(name)
            if found is None:
                continue
            total.names |= found.names
            total.attrs |= found.attrs
            pending.extend((where, "helper", n) for n in found.helpers)
            pending.extend((parsed, "fixture", n) for n in found.fixtures)
        return total


def _targets(problem: Problem) -> tuple[set[str], str | None]:
    """The dotted names a test would use for the function (or, for a method, its class) and the method's name."""
    module, _, folder = module_of(problem.path)
    parts = problem.name.split(".")
    owner = ".".join(parts[:-1]) if len(parts) > 1 else None
    wanted = owner or parts[-1]
    names = {f"{module}.{wanted}"}
    # a package that re-exports the name: ``from pkg import f`` where pkg/__init__.py imports it by name, or
    # star-imports the module (or a package that does) and the name is public
    pieces = module.split(".")
    below = module  # the deepest module known to export the name
    for cut in range(len(pieces) - 1, 0, -1):
        init = os.path.join(folder or "", *pieces[:cut], "__init__.py")
        try:
            with open(init, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError:
            continue
        package = ".".join(pieces[:cut])
        relative = "." + below[len(package) + 1:]
        star = not wanted.startswith("_") and re.search(
            rf"^\s*from\s+({re.escape(relative)}|{re.escape(below)})\s+import\s+\*", text, re.MULTILINE)
        if star or re.search(rf"\b{re.escape(wanted.split('.')[0])}\b", text):
            names.add(f"{package}.{wanted}")
            below = package
    return names, (parts[-1] if owner else None)


def _uses(refs: Refs, targets: set[str], method: str | None) -> bool:
    if not any(n == t or n.startswith(t + ".") for n in refs.names for t in targets):
        return False
    return method is None or method in refs.attrs or any(n.endswith("." + method) for n in refs.names)


def _example(config: PytestConfig, path: str, test: TestDef) -> Example:
    relative = os.path.relpath(path, config.rootdir).replace(os.sep, "/")
    return Example(source=f"{relative}::{test.name}", kind="test", line=test.line, end_line=test.end_line,
                   label=test.name, file=path, expected=test.code)


def is_test_module(path: str, config: PytestConfig | None = None) -> bool:
    """Whether ``path`` is a test file or a conftest (its functions are tests and fixtures, not code under test)."""
    config = config or locate(os.path.dirname(os.path.abspath(path)))
    return os.path.basename(path) == "conftest.py" or _is_test_file(
        os.path.abspath(path), config.rootdir, config.words("python_files", PYTHON_FILES))


def related_tests(problem: Problem, named: Mapping[str, Sequence[str]] | None = None) -> Discovery:
    """The tests that exercise ``problem``'s function: found by the scan, and named in ``named`` (the
    ``relatedTests`` setting: function -> test ids) or in a ``seidr: tests`` line of its docstring."""
    if problem.language != "python" or not problem.path or not os.path.isfile(problem.path):
        return Discovery()
    path = os.path.abspath(problem.path)
    config = locate(os.path.dirname(path))
    if is_test_module(path, config):
        return Discovery()
    index = _Index(config)
    targets, method = _targets(problem)
    found: dict[str, Example] = {}
    # every target reads <top package>...<first part of the name>...
    needles, around = {next(iter(targets)).split(".")[0], problem.name.split(".")[0]}, {}
    for test_path in collected_files(config):
        if not _may_use(test_path, config, needles, around):
            continue
        parsed = parse_file(test_path, config)
        if parsed is None:
            continue
        for test in parsed.tests:
            if _uses(index.closure(parsed, test.refs), targets, method):
                example = _example(config, test_path, test)
                found[example.source] = example
    messages: list[str] = []
    for name in _named_tests(problem, named, config):
        examples = _lookup(name, config)
        if not examples:
            messages.append(f"{problem.name}: no test {name} under {config.rootdir}; check the name "
                            "(a test id such as tests/test_x.py::test_y, a test file, or a test's name)")
        for example in examples:
            found.setdefault(example.source, example)
    ordered = sorted(found.values(), key=lambda e: (e.file or "", e.line))
    return Discovery(tuple(ordered), messages)


def _named_tests(problem: Problem, named: Mapping[str, Sequence[str]] | None, config: PytestConfig) -> list[str]:
    """The tests named for the function in the setting and in its docstring."""
    names: list[str] = []
    for match in _DOCSTRING_LINE.finditer(problem.description or ""):
        names.extend(n for n in re.split(r"[,\s]+", match.group(1).strip()) if n)
    if named:
        module = module_of(problem.path)[0]
        relative = os.path.relpath(os.path.abspath(problem.path), config.rootdir).replace(os.sep, "/")
        keys = {f"{module}.{problem.name}", f"{module}:{problem.name}", f"{relative}::{problem.name}", problem.name}
        for key, value in named.items():
            if key in keys:
                names.extend([value] if isinstance(value, str) else list(value))
    return list(dict.fromkeys(names))


def _lookup(name: str, config: PytestConfig) -> list[Example]:
    """The tests a name means: a test id, a test file (all its tests), a class in one, or a test's bare name
    (``test_y``, ``TestX::test_y``) anywhere in the workspace's test files."""
    file_part, sep, rest = name.partition("::")
    if file_part.endswith(".py"):
        path = file_part if os.path.isabs(file_part) else os.path.join(config.rootdir, file_part)
        parsed = parse_file(os.path.normpath(path), config)
        if parsed is None:
            return []
        base = rest.split("[", 1)[0]
        picked = [t for t in parsed.tests if not sep or t.name == base or t.name.startswith(base + "::")]
        examples = [_example(config, parsed.path, t) for t in picked]
        if sep and "[" in rest and len(examples) == 1:  # one parametrized case, named explicitly
            relative = examples[0].source.split("::", 1)[0]
            examples = [replace(examples[0], source=f"{relative}::{rest}", label=rest)]
        return examples
    out = []
    for test_path in collected_files(config):
        parsed = parse_file(test_path, config)
        for test in parsed.tests if parsed else ():
            if test.name == name or test.name.endswith("::" + name):
                out.append(_example(config, test_path, test))
    return out


def with_related_tests(problem: Problem, enabled: bool = True,
                       named: Mapping[str, Sequence[str]] | None = None) -> tuple[Problem, list[str]]:
    """``problem`` with its related tests after its own examples (unchanged when ``enabled`` is false or it has
    test examples already), and the messages about tests named but not found."""
    if not enabled or any(e.kind == "test" for e in problem.examples):
        return problem, []
    found = related_tests(problem, named)
    if not found.examples:
        return problem, found.messages
    return replace(problem, examples=problem.examples + found.examples), found.messages
