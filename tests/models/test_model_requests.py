"""``Model.sample`` over litellm's real HTTP path to the scripted server: retries (rate limits with Retry-After,
5xx, dropped connections, timeouts, truncated and garbled bodies), one clear message for a rejected or missing
key, n samples in one request, the concurrency bound, the disk cache, and the budget's call limit."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from seidr.synth.budget import Budget, BudgetExhausted
from seidr.synth.models import Model, ModelError
from seidr.synth.settings import load_settings

ASK = [{"role": "user", "content": "Write inc."}]


def model_for(server, workspace, **settings) -> Model:
    """A model configured the way a user configures one: settings, with retry waits kept short."""
    layer = {"model": "openai/scripted", "apiBase": server.api_base, "retryWait": 0.01, "retryMaxWait": 3,
             "cacheDir": str(workspace / "cache"), **settings}
    merged, problems = load_settings(layer)
    assert not problems, problems
    return Model.from_settings(merged)


async def test_a_rate_limit_is_retried_after_the_wait_the_server_asked_for(scripted_server, workspace):
    scripted_server.replies = [["def inc(x): return x + 1"]]
    scripted_server.fail("429")  # with Retry-After: 1
    [reply] = await model_for(scripted_server, workspace).sample(ASK)
    assert reply.text == "def inc(x): return x + 1"
    assert len(scripted_server.requests) == 2
    assert scripted_server.times[1] - scripted_server.times[0] >= 0.9  # honoured, although retryWait is 0.01


@pytest.mark.parametrize("failure", ["500", "503", "drop", "truncated", "garbled"])
async def test_a_failing_server_is_asked_again_until_it_answers(scripted_server, workspace, failure):
    scripted_server.replies = [["fine"]]
    scripted_server.fail(failure, failure)
    [reply] = await model_for(scripted_server, workspace).sample(ASK)
    assert reply.text == "fine" and len(scripted_server.requests) == 3


async def test_a_slow_server_times_out_and_the_request_is_sent_again(scripted_server, workspace):
    scripted_server.replies = [["fine"]]
    scripted_server.slow_seconds = 5
    scripted_server.fail("slow")
    [reply] = await model_for(scripted_server, workspace, requestTimeout=0.5).sample(ASK)
    assert reply.text == "fine" and len(scripted_server.requests) == 2


async def test_a_server_that_keeps_failing_ends_in_one_line_after_the_configured_retries(scripted_server, workspace):
    scripted_server.fail(*["500"] * 10)
    with pytest.raises(ModelError) as failed:
        await model_for(scripted_server, workspace, retries=2).sample(ASK)
    assert len(scripted_server.requests) == 3  # litellm's own retries do not multiply ours
    assert "\n" not in str(failed.value) and "(3 attempts)" in str(failed.value)


async def test_a_rejected_key_is_one_clear_message_after_exactly_one_request(scripted_server, workspace):
    scripted_server.fail("401")
    with pytest.raises(ModelError) as failed:
        await model_for(scripted_server, workspace).sample(ASK)
    assert len(scripted_server.requests) == 1
    assert str(failed.value) == (f"the model rejected the API key for openai/scripted at {scripted_server.api_base}: "
                                 "set OPENAI_API_KEY")


async def test_a_bad_request_is_not_retried(scripted_server, workspace):
    scripted_server.fail("400")
    with pytest.raises(ModelError, match="openai/scripted rejected the request: Unrecognized request argument"):
        await model_for(scripted_server, workspace).sample(ASK)
    assert len(scripted_server.requests) == 1


async def test_a_missing_key_is_named_before_any_request(scripted_server, workspace, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(ModelError, match=r"^no API key for openai/scripted: set OPENAI_API_KEY"):
        await model_for(scripted_server, workspace).sample(ASK)
    assert scripted_server.requests == []


async def test_a_model_litellm_does_not_know_names_the_fix(scripted_server, workspace):
    with pytest.raises(ModelError, match=r"litellm does not know the model 'scripted': write provider/model"):
        await model_for(scripted_server, workspace, model="scripted").sample(ASK)
    assert scripted_server.requests == []


async def test_n_samples_are_asked_for_in_one_request(scripted_server, workspace):
    scripted_server.replies = [["a", "b", "c", "d"]]
    replies = await model_for(scripted_server, workspace).sample(ASK, 4)
    assert [r.text for r in replies] == ["a", "b", "c", "d"] and [r.index for r in replies] == [0, 1, 2, 3]
    assert len(scripted_server.requests) == 1 and scripted_server.requests[0]["n"] == 4


async def test_requests_run_concurrently_up_to_the_bound(scripted_server, workspace):
    scripted_server.delay = 0.3
    model = model_for(scripted_server, workspace, concurrency=3, cache=False)
    await asyncio.gather(*(model.sample(ASK, salt=str(i)) for i in range(9)))
    assert len(scripted_server.requests) == 9
    assert scripted_server.max_active == 3


async def test_concurrent_requests_never_go_past_the_call_limit(scripted_server, workspace):
    scripted_server.delay = 0.2
    model = model_for(scripted_server, workspace, cache=False)
    budget = Budget(calls=3)
    outcomes = await asyncio.gather(*(model.sample(ASK, budget=budget, salt=str(i)) for i in range(8)),
                                    return_exceptions=True)
    assert len(scripted_server.requests) == 3 and budget.summary()["calls"] == 3
    stopped = [o for o in outcomes if isinstance(o, BudgetExhausted)]
    assert len(stopped) == 5 and stopped[0].reason == "model calls 3 of 3"


async def test_a_repeated_request_comes_from_the_disk_cache_and_costs_nothing(scripted_server, workspace):
    scripted_server.replies = [["a", "b"]]
    first = await model_for(scripted_server, workspace).sample(ASK, 2, budget=Budget())
    budget = Budget(calls=1)
    again = await model_for(scripted_server, workspace).sample(ASK, 2, budget=budget)  # a new process, same cache
    assert [r.text for r in again] == [r.text for r in first] and all(r.cached for r in again)
    assert len(scripted_server.requests) == 1
    assert budget.summary()["calls"] == 0 and budget.summary()["cached"] == 2 and budget.exhausted is None


async def test_only_the_samples_not_cached_are_asked_for(scripted_server, workspace):
    scripted_server.replies = [["a", "b"], ["c"]]
    model = model_for(scripted_server, workspace)
    await model.sample(ASK, 2)
    replies = await model.sample(ASK, 3)
    assert [r.text for r in replies] == ["a", "b", "c"] and [r.cached for r in replies] == [True, True, False]
    assert "n" not in scripted_server.requests[1]  # one more sample, not three


async def test_salt_or_no_cache_asks_the_model_again(scripted_server, workspace):
    scripted_server.replies = [["a"], ["b"], ["c"]]
    assert (await model_for(scripted_server, workspace).sample(ASK))[0].text == "a"
    assert (await model_for(scripted_server, workspace).sample(ASK, salt="round 2"))[0].text == "b"
    assert (await model_for(scripted_server, workspace, cache=False).sample(ASK))[0].text == "c"
    assert len(scripted_server.requests) == 3


async def test_a_corrupt_cache_file_is_a_miss_and_is_written_again(scripted_server, workspace):
    scripted_server.replies = [["a"], ["b"]]
    await model_for(scripted_server, workspace).sample(ASK)
    [entry] = [os.path.join(d, f) for d, _, files in os.walk(workspace / "cache" / "replies") for f in files
               if f.endswith(".json")]
    with open(entry, "w") as fh:
        fh.write('{"text": "half')
    [reply] = await model_for(scripted_server, workspace).sample(ASK)
    assert reply.text == "b" and not reply.cached
    with open(entry) as fh:
        assert json.load(fh)["text"] == "b"


async def test_a_known_price_is_charged_and_an_unknown_one_is_said_once(scripted_server, workspace):
    priced = Budget()
    await model_for(scripted_server, workspace, model="openai/gpt-4o-mini").sample(ASK, budget=priced)
    assert priced.summary()["cost_usd"] > 0 and "note" not in priced.summary()
    unpriced = Budget()
    model = model_for(scripted_server, workspace, cache=False)
    await model.sample(ASK, budget=unpriced)
    await model.sample(ASK, budget=unpriced, salt="again")
    assert unpriced.summary()["cost_usd"] == 0 and unpriced.summary()["tokens"] == 40
    assert unpriced.summary()["note"] == "price unknown for openai/scripted; counted tokens only"


def test_importing_the_model_layer_does_not_import_litellm():
    code = ("import sys; import seidr.synth.models, seidr.synth.steps, seidr.synth.develop; "
            "print('litellm' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize("failure, said", [
    ("truncated", "was cut short (2 attempts): received "),
    ("garbled", "answered with a body that is not JSON (2 attempts): "),
])
async def test_a_body_cut_short_or_not_json_is_named_as_what_it_is(scripted_server, workspace, failure, said):
    scripted_server.fail(*[failure] * 5)
    with pytest.raises(ModelError) as failed:
        await model_for(scripted_server, workspace, retries=1).sample(ASK)
    assert said in str(failed.value) and "cannot reach" not in str(failed.value)
    assert failed.value.service and len(scripted_server.requests) == 2


async def test_an_answer_with_no_choices_is_named_not_taken_for_a_spent_budget(scripted_server, workspace):
    scripted_server.replies = [[]]
    with pytest.raises(ModelError) as failed:
        await model_for(scripted_server, workspace).sample(ASK)
    assert str(failed.value) == (f"openai/scripted at {scripted_server.api_base} answered with an empty list of "
                                 "choices; check the server")
