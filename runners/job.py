"""What a Python worker is sent for one program: the module to load and how to find it, the program and the
calls to run; never an expected value."""

from __future__ import annotations

import os
import secrets

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.pytest_config import locate


def module_of(path: str | None) -> tuple[str, str | None, str | None]:
    """(module name, package, folder for ``sys.path``) for the file at ``path``, as pytest's default import
    mode finds them: up through folders with an ``__init__.py``, the first folder without one goes on the path."""
    if not path:
        return "program", None, None
    folder, filename = os.path.split(os.path.abspath(path))
    name = os.path.splitext(filename)[0]
    parts = [] if name == "__init__" else [name]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
        if not package:
            break
    dotted = ".".join(parts) or os.path.basename(folder) or "program"
    package = dotted if name == "__init__" else (dotted.rpartition(".")[0] or None)
    return dotted, package, folder


def own_code(problem: Problem, program: Program) -> bool:
    """Whether ``program`` is the user's own function, unchanged: it runs in the module as it is, and with more
    trust than a candidate (its project in view, its values as returned, a loopback of its own)."""
    return bool(problem.code.strip()) and program.code == problem.code and problem.code in problem.context


def _rootdir(path: str, folder: str | None) -> str | None:
    """The folder pytest is run from for the file at ``path``: the rootdir of its configuration, else the
    folder above its package (where a project without configuration keeps its files)."""
    start = os.path.dirname(os.path.abspath(path))
    config = locate(start)
    return config.rootdir if config.inifile or config.rootdir != start else (folder or start)


def make_job(problem: Problem, program: Program, examples: list[Example], limits: Limits) -> dict:
    """What the worker needs for one program, and nothing it must not see: no expected value."""
    module, package, folder = module_of(problem.path)
    # The user's own function, unchanged, is already in the module: running it again would repeat its
    # decorators' side effects and lose its real line numbers.
    in_context = own_code(problem, program)
    # The user's own code sees its project as pytest's rootdir shows it (``open("data.txt")`` works), read-only:
    # what it writes lands in the scratch folder. A candidate sees none of it (the project's tests are there).
    rootdir = _rootdir(problem.path, folder) if in_context and problem.path else None
    return {
        "nonce": secrets.token_hex(16),
        "module": module,
        "package": package,
        "sys_path": folder,
        "read": [f for f in dict.fromkeys([folder, rootdir]) if f],
        "mirror": rootdir,
        "path": os.path.abspath(problem.path) if problem.path else None,
        "context": problem.context,
        "code": None if in_context else program.code,
        "name": problem.name,
        "examples": [{"source": e.source, "kind": e.kind, "label": e.label} for e in examples],
        "limits": vars(limits),
    }
