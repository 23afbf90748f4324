"""The Rust judge: one crate per program built with rustc --edition 2021, each example run in its own
confined process that reports the value it computed (expected values are rendered by a build of their own and
compared by the runner); panics are reported against the example that raised them."""

from __future__ import annotations

import os
import re
import shutil
from importlib import resources
from typing import Mapping, Sequence

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.native import Comparison, NativeRunner, place_program
from seidr.runners.problem import Problem
from seidr.runners.program import Program

_MAIN = re.compile(r"\bfn\s+main\s*\(")
_ASSERT = re.compile(r"^\s*(assert_eq|assert_ne|assert)!\s*\((.*)\)\s*;?\s*$", re.S)
_ERROR_LINE = re.compile(r"program\.rs:(\d+):")
_OPEN, _CLOSE = "([{", ")]}"


def macro_arguments(text: str) -> list[str]:
    """The comma-separated arguments of a macro call, split at top level (outside brackets, strings,
    characters and the angle brackets of a turbofish)."""
    parts, depth, angles, start, i, quote = [], 0, 0, 0, 0, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c == '"' or (c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:])):
            quote = c
        elif text.startswith("::<", i) or (c == "<" and angles):
            angles += 1
            i += 2 if c == ":" else 0
        elif c == ">" and angles:
            angles -= 1
        elif c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif c == "," and depth == 0 and angles == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _helpers() -> str:
    return resources.files("seidr.runners").joinpath("harness/seidr_rust.rs").read_text()


class RustRunner(NativeRunner):
    language = "rust"
    suffix = ".rs"

    def __init__(self, limits: Limits | None = None, cache: bool = True, compiler: str | None = None,
                 **options) -> None:
        super().__init__(limits or Limits(), cache, **options)
        self.compiler = compiler or shutil.which("rustc") or "rustc"

    def compile_argv(self, source: str, binary: str) -> list[str]:
        return [self.compiler, "--edition", "2021", "-C", "opt-level=0", "-A", "warnings", source, "-o", binary]

    def comparison(self, example: Example) -> Comparison | None:
        if example.kind == "expr" and example.expected:
            return Comparison(example.source, example.expected)
        m = _ASSERT.match(example.source) if example.kind == "assert" else None
        if not m:
            return None
        args = macro_arguments(m.group(2))
        if m.group(1) == "assert" and args:
            return Comparison(args[0], "true")
        if len(args) >= 2:
            return Comparison(args[0], args[1], negate=m.group(1) == "assert_ne")
        return None

    def failure(self, example: Example, actual: str, expected: str) -> tuple[str | None, str]:
        if example.kind != "assert":
            return example.expected, actual
        if example.source.lstrip().startswith("assert!"):
            return example.source, "assertion failed"
        op = "!=" if example.source.lstrip().startswith("assert_ne") else "=="
        return example.source, f"assertion `left {op} right` failed\n  left: {actual}\n right: {expected}"

    def expectation_source(self, expected: Mapping[int, str]) -> str:
        parts = ["#![allow(warnings)]", _helpers(), "fn main() {", "    seidr_harness::begin(-1);"]
        for i, text in sorted(expected.items()):
            parts.append(f"    {{ let value = ({text}); seidr_harness::expected({i}, &value); }} // {i}")
        return "\n".join([*parts, "}", ""])

    def expectation_errors(self, messages: str, expected: Mapping[int, str]) -> set[int]:
        lines = self.expectation_source(expected).split("\n")
        found = set()
        for n in _ERROR_LINE.findall(messages):
            m = re.search(r"// (\d+)$", lines[int(n) - 1]) if 0 < int(n) <= len(lines) else None
            if m:
                found.add(int(m.group(1)))
        return found

    def harness(self, problem: Problem, program: Program, examples: Sequence[Example],
                outside: Mapping[int, str]) -> tuple[str, dict[int, int]]:
        context = problem.context or ""
        crate = _MAIN.sub("fn seidr_user_main(", place_program(context, program.code))
        # the allow sits on the first line so the document's lines stay the crate's lines
        parts = ["#![allow(warnings)] " + crate, _helpers(), "fn main() {",
                 "    let index: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(-1);",
                 "    seidr_harness::begin(index);", "    match index {"]
        line_map: dict[int, int] = {}
        for i, e in enumerate(examples):
            if i in outside:
                # the expected value stays out of the program's binary: the runner compares
                body = (f'let actual = ({self.comparison(e).actual}); '
                        f'seidr_harness::report("value", &format!("{{:?}}", actual)); seidr_harness::finish();')
            elif e.kind == "expr":
                body = (f"let actual = ({e.source}); let ok = actual == ({e.expected}); "
                        f'seidr_harness::report(if ok {{ "ok" }} else {{ "fail" }}, &format!("{{:?}}", actual));')
            elif e.kind == "assert":
                body = f'{e.source.rstrip(";")}; seidr_harness::report("ok", "");'
            elif e.kind == "io":
                body = 'seidr_user_main(); seidr_harness::report("ran", "");'
            else:
                body = f'seidr_harness::report("panicked", "seidr cannot run a {e.kind} example in Rust");'
            line_map["\n".join(parts).count("\n") + 2] = e.line + 1
            parts.append(f"        {i} => {{ {body} }}")
        parts += ["        _ => {}", "    }", "}", ""]
        return "\n".join(parts), line_map

    def map_errors(self, output: str, problem: Problem, line_map: dict[int, int]) -> str:
        name = os.path.basename(problem.path or "program.rs")
        # the crate keeps the document's lines up to the end of the program; example code moves to its doc line
        return re.sub(r"program\.rs:(\d+):",
                      lambda m: f"{name}:{line_map.get(int(m.group(1)), int(m.group(1)))}:", output)
