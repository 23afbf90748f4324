"""Debian's Neovim 0.7 headless, configured with editors/neovim/seidr-0.7.lua exactly as a user copies it: a saved
file shows seidr's diagnostics on the right lines."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, need

pytestmark = pytest.mark.neovim

HERE = Path(__file__).resolve().parent
SNIPPET = ROOT / "editors" / "neovim" / "seidr-0.7.lua"

# generous limits: a loaded machine must not turn a correct example into a timeout
ROOMY = {"exampleSeconds": 20, "programSeconds": 60}

DOUBLES = textwrap.dedent('''\
    def double(x):
        """Twice x.

        >>> double(2)
        4
        >>> double(5)
        10
        """
        return x * 2


    def square(x):
        """x times x.

        >>> square(3)
        9
        """
        ...
    ''')


def run_neovim(folder: Path, driver: str, env: dict[str, str], timeout: float = 170, init_options: bool = False) -> dict:
    """Run Neovim headless in ``folder`` with the 0.7 snippet and a driver script; returns what it wrote.
    ``init_options``: the snippet's settings come from SEIDR_INIT (JSON), as a user sets vim.g.seidr_init_options."""
    nvim = need("nvim")
    out = folder / "result.json"
    home = folder / "home"
    environment = {
        **os.environ,
        # `seidr` on PATH as the snippet expects; Neovim's own state and seidr's cache stay in the test folder
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"), "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
        "SEIDR_OUT": str(out), **env,
    }
    settings = ["-c", "lua vim.g.seidr_init_options = vim.fn.json_decode(os.getenv('SEIDR_INIT'))"] \
        if init_options else []
    done = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", "filetype on", *settings, "-c", f"luafile {SNIPPET}",
         "-c", f"luafile {HERE / driver}"],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=timeout)
    assert out.exists(), f"Neovim wrote nothing (status {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(out.read_text())


def test_writing_a_buffer_shows_seidrs_diagnostics_on_the_failing_lines(tmp_path):
    path = tmp_path / "doubles.py"
    path.write_text(DOUBLES)
    result = run_neovim(tmp_path, "check_on_save.lua", {
        "SEIDR_FILE": str(path), "SEIDR_LINE": "8", "SEIDR_TEXT": "    return x + 2", "SEIDR_WAIT": "2",
        "SEIDR_INIT": json.dumps({"limits": ROOMY})}, init_options=True)
    assert "error" not in result, result
    found = sorted((d["line"], d["message"], d["source"]) for d in result["diagnostics"])
    # >>> double(2) still passes with the edited body; >>> double(5) does not
    assert found == [(5, "expected 10, got 7", "seidr"), (11, "not implemented; 1 example", "seidr")]


def test_the_synthesize_code_action_fills_a_stub_that_then_passes_its_doctests(tmp_path, scripted_server):
    scripted_server.replies = [["```python\ndef square(x):\n    return x * x\n```"]]
    path = tmp_path / "doubles.py"
    path.write_text(DOUBLES)
    options = {"model": "openai/scripted", "apiBase": scripted_server.api_base, "cache": False,
               "enumerateFirst": False, "budget": {"calls": 3}, "limits": ROOMY}
    result = run_neovim(tmp_path, "synthesize.lua", {
        "SEIDR_FILE": str(path), "SEIDR_LINE": "12", "SEIDR_WANT": "return x * x",
        "SEIDR_INIT": json.dumps(options)}, init_options=True)
    assert result["result"] == "written", result
    assert result["stub"] and result["chosen"] == ["seidr: Synthesize from 1 example"]
    assert path.read_text() == DOUBLES.replace("    ...\n", "    return x * x\n")
    done = subprocess.run([sys.executable, "-m", "doctest", "-v", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "3 passed and 0 failed" in done.stdout, done.stdout


def test_an_ambiguous_stub_gets_an_example_from_a_code_action_and_then_its_pinned_program(tmp_path):
    """Ask, don't guess, with no model: Synthesize edits nothing and says what is ambiguous; the code action
    for max's behaviour adds its example; Synthesize again writes max."""
    stub = 'def f(xs):\n    """\n    >>> f([3, 1, 2])\n    3\n    """\n    ...\n'
    path = tmp_path / "pick.py"
    path.write_text(stub)
    options = {"cache": False, "budget": {"seconds": 6}, "limits": ROOMY}
    result = run_neovim(tmp_path, "add_example.lua", {"SEIDR_FILE": str(path), "SEIDR_INIT": json.dumps(options)},
                        init_options=True)
    assert result["result"] == "written", result
    call, for_max = result["call"], result["for_max"]
    assert result["chosen"] == ["seidr: Synthesize from 1 example", f"seidr: add example `{call}` → `{for_max}`",
                                "seidr: Synthesize from 2 examples"]
    assert path.read_text() == stub.replace('    3\n    """\n    ...\n',
                                            f'    3\n    >>> {call}\n    {for_max}\n    """\n    return max(xs)\n')
