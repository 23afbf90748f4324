"""seidr check beside pytest --doctest-modules on real libraries' sdists (pinned, downloaded by pip into
~/.cache/seidr-bench/projects): examples in their docstrings, examples seidr read, functions seidr fails
while pytest passes every doctest (false failures), and the time of each side.

usage: .venv/bin/python benchmarks/real_projects.py [--projects more-itertools==11.2.1,boltons==26.2.0,...] [--tests]
--tests: seidr check with the projects' own tests beside pytest, per test: false failures and false passes.
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
PYTEST = [sys.executable, "-m", "pytest", "-q", "--color=no", "-p", "no:cacheprovider"]
# The doctests beside pytest as the project's own environment runs them: without pytest-asyncio, a test dependency
# of seidr's that is not the project's (it warns at start, an error where a project sets filterwarnings = error).
# The tests beside pytest with every plugin installed here: seidr's test runner loads the same ones.
DOCTESTS = [*PYTEST, "-p", "no:asyncio", "--doctest-modules"]


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
        for node in ast.walk(tree):  # the module itself first
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                if doc and ">>>" in doc:
                    try:
                        count += len(doctest.DocTestParser().get_examples(doc))
                    except ValueError:
                        pass
    return count


def pytest_outcomes(root: str) -> tuple[dict[str, bool], float]:
    """Each test function pytest collects in the project, by id without its parameters: whether every case of
    it passed; and the seconds the run took."""
    started = time.monotonic()
    # a src/ layout's package is importable as it is once installed (pip install -e), which seidr finds itself
    src = os.path.join(root, "src")
    env = {**os.environ, "PYTHONPATH": src} if os.path.isdir(src) else None
    done = subprocess.run([*PYTEST, "-rA", "-o", "addopts="], cwd=root, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    outcomes: dict[str, bool] = {}
    for line in done.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "FAILED", "ERROR", "XPASS") and "::" in rest:
            test = rest.split(" - ")[0].split("[")[0].strip()
            outcomes[test] = outcomes.get(test, True) and word == "PASSED"
    return outcomes, seconds


def measure_tests(spec: str) -> dict:
    """seidr check with the project's tests beside pytest: tests pytest passes that seidr fails (false
    failures) and tests pytest fails that seidr passes (false passes), each test counted once."""
    root = fetch(spec)
    target = package_of(root, spec.partition("==")[0])
    started = time.monotonic()
    done = subprocess.run([*SEIDR, "check", target, "--json"], cwd=root, capture_output=True, text=True)
    seidr_seconds = time.monotonic() - started
    report = json.loads(done.stdout)
    outcomes, pytest_seconds = pytest_outcomes(root)
    judged: dict[str, bool] = {}
    for file in report["files"]:
        for function in file["functions"]:
            for e in function["examples"]:
                if e.get("kind") == "test" and e["outcome"] != "skipped":
                    test = e["source"].split("[")[0]
                    judged[test] = judged.get(test, True) and e["outcome"] == "passed"
    false_failures = sorted(t for t, ok in judged.items() if not ok and outcomes.get(t))
    false_passes = sorted(t for t, ok in judged.items() if ok and outcomes.get(t) is False)
    return {"project": spec, "tests": len(judged), "pytest_tests": len(outcomes), "false_failures": false_failures,
            "false_passes": false_passes, "seidr_seconds": seidr_seconds, "pytest_seconds": pytest_seconds}


def measure(spec: str) -> dict:
    root = fetch(spec)
    target = package_of(root, spec.partition("==")[0])
    started = time.monotonic()
    done = subprocess.run([*SEIDR, "check", target, "--no-tests", "--json"], cwd=root, capture_output=True, text=True)
    seidr_seconds = time.monotonic() - started
    report = json.loads(done.stdout)
    started = time.monotonic()
    reference = subprocess.run([*DOCTESTS,
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
    parser.add_argument("--tests", action="store_true", help="seidr check with tests beside pytest on the tests")
    args = parser.parse_args()
    if args.tests:
        print(f"{'project':<26} {'tests judged':>12} {'pytest tests':>12} {'false failures':>14} "
              f"{'false passes':>12} {'seidr s':>8} {'pytest s':>8}")
        for spec in args.projects.split(","):
            r = measure_tests(spec)
            print(f"{spec:<26} {r['tests']:>12} {r['pytest_tests']:>12} {len(r['false_failures']):>14} "
                  f"{len(r['false_passes']):>12} {r['seidr_seconds']:>8.1f} {r['pytest_seconds']:>8.1f}")
            for line in r["false_failures"][:8]:
                print(f"    fails under seidr, passes under pytest: {line}")
        return
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
