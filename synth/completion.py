"""What a model gives back (``Completion``) and the one error it raises (``ModelError``), shared by the live
model and the recorded one."""
from __future__ import annotations

from dataclasses import dataclass


class ModelError(Exception):
    """The model cannot be used (no key, a rejected key, an unknown model, a request it refuses, a provider
    that keeps failing); the message is one line for the user, naming the cause and the fix. ``service`` says
    the provider failed (unreachable, timing out, rate limited, erring), not the setup."""

    def __init__(self, message: str, *, service: bool = False):
        super().__init__(message)
        self.service = service


@dataclass(frozen=True)
class Completion:
    """One reply. ``tokens_*`` and ``cost`` are this reply's share of its request (zero when ``cached``:
    nothing was spent on it in this run); ``index`` is its sample index in the ``sample`` call."""

    text: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    cached: bool = False
    index: int = 0
    finish_reason: str = ""
