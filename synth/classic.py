"""The 2022-2023 SEIDR package's calls on seidr's engine: ``develop(task, critic, examples, language='C++', ...)``,
``pbe_critic(task, tests)``, and the program object it returns (``.read()``, ``.avg_score``, ``.pass_rate``)."""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from itertools import zip_longest
from typing import Callable, Sequence

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.runners.program import Program as _Code
from seidr.runners.verdict import Outcome, Verdict

# the keywords only the 2022-2023 signature has; any of them (or a critic in second place) selects it
CLASSIC_KEYWORDS = ("critic", "beam_width", "branching_factor", "max_programs", "log_metrics", "log_program",
                    "log_gpt_call", "batch_size")
# the reference's spellings ("C++", "Python") beside seidr's own
_LANGUAGES = {"c++": "cpp", "cpp": "cpp", "cxx": "cpp", "python": "python", "python3": "python", "py": "python",
              "rust": "rust", "rs": "rust", "verus": "verus"}


BUDGET_KEYWORDS = ("calls", "tokens", "cost_usd", "seconds")


def current_keywords() -> list[str]:
    """The keywords today's ``develop`` takes: its named parameters and the budget's."""
    import inspect

    from seidr.synth.develop import develop as current

    named = [p.name for p in inspect.signature(current).parameters.values() if p.kind is not p.VAR_KEYWORD]
    return [*named, *BUDGET_KEYWORDS]


def language_of(name: str) -> str:
    """seidr's name for a language in either spelling; anything else is one clear error."""
    key = str(name).strip().lower()
    if key not in _LANGUAGES:
        known = "'Python', 'C++', 'Rust'"
        raise ValueError(f"develop: unknown language {name!r}; use one of {known}")
    return _LANGUAGES[key]


def _lines(value) -> list[str]:
    if isinstance(value, str):
        return value.split("\n")
    return [str(line) for line in value]


def io_examples(pairs, label: str = "example") -> tuple[Example, ...]:
    """``(input_lines, output_lines)`` pairs as whole-program examples: the input lines on stdin, the output
    lines expected on stdout."""
    out = []
    for n, pair in enumerate(pairs):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ValueError(f"develop: each {label} must be an (input_lines, output_lines) pair; got {pair!r}")
        inputs, outputs = _lines(pair[0]), _lines(pair[1])
        stdin = "".join(line + "\n" for line in inputs if line != "" or len(inputs) > 1)
        out.append(Example(source="<stdin>", stdin=stdin, expected="\n".join(outputs), kind="io",
                           label=f"{label} {n + 1}", line=n))
    return tuple(out)


def correctness(expected: Sequence[str], actual: Sequence[str]) -> float:
    """The reference's score of one run: the share of expected output lines the program printed, line by line."""
    pairs = list(zip_longest(expected, actual))
    return sum(e == a for e, a in pairs) / len(pairs) if pairs else 1.0


@dataclass(frozen=True)
class TestRun:
    """One test of a program, as the reference reports it."""

    input_lines: list[str]
    expected_output_lines: list[str]
    output_lines: list[str]
    correctness: float
    error: str | None = None


def _runner(language: str):
    if language == "python":
        from seidr.synth.bench.stdio import StdioRunner

        return StdioRunner()
    from seidr.synth.develop import runner_for

    return runner_for(language)


def _problem(language: str, description: str, examples: tuple[Example, ...]) -> Problem:
    signature = "def main():" if language == "python" else "int main()" if language == "cpp" else "fn main()"
    return Problem(language=language, name="main", signature=signature, description=description.strip(),
                   examples=examples, is_stub=True)


def _runs(examples: tuple[Example, ...], verdict: Verdict) -> list[TestRun]:
    runs = []
    for example, result in zip(examples, verdict.results):
        expected = (example.expected or "").rstrip("\n").split("\n")
        printed = (result.actual or "").rstrip("\n")
        actual = printed.split("\n") if printed else []
        score = 1.0 if result.outcome is Outcome.PASSED else correctness(expected, actual)
        error = None if result.outcome in (Outcome.PASSED, Outcome.FAILED) else (result.message or verdict.error)
        runs.append(TestRun((example.stdin or "").rstrip("\n").split("\n"), expected, actual, score, error))
    return runs


class Program:
    """A program as the reference's ``programlib.Program`` shows it: its code, its language, and its scores on
    the tests it was last judged on."""

    def __init__(self, code: str, language: str = "C++", test_runs: list[TestRun] | None = None):
        self.code = code
        self.language = language_of(language)
        self.test_runs = list(test_runs or [])

    def read(self) -> str:
        return self.code

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.code)

    @property
    def avg_score(self) -> float:
        return sum(r.correctness for r in self.test_runs) / len(self.test_runs) if self.test_runs else 0.0

    @property
    def pass_rate(self) -> float:
        return sum(r.correctness == 1 for r in self.test_runs) / len(self.test_runs) if self.test_runs else 0.0

    def test(self, tests) -> list[TestRun]:
        """Run the program on ``(input_lines, output_lines)`` pairs in seidr's sandbox; the runs also become
        the program's scores."""
        examples = io_examples(tests, "test")
        problem = _problem(self.language, "", examples)

        async def judge() -> Verdict:
            runner = _runner(self.language)
            try:
                return (await runner.judge(problem, [_Code(self.code)]))[0]
            finally:
                await runner.close()

        self.test_runs = _runs(examples, asyncio.run(judge()))
        return self.test_runs

    def __repr__(self) -> str:
        return f"Program(language={self.language!r}, pass_rate={self.pass_rate:.2f})"


class PbeCritic:
    """``pbe_critic``'s result: called on a program it runs the tests and returns ``(program, debug prompt)``,
    as the reference's critic does; ``develop`` also judges every candidate on its tests."""

    def __init__(self, task_description: str, tests, debug_template: str = "Make sure {i} -> {o}"):
        self.task_description = task_description
        self.tests = list(tests)
        self.debug_template = debug_template
        io_examples(self.tests, "test")  # a malformed test is reported now, not in the middle of a search

    def __call__(self, program: Program) -> tuple[Program, str]:
        runs = program.test(self.tests)
        failing = next((r for r in runs if r.correctness < 1), None)
        if failing is None:
            return program, ""
        if failing.error:
            return program, f"Fix {failing.error}"
        shown_in, shown_out = "\\n".join(failing.input_lines), "\\n".join(failing.expected_output_lines)
        return program, self.debug_template.format(i=shown_in, o=shown_out)


def pbe_critic(task_description: str, tests, debug_template: str = "Make sure {i} -> {o}") -> PbeCritic:
    """A programming-by-example critic: the program must print each test's output lines for its input lines."""
    return PbeCritic(task_description, tests, debug_template)


class _Recording:
    """The search's runner, keeping each verdict so the reference's per-program metrics can be reported."""

    def __init__(self, runner) -> None:
        self.runner = runner
        self.language = runner.language
        self.verdicts: dict[str, Verdict] = {}

    async def judge(self, problem, programs, **kwargs):
        verdicts = await self.runner.judge(problem, programs, **kwargs)
        if not kwargs.get("hidden"):
            for program, verdict in zip(programs, verdicts):
                self.verdicts[program.id] = verdict
        return verdicts

    async def close(self) -> None:
        await self.runner.close()


def _settings(model: str | None, api_base: str | None, layer: dict, settings: dict | None):
    from seidr.synth.config_file import read_config_file
    from seidr.synth.settings import load_settings

    found, problems = read_config_file(os.getcwd())
    env = {k: v for k, v in (("model", os.environ.get("SEIDR_MODEL")), ("apiBase", os.environ.get("SEIDR_API_BASE")))
           if v}
    call = {**layer, **({"model": model} if model else {}), **({"apiBase": api_base} if api_base else {})}
    merged, bad = load_settings(found, env, settings or {}, call)
    problems += bad
    if problems:
        raise ValueError("develop: " + "; ".join(problems))
    return merged


def develop(task_description: str, critic: Callable | None = None, examples=(), language: str = "C++",
            beam_width: int = 100, branching_factor: int = 10, max_programs: int | None = None,
            log_metrics: Callable = print, log_program: Callable = lambda p: print(p.read()),
            log_gpt_call: Callable = lambda **kwargs: print(kwargs), batch_size: int = 10, *,
            model: str | None = None, api_base: str | None = None, settings: dict | None = None) -> Program | None:
    """The reference's ``develop``: a program that prints each example's (and the critic's tests') output lines.

    ``beam_width`` bounds the drafts and the beam (seidr keeps at most 256 and 64), ``branching_factor`` is
    the repairs per program (at most 64), ``max_programs`` the programs judged (it bounds model calls: each
    call yields at least one), ``batch_size`` the drafts asked for in one request. The model comes from the
    call, ``$SEIDR_MODEL``, or the settings file (``seidr.toml`` / ``[tool.seidr]``). Returns the best program
    (the reference returns the last improvement, which is the same), or None when none was written."""
    from seidr.synth.develop import develop_problem
    from seidr.synth.events import Events

    lang = language_of(language)
    tests = list(getattr(critic, "tests", []) or [])
    if critic is not None and not callable(critic):
        raise ValueError("develop: the critic must be pbe_critic(...) or a function of a program")
    seen, combined = set(), []
    for example in (*io_examples(examples), *io_examples(tests, "test")):
        if (example.stdin, example.expected) not in seen:
            seen.add((example.stdin, example.expected))
            combined.append(example)
    if not combined:
        raise ValueError("develop needs at least one (input_lines, output_lines) example")
    search = {"drafts": max(1, min(int(beam_width), int(batch_size), 256)), "beamWidth": max(1, min(int(beam_width), 64)),
              "repairs": max(1, min(int(branching_factor), 64))}
    layer = {"strategy": "seidr", "search": search, **({"budget": {"calls": int(max_programs)}} if max_programs else {})}
    merged = _settings(model, api_base, layer, settings)
    problem = _problem(lang, task_description, tuple(combined))
    runner = _Recording(_runner(lang))
    judged = [0]
    codes: dict[str, str] = {}
    logged: list[str | None] = [None]

    def scored(program_id: str, verdict: Verdict) -> Program:
        return Program(codes.get(program_id, ""), lang, _runs(problem.examples, verdict))

    def improved(program: Program, program_id: str) -> None:
        logged[0] = program_id
        log_metrics({"best_avg_score": program.avg_score, "best_pass_rate": program.pass_rate})
        log_program(program)

    def sink(event) -> None:
        if event.kind == "drafted":
            codes.update((p["id"], p["code"]) for p in event.data.get("programs", []))
            log_gpt_call(**{k: event.data.get(k) for k in ("origin", "count", "replies")})
        elif event.kind == "judged":
            for item in event.data.get("verdicts", []):
                verdict = runner.verdicts.get(item["id"])
                if verdict is not None:
                    program = scored(item["id"], verdict)
                    log_metrics({"idx": judged[0], "avg_score": program.avg_score, "pass_rate": program.pass_rate})
                    judged[0] += 1
        elif event.kind == "best" and event.data.get("program") not in (logged[0], None):
            verdict = runner.verdicts.get(event.data["program"])
            if verdict is not None and event.data["program"] in codes:
                improved(scored(event.data["program"], verdict), event.data["program"])

    async def search():
        try:
            return await develop_problem(problem, merged, Events([sink]), runner=runner)
        finally:
            await runner.close()

    ranking = asyncio.run(search())
    if ranking.best is None:
        return None
    best = ranking.best
    result = Program(best.program.code, lang, _runs(problem.examples, best.verdict))
    if logged[0] != best.program.id:
        improved(result, best.program.id)
    return result
