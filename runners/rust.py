"""The Rust judge: one crate per program built with rustc --edition 2021, each example run in its own
confined process; panics are reported against the example that raised them."""

from __future__ import annotations

import os
import re
import shutil
from importlib import resources
from typing import Sequence

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.native import NativeRunner, place_program
from seidr.runners.problem import Problem
from seidr.runners.program import Program

_MAIN = re.compile(r"\bfn\s+main\s*\(")


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

    def harness(self, problem: Problem, program: Program, examples: Sequence[Example]) -> tuple[str, dict[int, int]]:
        context = problem.context or ""
        crate = _MAIN.sub("fn seidr_user_main(", place_program(context, program.code))
        # the allow sits on the first line so the document's lines stay the crate's lines
        parts = ["#![allow(warnings)] " + crate, _helpers(), "fn main() {",
                 "    let index: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(-1);",
                 "    seidr_harness::begin(index);", "    match index {"]
        line_map: dict[int, int] = {}
        for i, e in enumerate(examples):
            if e.kind == "expr":
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
