"""``develop()`` end to end: litellm over HTTP to a scripted local server, programs judged for real."""
from __future__ import annotations

from seidr import develop

WRONG = "Here you go:\n```python\ndef inc(x):\n    return x\n```"
RIGHT = "Fixed:\n```python\ndef inc(x):\n    return x + 1\n```"


def test_develop_solves_in_round_two_after_the_drafts_fail(scripted_server, workspace):
    scripted_server.replies = [[WRONG], [RIGHT]]
    ranking = develop(
        "One more than x.", [">>> inc(1)\n2\n", "inc(41) == 42"], model="openai/scripted",
        api_base=scripted_server.api_base, calls=10,
        settings={"cache": False, "enumerateFirst": False, "search": {"drafts": 2, "beamWidth": 1, "repairs": 1}},
    )
    assert ranking.solved and ranking.reason == "solved"
    assert ranking.best.program.origin == "repair" and "x + 1" in ranking.best.program.code
    assert len(scripted_server.requests) == 2
    assert scripted_server.requests[0]["n"] == 2  # drafts asked for in one request


def test_develop_out_of_budget_returns_the_best_partial_program(scripted_server, workspace):
    scripted_server.replies = [["```python\ndef inc(x):\n    return 2\n```"], [WRONG]]
    ranking = develop(
        "One more than x.", [">>> inc(1)\n2\n", ">>> inc(5)\n6\n"], model="openai/scripted",
        api_base=scripted_server.api_base, calls=1,
        settings={"cache": False, "enumerateFirst": False, "search": {"drafts": 1}},
    )
    assert not ranking.solved and ranking.reason.startswith("budget spent")
    assert "return 2" in ranking.best.program.code
    assert ranking.best.explain() == "1/2 examples pass; inc(5): expected 6, got 2"
