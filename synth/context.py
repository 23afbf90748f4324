"""The code a prompt shows around a function: for Python, the signatures and docstrings of the workspace names
its signature, docstring and examples mention (found with jedi, following imports into sibling modules); for
the compiled languages, the file around the function. Only the synthesis path calls this (jedi takes a
fraction of a second per file), and results are kept per (file, modification time, text)."""
from __future__ import annotations

import builtins
import hashlib
import keyword
import os
import re
import textwrap
import threading
from collections import OrderedDict

from seidr.runners.native import PROGRAM_MARK
from seidr.synth.replies import signature_parameters

MAX_NAMES = 80  # words of the signature, docstring and examples looked up
MAX_DOC_LINES = 12
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 64
_WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?")
_SKIP = set(keyword.kwlist) | set(dir(builtins)) | {"self", "cls", "True", "False", "None"}
# jedi is not thread-safe: two syntheses asking at once (seidr bench runs several) deadlock in its
# subprocess channel, so one lookup runs at a time
_JEDI = threading.Lock()


def workspace_root(path: str) -> str:
    """The folder above ``path`` holding a pyproject.toml or .git, else the file's own folder."""
    folder = os.path.dirname(os.path.abspath(path))
    probe = folder
    while True:
        if any(os.path.exists(os.path.join(probe, marker)) for marker in ("pyproject.toml", ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return folder
        probe = parent


def referenced_words(problem) -> list[str]:
    """Identifiers (``name`` or ``module.name``) in the signature, the description and the examples, minus
    keywords, builtins, the function itself and its parameters."""
    text = "\n".join([problem.signature or "", problem.description or ""] + [
        f"{e.source}\n{e.expected or ''}" for e in problem.examples])
    params = {p.lstrip("*") for p in signature_parameters(problem.signature or "") or ()}
    own = {problem.short_name, *problem.name.split(".")[:-1]}
    words: list[str] = []
    for word in _WORD.findall(text):
        head = word.split(".")[0]
        if head in _SKIP or head in params or word in own or word in words:
            continue
        words.append(word)
    owner = problem.name.rsplit(".", 1)[0] if "." in problem.name else None
    return ([owner] if owner else []) + words[:MAX_NAMES]


def context_for(problem) -> str:
    """What the prompt shows as the code around ``problem``'s function."""
    if problem.language == "python":
        return python_context(problem)
    return native_context(problem)


def native_context(problem) -> str:
    """The file around the function, the function's own place marked."""
    return (problem.context or "").replace(PROGRAM_MARK, "/* the function goes here */").strip("\n")


def python_context(problem) -> str:
    source = problem.context or ""
    if not source.strip():
        return ""
    words = referenced_words(problem)
    path = os.path.abspath(problem.path) if problem.path else None
    try:
        mtime = os.stat(path).st_mtime_ns if path else 0
    except OSError:
        mtime = 0
    key = (path, mtime, hashlib.sha1(source.encode("utf-8", "replace")).hexdigest(), tuple(words))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    try:
        with _JEDI:
            text = _describe(source, path, words, problem)
    except Exception:  # jedi cannot read this module: show its imports, the model still gets the examples
        text = ""
    imports = "\n".join(l for l in source.splitlines() if re.match(r"(from\s+\S+\s+)?import\s", l))
    text = "\n\n".join(p for p in (imports, text) if p)
    _CACHE[key] = text
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return text


def _describe(source: str, path: str | None, words: list[str], problem) -> str:
    import jedi

    root = workspace_root(path) if path else os.getcwd()
    project = jedi.Project(root, added_sys_path=[os.path.dirname(path)] if path else [])
    code = source.rstrip("\n") + "\n\n" + "\n".join(words) + "\n"
    script = jedi.Script(code, path=path, project=project)
    first = len(code.splitlines()) - len(words) + 1
    entries: list[str] = []
    seen: set[tuple] = set()
    for offset, word in enumerate(words):
        column = len(word) - len(word.split(".")[-1])
        try:
            found = script.goto(first + offset, column, follow_imports=True)
        except Exception:  # jedi fails on some constructs; that name is simply not described
            continue
        for name in found[:1]:
            where = (str(name.module_path), name.line)
            if where in seen or not _in_workspace(name, root, path) or name.type not in ("function", "class", "statement"):
                continue
            if name.module_path and path and str(name.module_path) == path and name.name == problem.short_name:
                continue
            seen.add(where)
            entries.append(_entry(name, root, path))
    return "\n\n".join(e for e in entries if e)


def _in_workspace(name, root: str, path: str | None) -> bool:
    module = str(name.module_path) if name.module_path else path
    if module is None or name.in_builtin_module():
        return False
    module = os.path.abspath(module)
    return module == path or (module.startswith(root + os.sep) and f"{os.sep}site-packages{os.sep}" not in module)


def _docstring(name, indent: str) -> str:
    doc = (name.docstring(raw=True) or "").strip()
    if not doc:
        return ""
    lines = doc.splitlines()
    if len(lines) > MAX_DOC_LINES:
        lines = lines[:MAX_DOC_LINES] + ["..."]
    return textwrap.indent('"""' + "\n".join(lines).replace('"""', "'''") + '"""', indent) + "\n"


def _decorators(name) -> str:
    try:
        above = name.get_line_code(before=4).splitlines()[:-1]
    except Exception:
        return ""
    kept = []
    for line in reversed(above):
        if not line.strip().startswith("@"):
            break
        kept.insert(0, line.strip())
    return "".join(l + "\n" for l in kept)


def _function(name, indent: str = "") -> str:
    signatures = name.get_signatures()
    head = signatures[0].to_string() if signatures else f"{name.name}(...)"
    return f"{indent}{_decorators(name)}def {head}:\n" + (_docstring(name, indent + "    ") or "") + f"{indent}    ...\n"


def _entry(name, root: str, path: str | None) -> str:
    module = str(name.module_path) if name.module_path else path
    origin = "" if module == path or module is None else f"# from {os.path.relpath(module, root)}\n"
    if name.type == "function":
        return origin + _function(name)
    if name.type == "class":
        header = name.get_line_code().strip() or f"class {name.name}:"
        out = origin + _decorators(name) + header + "\n" + _docstring(name, "    ")
        for member in name.defined_names():
            if member.name.startswith("_") and member.name != "__init__":
                continue
            if member.type == "function":
                out += _function(member, "    ")
            elif member.type == "statement":
                out += "    " + member.get_line_code().strip()[:160] + "\n"
        return out
    line = name.get_line_code().strip()
    return origin + (line[:200] + " ..." if len(line) > 200 else line) + "\n"
