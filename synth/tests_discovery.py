"""The workspace's pytest tests that exercise a function: a static scan (``test_scan``) of the test files pytest
would collect (what each test imports and references, through module-level helpers, parametrize and fixtures of
its file and its conftests), plus the tests named in the ``relatedTests`` setting or a ``seidr: tests`` line.

Parsed files are kept until they change on disk, so a save costs a walk of the test folders and nothing more.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.pytest_config import PytestConfig, conftests, locate
from seidr.runners.job import module_of
from seidr.synth.test_scan import PYTHON_CLASSES, PYTHON_FUNCTIONS, Refs, TestDef, TestFile, Scanner

# pytest's defaults for the settings the scan honours
PYTHON_FILES = ("test_*.py", "*_test.py")
NORECURSEDIRS = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
SKIP_FOLDERS = frozenset({"__pycache__", "site-packages"})
MAX_FILES = 5000  # a walk stops here: a workspace this big names its tests in testpaths
WALK_SECONDS = 2.0  # a walk serves the searches of one check (every function of a file) and is then done again
_DOCSTRING_LINE = re.compile(r"^\s*seidr:\s*tests?\b[:\s]*(.*)$", re.IGNORECASE | re.MULTILINE)
_FILES: dict[str, tuple[tuple, "TestFile | None"]] = {}
_TEXTS: dict[str, tuple[tuple, str]] = {}
_WALKS: dict[tuple, tuple[float, list[str]]] = {}


@dataclass
class Discovery:
    """The tests found for one function, as examples, and a message per name that matched no test."""

    examples: tuple[Example, ...] = ()
    messages: list[str] = field(default_factory=list)


# the workspace's test files -----------------------------------------------------------------------------------
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
        parsed = Scanner(path, text, config).scan(tree)
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
