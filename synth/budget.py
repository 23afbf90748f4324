"""What one search may spend on the model: calls, tokens, US dollars and wall seconds, and what it spent.

A call is a request sent to the provider. Replies served from the disk cache cost nothing and count against
no limit (they are counted apart, as ``cached``). Requests reserve their call before they are sent, so
concurrent requests never go past the call limit; tokens and cost are known only when a reply comes back,
so those limits are checked before each request is sent.
"""
from __future__ import annotations

import time


class BudgetExhausted(Exception):
    """A limit is reached; ``reason`` is the one line the user sees (``model calls 40 of 40``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Budget:
    def __init__(self, calls: int | None = None, tokens: int | None = None, cost_usd: float | None = None,
                 seconds: float | None = None):
        self.limits = {"calls": calls, "tokens": tokens, "cost_usd": cost_usd, "seconds": seconds}
        self.used = {"calls": 0, "tokens": 0, "cost_usd": 0.0}
        self.reserved = 0
        self.cached = 0
        self.unpriced: list[str] = []  # models whose price litellm does not know: their cost is not counted
        self.start = time.monotonic()

    @classmethod
    def from_settings(cls, budget) -> "Budget":
        return cls(budget.calls, budget.tokens, budget.cost_usd, budget.seconds)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining_seconds(self) -> float | None:
        limit = self.limits["seconds"]
        return None if limit is None else limit - self.elapsed()

    @property
    def exhausted(self) -> str | None:
        """Why nothing more may be spent, or None. Calls in flight count as spent."""
        return self.limit_reached()

    def limit_reached(self, own: int = 0) -> str | None:
        """The limit reached, or None; ``own`` calls the caller reserved itself are not counted against it."""
        calls, tokens, cost, seconds = (self.limits[k] for k in ("calls", "tokens", "cost_usd", "seconds"))
        if calls is not None and self.used["calls"] + self.reserved - own >= calls:
            return f"model calls {self.used['calls'] + self.reserved - own} of {calls}"
        if tokens is not None and self.used["tokens"] >= tokens:
            return f"tokens {self.used['tokens']} of {tokens}"
        if cost is not None and self.used["cost_usd"] >= cost:
            return f"cost ${self.used['cost_usd']:.4g} of ${cost:g}"
        if seconds is not None and self.elapsed() >= seconds:
            return f"time {self.elapsed():.1f} s of {seconds:g} s"
        return None

    def check(self, own: int = 0) -> None:
        """Raise ``BudgetExhausted`` when a limit is reached; ``own`` calls the caller reserved itself are not
        counted against it."""
        reason = self.limit_reached(own)
        if reason:
            raise BudgetExhausted(reason)

    def reserve(self) -> None:
        """Claim one call before sending it; ``charge`` or ``release`` settles the claim."""
        self.check()
        self.reserved += 1

    def release(self) -> None:
        """A reserved call that was not made or brought nothing back (it failed)."""
        self.reserved = max(0, self.reserved - 1)

    def charge(self, calls: int = 0, tokens: int = 0, cost: float = 0.0, *, reserved: bool = False) -> None:
        """Count what a reply cost; ``reserved`` settles a claim made with ``reserve``."""
        if reserved:
            self.release()
        self.used["calls"] += calls
        self.used["tokens"] += tokens
        self.used["cost_usd"] += cost

    def count_cached(self, replies: int) -> None:
        self.cached += replies

    def price_unknown(self, model: str) -> None:
        if model not in self.unpriced:
            self.unpriced.append(model)

    def fraction(self) -> float:
        """How much of the tightest limit is spent, in [0, 1] (0 when nothing is limited)."""
        spent = {**self.used, "seconds": self.elapsed()}
        return min(1.0, max((spent[k] / v for k, v in self.limits.items() if v), default=0.0))

    def summary(self) -> dict:
        out = {"calls": self.used["calls"], "tokens": self.used["tokens"], "cost_usd": round(self.used["cost_usd"], 6),
               "seconds": round(self.elapsed(), 3), "cached": self.cached}
        if self.unpriced:
            out["note"] = f"price unknown for {', '.join(self.unpriced)}; counted tokens only"
        return out
