"""The C++ judge: one harness binary per program (g++ -std=c++17 -O0, precompiled standard header), each
example run in its own confined process that reports the value it computed; expected values are rendered by a
build of their own and compared by the runner."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from importlib import resources
import tempfile
from typing import Mapping, Sequence

from seidr.runners.example import Example
from seidr.runners.native import PROGRAM_MARK, Comparison, NativeRunner, cache_root, loop_local, run_tool
from seidr.runners.problem import Problem
from seidr.runners.program import Program

_NAMESPACE = re.compile(r"^\s*namespace\s+(\w+)\s*\{", re.M)
_EXPECTED_LINE = re.compile(r"expected-(\d+):\d+")


def _header_text() -> str:
    return resources.files("seidr.runners").joinpath("harness/seidr_cpp.hpp").read_text()


class CppRunner(NativeRunner):
    language = "cpp"
    suffix = ".cpp"

    def __init__(self, limits=None, cache: bool = True, compiler: str | None = None, opt: str = "-O0",
                 **options) -> None:
        from seidr.runners.limits import Limits
        super().__init__(limits or Limits(), cache, **options)
        self.compiler = compiler or shutil.which("g++") or "g++"
        self.opt = opt
        self._pch = os.path.join(cache_root(), "cpp", "pch-" + opt.strip("-"), "seidr_std.h")

    def compile_argv(self, source: str, binary: str) -> list[str]:
        return [self.compiler, "-std=c++17", self.opt, "-w", "-include", self._pch, source, "-o", binary]

    async def prepare(self) -> None:
        async with loop_local("cpp-pch", asyncio.Lock):
            if os.path.exists(self._pch):
                return
            folder = os.path.dirname(self._pch)
            os.makedirs(folder, exist_ok=True)
            # built under a name of its own and renamed when whole: a cancelled or failed build (here or in
            # another seidr process) never leaves a header that later compiles would pick up half-written
            fd, tmp = tempfile.mkstemp(prefix="build-", suffix=".h", dir=folder)
            try:
                with os.fdopen(fd, "w") as fh:
                    fh.write("#include <bits/stdc++.h>\n")
                status, _ = await run_tool([self.compiler, "-std=c++17", self.opt, "-w", "-x", "c++-header", tmp,
                                            "-o", tmp + ".gch"], cwd=folder)
                if status == 0 and os.path.exists(tmp + ".gch"):
                    os.replace(tmp + ".gch", self._pch + ".gch")
                os.replace(tmp, self._pch)  # without a .gch the header still works, only slower
            finally:
                for leftover in (tmp, tmp + ".gch"):
                    if os.path.exists(leftover):
                        os.remove(leftover)

    def comparison(self, example: Example) -> Comparison | None:
        return Comparison(example.source, example.expected) if example.kind == "expr" and example.expected else None

    def expectation_source(self, expected: Mapping[int, str]) -> str:
        parts = ['#line 1 "seidr-harness"', _header_text(), "int main() {", "  seidr_harness::begin();"]
        for i, text in sorted(expected.items()):
            parts.append(f'#line 1 "expected-{i}"')
            parts.append(f"  seidr_harness::expected_case({i}, [&]() {{ return ({text}); }});")
        return "\n".join([*parts, "  return 0;", "}", ""])

    def expectation_errors(self, messages: str, expected: Mapping[int, str]) -> set[int]:
        return {int(n) for n in _EXPECTED_LINE.findall(messages)}

    def harness(self, problem: Problem, program: Program, examples: Sequence[Example],
                outside: Mapping[int, str]) -> tuple[str, dict[int, int]]:
        name = os.path.basename(problem.path or "program.cpp")
        first = problem.code_span.start_line + 1 if problem.code_span else 1
        context = problem.context or ""
        if PROGRAM_MARK in context:
            before, after = context.split(PROGRAM_MARK, 1)
        else:
            before, after = context, ""
        after_first = first + 1  # the line after the mark: the blanks that held the original function follow
        parts = [
            "#define main seidr_user_main",
            f'#line 1 "{name}"',
            before,
            f'#line {first} "{name}"',
            program.code,
            f'#line {after_first} "{name}"',
            after.split("\n", 1)[1] if "\n" in after else after,
            "#undef main",
            '#line 1 "seidr-harness"',
            _header_text(),
            # examples call functions as the doc comment's own namespace sees them
            *sorted({f"using namespace {ns};" for ns in _NAMESPACE.findall(context + "\n" + program.code)}),
            "int main(int argc, char** argv) {",
            "  seidr_harness::begin();",
            "  int index = argc > 1 ? std::atoi(argv[1]) : -1;",
            "  switch (index) {",
        ]
        for i, e in enumerate(examples):
            if e.kind == "io":
                body = ("try { seidr_user_main(); seidr_harness::report(%d, \"ran\", \"\"); }"
                        " catch (const std::exception& e) { seidr_harness::report(%d, \"raised\", e.what()); }"
                        % (i, i))
            elif e.kind == "expr" and i in outside:
                # the expected value stays out of the program's binary: the runner compares
                body = f"seidr_harness::value_case({i}, [&]() {{ return ({e.source}); }});"
            elif e.kind == "expr":
                body = (f"seidr_harness::expr_case({i}, [&]() {{ return ({e.source}); }},"
                        f" [&]() {{ return ({e.expected}); }});")
            else:
                body = f'seidr_harness::report({i}, "raised", "seidr cannot run a {e.kind} example in C++");'
            # errors in an example's own expression point at its line in the doc comment
            parts.append(f'#line {e.line + 1} "{name}"')
            parts.append(f"  case {i}: {{ {body} break; }}")
        parts += ["  }", "  return 0;", "}", ""]
        return "\n".join(parts), {}  # #line directives carry the document's lines

    def map_errors(self, output: str, problem: Problem, line_map: dict[int, int]) -> str:
        # #line directives already put the document's own lines in g++'s messages
        return re.sub(r"In function 'int main\(int, char\*\*\)':\n", "", output)
