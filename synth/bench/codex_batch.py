"""Codex Runner's question files, in both of its formats: the README's (``completion`` and ``results = [bools]``)
and the current one (``code`` with ``[[questions.completions.test_results]]`` keeping ``got``, and support files).

A question has ``id``, ``prompt``, optional ``answer_preload`` (shown to the model after the prompt and put
before each completion that does not already start with it), ``[[questions.testcases]]`` with ``code``
(appended after the answer), ``stdin`` and ``expect``, and in the current format ``[[questions.support_files]]``
(``name``, ``text``) placed in the folder each test runs in. A file is written back in the format it was read in.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

README, CURRENT = "readme", "current"


class BatchError(Exception):
    """A batch file that cannot be used; the message names the file and the fix."""


@dataclass
class Testcase:
    code: str = ""
    stdin: str = ""
    expect: str = ""


@dataclass
class TestResult:
    """What one test case printed for one completion (standard output and error together), kept so results
    can be scored again by another strategy."""

    testcase: Testcase
    got: str


@dataclass
class SupportFile:
    name: str
    text: str


@dataclass
class Completion:
    code: str
    results: list[bool] = field(default_factory=list)  # exact comparison, one per test case
    runs: list[TestResult] = field(default_factory=list)  # the current format's test_results

    @property
    def completion(self) -> str:  # the README format's name for the code
        return self.code

    @property
    def pass_ratio(self) -> float:
        return sum(self.results) / len(self.results) if self.results else 0.0


@dataclass
class Question:
    id: str
    prompt: str
    answer_preload: str | None = None
    testcases: list[Testcase] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)
    support_files: list[SupportFile] = field(default_factory=list)

    def model_prompt(self) -> str:
        """What the model is asked: the prompt, then the preload it should continue (as Codex Runner sends it)."""
        preload = (self.answer_preload or "").strip("\n")
        return f"{self.prompt.rstrip()}\n\n{preload}" if preload.strip() else self.prompt

    def with_preload(self, code: str) -> str:
        """The preload before the completion, unless the completion already repeats it (a chat model writes
        the whole function, header included)."""
        preload = self.answer_preload or ""
        first = next((line.strip() for line in preload.splitlines() if line.strip()), "")
        if not first or first in (line.strip() for line in code.splitlines()):
            return code
        joint = "" if preload.endswith("\n") or code.startswith("\n") else "\n"
        return preload + joint + code


@dataclass
class Batch:
    questions: list[Question]
    format: str | None  # README, CURRENT, or None while no completion says which


_FENCE = re.compile(r"```[\w+-]*[ \t]*\n(.*?)```", re.S)


def completion_text(reply: str) -> str:
    """The code of a model's reply: its first fenced block, or the whole reply when it has none (a plain
    completion, as Codex-style models give)."""
    match = _FENCE.search(reply)
    return match.group(1) if match else reply


def _text(row: dict, key: str, where: str) -> str:
    value = row.get(key, "")
    if not isinstance(value, str):
        raise BatchError(f"{where}: {key} must be a string, not {type(value).__name__}")
    return value


def _testcase(row: dict, where: str) -> Testcase:
    if not isinstance(row, dict):
        raise BatchError(f"{where}: a test case must be a table with code, stdin and expect")
    return Testcase(*(_text(row, k, where) for k in ("code", "stdin", "expect")))


def _completion(row: dict, where: str) -> tuple[Completion, str]:
    if "completion" in row:
        results = row.get("results", [])
        if not isinstance(results, list):
            raise BatchError(f"{where}: results must be a list of true/false")
        return Completion(_text(row, "completion", where), [bool(r) for r in results]), README
    runs = [TestResult(_testcase(r, where), _text(r, "got", where)) for r in row.get("test_results", [])]
    exact = [r.got.strip() == r.testcase.expect.strip() for r in runs]
    return Completion(_text(row, "code", where), exact, runs), CURRENT


def load_batch(path: str) -> Batch:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise BatchError(f"{path}: no such file") from None
    except OSError as exc:
        raise BatchError(f"{path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BatchError(f"{path}: not valid TOML ({exc})") from None
    rows = data.get("questions")
    if not isinstance(rows, list):
        raise BatchError(f"{path}: no [[questions]] tables")
    questions, formats, support = [], set(), False
    for number, row in enumerate(rows, 1):
        where = f"{path}: question {number}"
        if "id" not in row or "prompt" not in row:
            raise BatchError(f"{where} needs an id and a prompt")
        completions = []
        for item in row.get("completions", []):
            completion, kind = _completion(item, where)
            completions.append(completion)
            formats.add(kind)
        support = support or bool(row.get("support_files"))
        preload = row.get("answer_preload")
        questions.append(Question(
            id=str(row["id"]), prompt=_text(row, "prompt", where),
            answer_preload=preload if isinstance(preload, str) and preload != "" else None,
            testcases=[_testcase(t, where) for t in row.get("testcases", [])],
            completions=completions,
            support_files=[SupportFile(_text(f, "name", where), _text(f, "text", where))
                           for f in row.get("support_files", [])],
        ))
    if len(formats) > 1:
        raise BatchError(f"{path}: mixes the README format (completion = ...) with the current one (code = ...)")
    return Batch(questions, formats.pop() if formats else CURRENT if support else None)


def load_questions(path: str) -> list[Question]:
    return load_batch(path).questions


def _row(q: Question, fmt: str) -> dict:
    row: dict = {"id": q.id, "prompt": q.prompt}
    if q.answer_preload is not None or fmt == CURRENT:
        row["answer_preload"] = q.answer_preload or ""
    row["testcases"] = [vars(t).copy() for t in q.testcases]
    if fmt == README:
        row["completions"] = [{"completion": c.code, "results": list(c.results)} for c in q.completions]
    else:
        row["completions"] = [{"code": c.code, "test_results": [{**vars(r.testcase), "got": r.got} for r in c.runs]}
                              for c in q.completions]
    if q.support_files:
        row["support_files"] = [vars(f).copy() for f in q.support_files]
    if not row["completions"]:
        del row["completions"]
    return row


def dump_batch(batch: Batch, path: str) -> None:
    """Write the batch in its own format (the current one when nothing decided it), replacing ``path`` whole."""
    import tomli_w

    fmt = batch.format or CURRENT
    text = tomli_w.dumps({"questions": [_row(q, fmt) for q in batch.questions]}, multiline_strings=True)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(fh.name, path)
    except OSError as exc:
        raise BatchError(f"{path}: cannot write it ({exc.strerror}); choose a folder you can write to") from None


def dump_questions(questions: Sequence[Question], path: str, fmt: str = README) -> None:
    dump_batch(Batch(list(questions), fmt), path)
