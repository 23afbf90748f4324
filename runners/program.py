"""``Program``: candidate code plus where it came from (the user, a draft, a repair, the search)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Program:
    """``code`` is a complete definition of the entry point (for Python, the ``def`` with any imports and
    helpers it needs above it), in the problem's language."""

    code: str
    origin: str = "user"  # user | draft | repair | enumerative | canonical | mutant
    parent: str | None = None
    prompt: str | None = None
    model: str | None = None
    tokens: int = 0
    cost: float = 0.0
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return hashlib.sha1(self.code.encode()).hexdigest()[:12]
