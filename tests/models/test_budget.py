"""The budget: calls reserved before they are sent, tokens and dollars counted as replies come in, the reason
a search stops, and a spend summary that says when a price was unknown."""
from __future__ import annotations

import pytest

from seidr.synth.budget import Budget, BudgetExhausted
from seidr.synth.settings import load_settings


def test_reserved_calls_count_so_concurrent_requests_stop_at_the_limit():
    budget = Budget(calls=2)
    budget.reserve()
    budget.reserve()
    with pytest.raises(BudgetExhausted, match="^model calls 2 of 2$"):
        budget.reserve()
    budget.check(own=1)  # a request that holds its own reservation may still go
    budget.charge(calls=1, tokens=30, cost=0.01, reserved=True)
    budget.release()  # the other request failed: its call is given back
    budget.reserve()
    assert budget.summary()["calls"] == 1 and budget.exhausted == "model calls 2 of 2"


def test_tokens_and_cost_stop_the_next_request_once_spent():
    budget = Budget(tokens=100, cost_usd=0.5)
    budget.charge(calls=1, tokens=60, cost=0.1)
    budget.check()
    budget.charge(calls=1, tokens=60, cost=0.1)
    assert budget.exhausted == "tokens 120 of 100"
    budget = Budget(cost_usd=0.5)
    budget.charge(calls=1, cost=0.75)
    assert budget.exhausted == "cost $0.75 of $0.5" and budget.fraction() == 1.0


def test_the_summary_counts_cached_replies_and_says_once_that_a_price_was_unknown():
    budget = Budget(calls=10)
    budget.charge(calls=2, tokens=40)
    budget.count_cached(3)
    budget.price_unknown("openai/local")
    budget.price_unknown("openai/local")
    summary = budget.summary()
    assert (summary["calls"], summary["tokens"], summary["cost_usd"], summary["cached"]) == (2, 40, 0.0, 3)
    assert summary["note"] == "price unknown for openai/local; counted tokens only"
    assert budget.fraction() == pytest.approx(0.2, abs=0.05)


def test_the_budget_comes_from_the_settings():
    settings, _ = load_settings({"budget": {"calls": 7, "tokens": 900, "costUsd": 0.25, "seconds": 30}})
    budget = Budget.from_settings(settings.budget)
    assert budget.limits == {"calls": 7, "tokens": 900, "cost_usd": 0.25, "seconds": 30}
    assert 29 < budget.remaining_seconds() <= 30
