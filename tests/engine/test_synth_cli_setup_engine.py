"""``seidr synth`` when the setup is wrong (no key, an unknown model, a bad setting, the wrong kind of file): one line
naming the cause and the fix, exit 2, nothing asked of the model and nothing written; and the line of what a run
spent, from its budget, at the end of every run."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

from tests.conftest import seidr_command
from tests.engine.test_synth_cli_engine import RIGHT, STUB, WRONG
from tests.enumerative.test_enumerative_tier import HARD_FILE


def synth(workspace: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*seidr_command(), "synth", *args], cwd=workspace, capture_output=True, text=True,
                          timeout=120, env=env)


def without_keys() -> dict:
    """This environment with no provider key in it, as on a new user's machine."""
    return {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_TOKEN"))}


def refused(done: subprocess.CompletedProcess) -> str:
    """The one line a refused run printed (its exit status is 2, nothing else was printed)."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr.strip()


def test_a_model_with_no_key_in_the_environment_names_the_variable_and_asks_nothing(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    done = synth(workspace, "counting.py", "--model", "openai/gpt-4o-mini", "--write", env=without_keys())
    assert refused(done) == "seidr synth: no API key for openai/gpt-4o-mini: set OPENAI_API_KEY"
    # a local OpenAI-compatible server takes any key; the line says so
    done = synth(workspace, "counting.py", "--model", "openai/scripted", "--api-base", scripted_server.api_base,
                 env=without_keys())
    assert refused(done) == ("seidr synth: no API key for openai/scripted: set OPENAI_API_KEY "
                             "(any value will do for a local server)")
    assert scripted_server.requests == []
    assert (workspace / "counting.py").read_text() == STUB


def test_a_model_litellm_does_not_know_is_a_configuration_error(workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text('model = "nosuchprovider/coder"\n')
    line = refused(synth(workspace, "counting.py"))
    assert line.startswith("seidr synth: litellm does not know the model 'nosuchprovider/coder': write provider/model")


def test_a_bad_value_in_the_settings_file_names_the_key_and_where_to_fix_it(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text('[budget]\ncalls = "ten"\n')
    line = refused(synth(workspace, "counting.py", "--model", "openai/scripted", "--api-base", scripted_server.api_base))
    assert line.startswith("seidr synth: seidr.budget.calls: input should be a valid integer")
    assert line.endswith("(got 'ten'); fix it in seidr.toml or [tool.seidr] in pyproject.toml")
    assert scripted_server.requests == []


def test_a_pyproject_whose_toml_does_not_parse_is_named(workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "pyproject.toml").write_text('[tool.seidr]\nstrategy = "mbr\n')
    line = refused(synth(workspace, "counting.py"))
    assert line.startswith(f"seidr synth: {workspace / 'pyproject.toml'}: cannot read settings (")
    assert line.endswith("; fix the file")


def test_a_bad_flag_names_the_flag(workspace):
    (workspace / "counting.py").write_text(STUB)
    line = refused(synth(workspace, "counting.py", "--strategy", "beam"))
    assert line.startswith("seidr synth: seidr.strategy: input should be 'seidr', 'best-of-n'")
    assert line.endswith("(got 'beam'); fix --strategy")
    assert refused(synth(workspace, "counting.py", "--calls", "0")).endswith("(got 0); fix --calls")


def test_what_is_not_one_source_file_is_refused_with_what_to_give_instead(workspace):
    (workspace / "notes.txt").write_text(">>> inc(1)\n2\n")
    assert refused(synth(workspace, "notes.txt")) == (
        "seidr synth: notes.txt: not a Python, C++, Rust or Verus source file (.py, .cpp, .h, .rs)")
    assert refused(synth(workspace, ".")) == "seidr synth: . is a folder; name one source file (seidr check takes folders)"
    assert refused(synth(workspace, "gone.py")) == "seidr synth: gone.py: no such file"
    (workspace / "broken.py").write_text(STUB.replace("def inc(x: int) -> int:", "def inc(x: int) -> int"))
    assert refused(synth(workspace, "broken.py")) == "seidr synth: broken.py:4: expected ':'; fix the file first"
    (workspace / "counting.py").write_text(STUB)
    assert refused(synth(workspace, "counting.py::dec")) == (
        "seidr synth: no function dec in counting.py; check the name after '::'")


def spend_of(stderr: str) -> re.Match:
    last = stderr.rstrip("\n").splitlines()[-1]
    match = re.fullmatch(r"spent: (\d+) model calls?, ([\d,]+) tokens, (price unknown|\$[\d.]+), ([\d.]+) s(; .*)?", last)
    assert match, stderr
    return match


def test_a_run_ends_with_what_it_spent_on_the_model(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")  # the model's path, not the built-in search
    scripted_server.replies = [[WRONG], [RIGHT]]
    done = synth(workspace, "counting.py", "--model", "openai/scripted", "--api-base", scripted_server.api_base,
                 "--no-cache", "--no-progress")
    assert done.returncode == 0, done.stderr
    calls, tokens, cost, seconds, _ = spend_of(done.stderr).groups()
    assert int(calls) == len(scripted_server.requests) >= 2
    # the scripted server counts 10 prompt tokens and 10 per choice
    assert int(tokens.replace(",", "")) == sum(10 + 10 * int(r.get("n") or 1) for r in scripted_server.requests)
    assert cost == "price unknown"  # litellm has no price for a model named "scripted"
    assert float(seconds) > 0


def test_a_priced_model_s_spend_is_in_dollars_from_litellm_s_price_table(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")
    scripted_server.replies = [[WRONG], [RIGHT]]
    done = synth(workspace, "counting.py", "--model", "openai/gpt-4o-mini", "--api-base", scripted_server.api_base,
                 "--no-cache", "--no-progress")
    assert done.returncode == 0, done.stderr
    calls, tokens, cost, _, _ = spend_of(done.stderr).groups()
    table = Path(importlib.util.find_spec("litellm").origin).parent / "model_prices_and_context_window_backup.json"
    price = json.loads(table.read_text())["gpt-4o-mini"]
    choices = sum(int(r.get("n") or 1) for r in scripted_server.requests)
    expected = (10 * len(scripted_server.requests) * price["input_cost_per_token"]
                + 10 * choices * price["output_cost_per_token"])
    assert int(calls) == len(scripted_server.requests)
    assert cost == f"${expected:.6f}" and expected > 0


def test_a_run_with_no_model_spends_nothing_and_says_what_it_searched(workspace):
    (workspace / "counting.py").write_text(STUB)
    done = synth(workspace, "counting.py", env=without_keys())
    assert done.returncode == 0, done.stderr
    calls, tokens, cost, _, searched = spend_of(done.stderr).groups()
    assert (calls, tokens, cost) == ("0", "0", "$0")
    assert re.fullmatch(r"; [\d,]+ programs searched locally", searched)


def test_a_benchmark_of_a_dataset_that_is_not_there_is_one_line_and_leaves_no_run_folder(workspace):
    for step in ("run", "mutants"):
        done = subprocess.run([*seidr_command(), "bench", step, "missing.jsonl", "--out", "run"], cwd=workspace,
                              capture_output=True, text=True, timeout=120)
        assert refused(done) == "seidr bench: missing.jsonl: no such file"
    assert not (workspace / "run").exists()


def test_a_key_the_provider_rejects_is_a_setup_error_asked_once(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")
    scripted_server.fail(*["401"] * 5)
    done = synth(workspace, "counting.py", "--model", "openai/scripted", "--api-base", scripted_server.api_base,
                 "--no-cache", "--write")
    assert refused(done) == (f"seidr synth: the model rejected the API key for openai/scripted at "
                             f"{scripted_server.api_base}: set OPENAI_API_KEY")
    assert len(scripted_server.requests) == 1  # not retried, and no other function asked
    assert (workspace / "counting.py").read_text() == STUB


def test_what_the_built_in_search_found_still_lands_when_the_model_then_rejects_the_key(scripted_server, workspace):
    (workspace / "both.py").write_text(STUB + HARD_FILE)
    scripted_server.fail(*["401"] * 5)
    done = synth(workspace, "both.py", "--model", "openai/scripted", "--api-base", scripted_server.api_base,
                 "--no-cache", "--write")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] == (f"seidr synth: the model rejected the API key for openai/scripted at "
                         f"{scripted_server.api_base}: set OPENAI_API_KEY")
    assert lines[-2].startswith("spent: 0 model calls") and lines[0].startswith("inc: solved")
    assert "+    return x + 1" in done.stdout
    assert (workspace / "both.py").read_text() == (STUB + HARD_FILE).replace("    ...\n", "    return x + 1\n", 1)
    assert len(scripted_server.requests) == 1


def test_every_bad_value_in_the_settings_file_is_named_on_the_one_line(workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text('[budget]\ncalls = "ten"\nseconds = -1\n[search]\ndrafts = "x"\n')
    line = refused(synth(workspace, "counting.py"))
    for key in ("seidr.budget.calls", "seidr.budget.seconds", "seidr.search.drafts"):
        assert f"{key}: " in line
    assert "more)" not in line and line.endswith("; fix it in seidr.toml or [tool.seidr] in pyproject.toml")
