"""``Problem`` and ``Span``: a function to check or synthesize, with its examples and where it sits."""

from __future__ import annotations

from dataclasses import dataclass, field

from seidr.runners.example import Example


@dataclass(frozen=True)
class Span:
    """A 0-based, end-exclusive-column range in a document (LSP's convention)."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class Problem:
    """One function with its examples.

    ``name`` is the entry point as the examples call it; for a method it is qualified (``Stack.push``).
    ``signature`` is the declaration line(s) (``def add(a: int, b: int) -> int:``).
    ``description`` is the prose of the docstring or doc comment, without the examples.
    ``context`` is the code around the function that a body may use; for Python it is the whole module
    source as the user has it (imports, helpers, constants, the class), executed before the program.
    ``code`` is the function's current source text (decorators to the end of its body), ``code_span``
    where that text sits, ``body_span`` where an implementation goes (after the docstring), ``line`` the
    line of the ``def``/declaration. ``hidden_tests`` are checks for benchmarks that the loop never sees.
    """

    language: str
    name: str
    signature: str = ""
    description: str = ""
    examples: tuple[Example, ...] = ()
    context: str = ""
    code: str = ""
    path: str | None = None
    line: int = 0
    code_span: Span | None = None
    body_span: Span | None = None
    is_stub: bool = False
    hidden_tests: tuple[Example, ...] = ()
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def synthesizable(self) -> bool:
        """False for a class's or a module's docstring examples: checked, never a body to write."""
        return not self.meta.get("docstring_of")

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1].rsplit("::", 1)[-1]

    def checked_examples(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if not e.skipped)
