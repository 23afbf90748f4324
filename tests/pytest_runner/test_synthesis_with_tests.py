"""Synthesis and repair driven by the shop's tests, through the real model layer and the scripted server: a
program that passes the doctest but fails a related test is not offered as passing, and the repair is told what
the failing test said; the function as the user has it is judged too, so a repair can start from it."""

from __future__ import annotations

from seidr.synth.develop import develop_problem
from seidr.synth.events import Events
from seidr.synth.extract import extract
from seidr.synth.settings import load_settings
from seidr.synth.tests_discovery import with_related_tests

UNCAPPED = "```python\ndef discount(price):\n    return price * RATE\n```"  # passes discount(40) only
CAPPED = "Capped:\n```python\ndef discount(price):\n    return min(price * RATE, 50)\n```"
DRAFT, REPAIR = "Write the Python function `discount`", "The current code:"


def settings_for(server, workspace, **search):
    merged, problems = load_settings({
        "model": "openai/scripted", "apiBase": server.api_base, "enumerateFirst": False, "retryWait": 0.01,
        "cacheDir": str(workspace / "cache"), "limits": {"exampleSeconds": 30, "programSeconds": 60},
        "search": {"drafts": 1, "beamWidth": 1, "repairs": 1, "depth": 2, **search}})
    assert not problems, problems
    return merged


def discount_with_tests(shop):
    path = shop / "src" / "shop" / "pricing.py"
    problem, _ = with_related_tests(extract(path.read_text(), str(path)).find("discount"))
    return problem


async def test_a_draft_that_passes_the_doctest_but_fails_a_test_is_not_a_solution(scripted_server, workspace, shop):
    scripted_server.answer(DRAFT, UNCAPPED).answer(REPAIR, UNCAPPED)
    ranking = await develop_problem(discount_with_tests(shop), settings_for(scripted_server, workspace), Events())
    assert not ranking.solved and ranking.passing == []
    best = ranking.best
    assert "price * RATE" in best.program.code
    doctest = next(r for r in best.verdict.results if r.example.kind == "doctest")
    assert doctest.passed  # the doctest alone would have called it done
    assert best.explain() == "4/5 examples pass; test_discount_caps_at_50: assert 60.0 == 50\n +  where 60.0 = discount((60 * 2))"


async def test_the_repair_is_told_what_the_failing_test_said_and_then_passes(scripted_server, workspace, shop):
    scripted_server.answer(DRAFT, UNCAPPED).answer(REPAIR, CAPPED)
    ranking = await develop_problem(discount_with_tests(shop), settings_for(scripted_server, workspace), Events())
    assert ranking.solved and ranking.best.program.origin == "repair"
    assert "min(price * RATE, 50)" in ranking.best.program.code
    draft_prompt = scripted_server.requests[0]["messages"][-1]["content"]
    assert "# test tests/test_pricing.py::test_discount_caps_at_50" in draft_prompt
    assert "assert discount(base_price * 2) == 50" in draft_prompt  # the test's code, not only its name
    repair_prompt = scripted_server.requests[1]["messages"][-1]["content"]
    assert "FAILS:  test_discount_caps_at_50: assert 60.0 == 50" in repair_prompt
    assert ("The workspace's tests fail: test_discount_caps_at_50 fails: assert 60.0 == 50 "
            "+  where 60.0 = discount((60 * 2)).") in repair_prompt
    # the draft and the user's own code (a repair may start from either) fail the test; the repair passes
    assert [(c.program.origin, c.passed) for c in ranking.candidates] == [("repair", True), ("draft", False),
                                                                          ("user", False)]


async def test_a_repair_starts_from_the_users_code_when_no_draft_is_usable(scripted_server, workspace, shop):
    scripted_server.answer(DRAFT, "I would rather not.").answer(REPAIR, CAPPED)
    ranking = await develop_problem(discount_with_tests(shop), settings_for(scripted_server, workspace), Events())
    assert ranking.solved and "min(price * RATE, 50)" in ranking.best.program.code
    repair_prompt = scripted_server.requests[1]["messages"][-1]["content"]
    assert '"""How much comes off a price: half of it, but never more than 50.' in repair_prompt  # the user's code
    assert "The workspace's tests fail: test_discount_caps_at_50 fails: assert 60.0 == 50" in repair_prompt
