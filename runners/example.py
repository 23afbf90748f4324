"""``Example``: one check exactly as the user wrote it, with the document line it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Example:
    """One check. Lines are 0-based document lines, as LSP counts them.

    kind:
      ``doctest`` -- ``source`` is the statement after ``>>>``; ``expected`` is the text doctest expects
      (``want``), or ``exception`` holds the expected exception line (``ValueError: bad``).
      ``assert`` -- ``source`` is a statement that must run without raising (``assert f(1) == 2``);
      ``expected`` is None.
      ``expr`` -- (C++, Rust ``>>>`` lines) ``source`` is an expression, ``expected`` an expression of the
      same language compared with ``==``.
      ``io`` -- a whole-program run: ``stdin`` is fed, ``expected`` is the exact stdout.
      ``spec`` -- a verifier clause (Verus ``requires``/``ensures``); the verifier judges it.
      ``test`` -- a pytest test id in ``source`` (``tests/test_x.py::test_y``, relative to pytest's rootdir);
      ``file`` is the test file's absolute path, ``line``/``end_line`` are lines of that file, ``label`` is the
      test's name (``test_y``, ``TestX::test_y``) and ``expected`` its code as written (what prompts show).

    ``form`` other than ``doctest`` marks an example read from prose (``f(2) ==> 4``): ``expected`` is the
    value's repr, and the result is compared as a value (``1.0`` equals ``1.00``, either quote style).

    ``options`` are the doctest directives written on the example, by name: ``ELLIPSIS`` for
    ``# doctest: +ELLIPSIS``, ``-ELLIPSIS`` for ``-ELLIPSIS`` (a flag turned off, against the runner's defaults).
    """

    source: str
    expected: str | None = None
    line: int = 0
    kind: str = "doctest"
    end_line: int | None = None
    options: frozenset[str] = field(default_factory=frozenset)
    exception: str | None = None
    stdin: str | None = None
    label: str | None = None
    file: str | None = None
    # how the author wrote it: "doctest" (``>>>`` with its output), or the form it was read from in prose
    # (``==>``, ``➞``, ``->``, ``returns``, ``Input/Output``, ...), whose value is compared as a value
    form: str = "doctest"

    @property
    def last_line(self) -> int:
        return self.line if self.end_line is None else self.end_line

    @property
    def skipped(self) -> bool:
        return "SKIP" in self.options

    def describe(self) -> str:
        """A short human-readable form, for messages and prompts."""
        if self.label:
            return self.label
        text = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return text
