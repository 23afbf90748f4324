"""Debian's Emacs 28 with eglot, in batch mode, configured with editors/emacs/seidr.el exactly as a user loads it:
a saved file shows seidr's diagnostics on the right lines, and the Synthesize action fills a stub."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, need

pytestmark = pytest.mark.emacs

HERE = Path(__file__).resolve().parent
SNIPPET = ROOT / "editors" / "emacs" / "seidr.el"
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


def run_emacs(folder: Path, env: dict[str, str], timeout: float = 200) -> dict:
    emacs = need("emacs")
    if not Path("/usr/share/emacs/site-lisp/elpa/eglot-1.9").exists() and subprocess.run(
            [emacs, "--batch", "--eval", "(progn (package-initialize) (require 'eglot))"],
            capture_output=True, timeout=60).returncode != 0:
        pytest.skip("eglot is not installed (Debian: elpa-eglot)")
    out = folder / "result.json"
    home = folder / "home"
    home.mkdir(exist_ok=True)
    environment = {
        **os.environ,
        # `seidr` on PATH as the snippet expects; Emacs's own state and seidr's cache stay in the test folder
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
        "SEIDR_OUT": str(out), "SEIDR_SNIPPET": str(SNIPPET), **env,
    }
    done = subprocess.run([emacs, "--batch", "-l", str(HERE / "drive.el")], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=timeout)
    assert out.exists(), f"Emacs wrote nothing (status {done.returncode}): {done.stderr[-3000:]}"
    return json.loads(out.read_text())


def test_saving_a_buffer_shows_seidrs_diagnostics_on_the_failing_lines(tmp_path):
    path = tmp_path / "doubles.py"
    path.write_text(DOUBLES)
    result = run_emacs(tmp_path, {"SEIDR_DO": "check", "SEIDR_FILE": str(path), "SEIDR_LINE": "8",
                                  "SEIDR_TEXT": "    return x + 2", "SEIDR_WANT": "expected 10, got 7",
                                  "SEIDR_INIT": json.dumps({"limits": ROOMY})})
    assert result["result"] == "checked", result
    found = sorted((d["line"], d["message"]) for d in result["diagnostics"])
    # >>> double(2) still passes with the edited body; >>> double(5) does not (eglot shows source and code)
    assert found == [(5, "seidr [example-failed]: expected 10, got 7"), (11, "seidr [stub]: not implemented; 1 example")]


def test_the_synthesize_action_fills_a_stub_that_then_passes_its_doctests(tmp_path, scripted_server):
    scripted_server.replies = [["```python\ndef square(x):\n    return x * x\n```"]]
    path = tmp_path / "doubles.py"
    path.write_text(DOUBLES)
    options = {"model": "openai/scripted", "apiBase": scripted_server.api_base, "cache": False,
               "enumerateFirst": False, "budget": {"calls": 3}, "limits": ROOMY}
    result = run_emacs(tmp_path, {"SEIDR_DO": "synthesize", "SEIDR_FILE": str(path), "SEIDR_LINE": "11",
                                  "SEIDR_WANT": "return x * x", "SEIDR_INIT": json.dumps(options)})
    assert result["result"] == "written", result
    # one Synthesize for the function, not one per kind of action
    assert [a["title"] for a in result["offered"] if a["title"].startswith("seidr: Synthesize")] == [
        "seidr: Synthesize from 1 example"], result["offered"]
    assert result["chosen"] == "seidr: Synthesize from 1 example"
    assert path.read_text() == DOUBLES.replace("    ...\n", "    return x * x\n")
    done = subprocess.run([sys.executable, "-m", "doctest", "-v", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "3 passed and 0 failed" in done.stdout, done.stdout
