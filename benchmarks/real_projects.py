"""seidr check beside pytest --doctest-modules on real libraries' sdists (pinned, downloaded by pip into
~/.cache/seidr-bench/projects): examples in their docstrings, examples seidr read, functions seidr fails
while pytest passes every doctest (false failures), and the time of each side.

usage: .venv/bin/python benchmarks/real_projects.py [--projects more-itertools==11.2.1,boltons==26.2.0,...]
"""
from __future__ import annotations

import argparse
import ast
import doctest
import glob
import json
import os
import subprocess
import sys
import tarfile
import time

CACHE = os.path.expanduser("~/.cache/seidr-bench/projects")
PROJECTS = "more-itertools==11.2.1,boltons==26.2.0,toolz==1.0.0,humanize==4.12.1,sortedcontainers==2.4.0"
SEIDR = [sys.executable, "-m", "seidr"]


def fetch(spec: str) -> str:
    """The unpacked sdist's folder, downloaded once."""
    name, _, version = spec.partition("==")
    os.makedirs(CACHE, exist_ok=True)
    stem = f"{name.replace('-', '_')}-{version}"
    for candidate in (stem, f"{name}-{version}"):
        if os.path.isdir(os.path.join(CACHE, candidate)):
            return os.path.join(CACHE, candidate)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", spec, "-d",
                    CACHE], check=True, capture_output=True)
    archive = next(p for p in glob.glob(os.path.join(CACHE, "*.tar.gz"))
                   if os.path.basename(p).lower().startswith((stem.lower(), f"{name}-{version}".lower())))
    with tarfile.open(archive) as tar:
        tar.extractall(CACHE, filter="data")
    return archive[:-len(".tar.gz")]


def package_of(root: str, name: str) -> str:
    for candidate in (name.replace("-", "_"), name.replace("-", ""), name):
        for base in (root, os.path.join(root, "src")):
            if os.path.isdir(os.path.join(base, candidate)) or os.path.isfile(os.path.join(base, candidate + ".py")):
                return os.path.relpath(os.path.join(base, candidate + ("" if os.path.isdir(
                    os.path.join(base, candidate)) else ".py")), root)
    raise SystemExit(f"{name}: cannot find its package in {root}")


def docstring_examples(target: str) -> int:
    files = [target] if target.endswith(".py") else glob.glob(os.path.join(target, "**", "*.py"), recursive=True)
    count = 0
    for path in files:
        try:
            tree = ast.parse(open(path, encoding="utf-8").read())
        except (SyntaxError, UnicodeError):
            continue
        for node in [tree, *ast.walk(tree)]:
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                if doc and ">>>" in doc:
                    try:
                        count += len(doctest.DocTestParser().get_examples(doc))
                    except ValueError:
                        pass
    return count


def measure(spec: str) -> dict:
    root = fetch(spec)
    target = package_of(root, spec.partition("==")[0])
    started = time.monotonic()
    done = subprocess.run([*SEIDR, "check", target, "--no-tests", "--json"], cwd=root, capture_output=True, text=True)
    seidr_seconds = time.monotonic() - started
    report = json.loads(done.stdout)
    started = time.monotonic()
    reference = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules",
                                target], cwd=root, capture_output=True, text=True)
    pytest_seconds = time.monotonic() - started
    failing = [f"{file['path']}:{f['line']} {f['name']}" for file in report["files"] for f in file["functions"]
               if f["status"] == "failed"]
    doctest_ok = reference.returncode == 0
    return {"project": spec, "in_docstrings": docstring_examples(os.path.join(root, target)),
            # every example read, those marked +SKIP included (read, and skipped as doctest skips them)
            "read": sum(len(f["examples"]) for file in report["files"] for f in file["functions"]), "seidr_failing": failing, "pytest_passes": doctest_ok,
            "pytest_tail": reference.stdout.strip().splitlines()[-1] if reference.stdout.strip() else "",
            "seidr_seconds": seidr_seconds, "pytest_seconds": pytest_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default=PROJECTS)
    args = parser.parse_args()
    print(f"{'project':<26} {'in docstrings':>13} {'read':>5} {'false failures':>14} {'seidr s':>8} "
          f"{'pytest s':>8} {'ratio':>6}  pytest --doctest-modules")
    for spec in args.projects.split(","):
        r = measure(spec)
        false = len(r["seidr_failing"]) if r["pytest_passes"] else f"({len(r['seidr_failing'])})"
        print(f"{spec:<26} {r['in_docstrings']:>13} {r['read']:>5} {false:>14} {r['seidr_seconds']:>8.1f} "
              f"{r['pytest_seconds']:>8.1f} {r['seidr_seconds'] / r['pytest_seconds']:>6.1f}  {r['pytest_tail']}")
        for line in r["seidr_failing"][:5]:
            print(f"    fails under seidr: {line}")


if __name__ == "__main__":
    main()
