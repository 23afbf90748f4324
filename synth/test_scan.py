"""What a test file holds, read without running it: its tests (functions, classes, ``unittest.TestCase``
methods), its helpers and fixtures, and what each references, resolved through the file's imports."""

from __future__ import annotations

import ast
import fnmatch
import textwrap
from dataclasses import dataclass, field
from typing import Sequence

from seidr.runners.job import module_of
from seidr.runners.pytest_config import PytestConfig

# pytest's defaults for the settings the scan honours
PYTHON_CLASSES = ("Test",)
PYTHON_FUNCTIONS = ("test",)


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


def _matches(name: str, patterns: Sequence[str]) -> bool:
    """pytest's rule for python_classes/python_functions: a prefix, or a glob when the pattern has one."""
    return any(fnmatch.fnmatch(name, p) if any(c in p for c in "*?[") else name.startswith(p) for p in patterns)


class Scanner:
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
