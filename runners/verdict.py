"""``Verdict``: what a runner saw when it judged one program, per example and as a whole."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace

from seidr.runners.example import Example

# control characters but newline and tab: a program's output must not drive the terminal or editor it is shown in
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str | None) -> str | None:
    """``text`` with each control character (an escape sequence's ESC, a carriage return, a bell) shown as its
    ``\\xNN`` escape: what a program printed is shown, never obeyed, by a terminal or a diagnostic."""
    if not text or not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class Outcome(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"  # ran, produced something other than what was expected
    ERROR = "error"  # raised, crashed, did not compile
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ExampleResult:
    example: Example
    outcome: Outcome
    expected: str | None = None
    actual: str | None = None
    message: str | None = None  # the exception line, the crash, the timeout; on a pass, a note for the user
    output: str = ""  # what the program printed while this example ran (capped)
    line: int | None = None  # 0-based line where it failed, in the example's file (a test's failing assert)

    def __post_init__(self):  # made after the comparison: only what is shown changes
        for name in ("actual", "message", "output"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED

    def summary(self) -> str:
        """One line for a diagnostic or an instruction: ``expected 3, got 4``."""
        if self.outcome is Outcome.PASSED:
            return "passed"
        if self.outcome is Outcome.SKIPPED:
            return "skipped"
        if self.outcome is Outcome.TIMEOUT:
            return self.message or "timed out"
        if self.outcome is Outcome.ERROR:
            return self.message or "error"
        if self.example.kind == "test":  # a failed test says what its assertion said
            return self.message or "failed"
        expected = (self.expected or "").strip() or "nothing"
        actual = (self.actual or "").strip() or "nothing"
        return f"expected {expected}, got {actual}"


@dataclass(frozen=True)
class Verdict:
    """``results`` has one entry per example, in the problem's order. ``error`` is a whole-program failure
    (the module did not load, the code did not compile, the worker died) and fails every example.
    ``output`` keeps compiler or verifier text for feedback. ``graded`` is a runner's own score in [0, 1]
    (a verifier's); otherwise the score is the fraction of examples passed."""

    results: tuple[ExampleResult, ...] = ()
    error: str | None = None
    output: str = ""
    graded: float | None = None
    seconds: float = 0.0
    cached: bool = False
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "error", printable(self.error))
        object.__setattr__(self, "output", printable(self.output))

    @property
    def counted(self) -> tuple[ExampleResult, ...]:
        return tuple(r for r in self.results if r.outcome is not Outcome.SKIPPED)

    @property
    def n_passed(self) -> int:
        return sum(1 for r in self.counted if r.passed)

    @property
    def n_total(self) -> int:
        return len(self.counted)

    @property
    def score(self) -> float:
        if self.graded is not None:
            return self.graded
        if self.error is not None or not self.counted:
            return 0.0
        return self.n_passed / self.n_total

    @property
    def passed(self) -> bool:
        """True only when the runner itself saw every check pass."""
        if self.error is not None:
            return False
        if self.graded is not None and not self.counted:
            return self.graded >= 1.0
        return bool(self.counted) and all(r.passed for r in self.counted)

    @property
    def failures(self) -> tuple[ExampleResult, ...]:
        return tuple(r for r in self.counted if not r.passed)

    def as_cached(self) -> "Verdict":
        return replace(self, cached=True)
