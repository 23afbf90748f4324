"""Verus extraction: the Rust functions of a `verus! { ... }` file, with each requires/ensures clause as a
`spec` example the verifier judges, next to any doc examples."""

from __future__ import annotations

import re
from dataclasses import replace

from seidr.runners.example import Example
from seidr.synth.extract import Extraction
from seidr.synth.extract import rust

_CLAUSE = re.compile(r"^\s*(requires|ensures|decreases)\b\s*(.*)$")


def spec_clauses(signature: str, first_line: int) -> list[Example]:
    """One example per clause line of the header: ``ensures r == a + b,`` -> ``ensures r == a + b``."""
    out: list[Example] = []
    keyword = None
    for i, text in enumerate(signature.splitlines()):
        m = _CLAUSE.match(text)
        if m:
            keyword, text = m.group(1), m.group(2)
        if keyword in ("requires", "ensures") and text.strip().rstrip(","):
            clause = text.strip().rstrip(",")
            out.append(Example(source=clause, line=first_line + i, kind="spec", label=f"{keyword} {clause}",
                               options=frozenset({keyword})))
    return out


def extract(text: str, path: str | None = None) -> Extraction:
    result = rust.extract(text, path, language="verus")
    result.problems = [
        replace(p, examples=tuple(spec_clauses(p.signature, p.line)) + p.examples)
        for p in result.problems
    ]
    return result
