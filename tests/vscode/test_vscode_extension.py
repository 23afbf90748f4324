"""The VS Code extension in a real VS Code (code-server in Debian's Chromium): the .vsix built from this
checkout, the seidr server of this checkout, the model a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.vscode.harness import RESULTS, Browser, CodeServer, build_vsix, find_tools, server_commands

TOOLS, MISSING = find_tools()
pytestmark = [
    pytest.mark.skipif(TOOLS is None, reason=MISSING),
    pytest.mark.timeout(480),
]

STUB = '''\
def count_vowels(text):
    """How many vowels (a, e, i, o, u) text has, upper or lower case.

    >>> count_vowels("banana")
    3
    >>> count_vowels("Sky")
    0
    >>> count_vowels("AEIOU and y")
    6
    """
    ...
'''
REPLY = "Here is the function:\n```python\ndef count_vowels(text):\n    return sum(1 for ch in text.lower() if ch in \"aeiou\")\n```"


@pytest.fixture(scope="module")
def vsix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert TOOLS is not None
    return build_vsix(TOOLS, tmp_path_factory.mktemp("vsix"))


@pytest.fixture(scope="module")
def commands() -> list[str] | None:
    """What this checkout's ``seidr serve`` offers (None: no server yet), so each test runs as far as it can."""
    return server_commands(sys.executable)


@pytest.fixture
def stub_folder(workspace: Path, scripted_server) -> Path:
    """A project with one stub that has three doctests, set up to use the scripted model."""
    (workspace / "vowels.py").write_text(STUB)
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "settings.json").write_text(json.dumps({
        "seidr.model": "openai/scripted",
        "seidr.apiBase": scripted_server.api_base,
        "seidr.enumerateFirst": False,  # the model writes this body, not the built-in search
    }, indent=2))
    return workspace


@pytest.fixture
def code_server(tmp_path: Path, vsix: Path):
    assert TOOLS is not None
    server = CodeServer(TOOLS, tmp_path / "code-server", vsix)
    # seidr.interpreter is machine-scoped: the remote machine's settings hold it, as for any code-server user.
    server.configure(user={}, machine={"seidr.interpreter": sys.executable})
    yield server
    server.stop()


@pytest.fixture
def browser(request: pytest.FixtureRequest):
    assert TOOLS is not None
    person = Browser(TOOLS, RESULTS, request.node.name)
    yield person
    person.close()


def wait_for_file(path: Path, text: str, seconds: float = 30) -> str:
    """The file's content once it holds ``text``: the editor writes a save asynchronously."""
    deadline = time.monotonic() + seconds
    while True:
        content = path.read_text()
        if text in content or time.monotonic() > deadline:
            assert text in content, f"{path.name} on disk lacks {text!r}:\n{content}"
            return content
        time.sleep(0.25)


def editor_env() -> dict[str, str]:
    # The key reaches the server through its environment only; the cache stays in the test's folder.
    return {**os.environ, "OPENAI_API_KEY": "sk-local-test"}


def test_synthesize_a_stub_from_its_doctests(stub_folder, scripted_server, code_server, browser, commands):
    if commands is None:
        pytest.skip("this checkout's seidr has no language server (seidr serve) yet")
    scripted_server.replies = [[REPLY]]
    url = code_server.start(editor_env(), trust=True)
    browser.open(url=f"{url}/?folder={stub_folder}")
    browser.openFile(name="vowels.py")

    # Saving checks the examples: the stub is reported in the Problems view.
    browser.press(keys="Control+End")
    browser.type(text="\n")
    browser.save()
    problems = browser.problems(expect="not implemented")
    assert "seidr" in problems and "3 examples" in problems
    assert "seidr" in browser.statusBar(expect="seidr")
    if "seidr.synthesize" not in commands:
        pytest.skip("this checkout's seidr serve checks examples but has no seidr.synthesize command yet")

    # The quick fix on the stub runs the synthesis; its edit lands in the editor, and the user saves.
    browser.goToLine(line=1)
    browser.codeAction(title="seidr: Synthesize", screenshot="vscode-quick-fix.png")
    browser.editorText(expect='ch in text.lower() if ch in "aeiou"', seconds=180)
    browser.save()

    text = wait_for_file(stub_folder / "vowels.py", 'return sum(1 for ch in text.lower() if ch in "aeiou")')
    assert '    """How many vowels (a, e, i, o, u) text has, upper or lower case.' in text  # docstring kept
    doctest = subprocess.run([sys.executable, "-m", "doctest", "-v", str(stub_folder / "vowels.py")],
                             capture_output=True, text=True, timeout=60)
    assert doctest.returncode == 0, doctest.stdout + doctest.stderr
    assert "3 passed and 0 failed" in doctest.stdout
    # The model named in the workspace's settings was asked, at the api base they give.
    assert scripted_server.requests and scripted_server.requests[0]["model"] == "scripted"
    assert "count_vowels" in json.dumps(scripted_server.requests[0]["messages"])

    # The saved file is checked again: the stub's diagnostic is gone, and the code lens counts the passes.
    browser.problems(expect="No problems have been detected")
    browser.codeLens(expect="3/3 examples")
    browser.statusBar(expect="seidr", absent=["seidr: checking", "seidr: synthesizing"])
    browser.screenshot(name="vscode-synthesized.png")


def test_an_interpreter_without_seidr_gets_the_install_command(stub_folder, tmp_path, code_server, browser):
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    python = str(bare / "bin" / "python")
    code_server.configure(user={}, machine={"seidr.interpreter": python})
    url = code_server.start(editor_env(), trust=True)
    browser.open(url=f"{url}/?folder={stub_folder}")
    browser.openFile(name="vowels.py")
    message = browser.notifications(expect="seidr is not installed")
    assert f"Install it with: {python} -m pip install seidr" in message
    assert "Copy command" in message and "Run in terminal" in message
    assert "seidr" in browser.statusBar(expect="seidr")
    assert code_server.seidr_processes() == []


def test_an_api_key_set_in_vscode_reaches_the_server_through_its_environment_only(stub_folder, code_server, browser,
                                                                                   commands):
    if commands is None:
        pytest.skip("this checkout's seidr has no language server (seidr serve) yet")
    env = {name: value for name, value in os.environ.items() if name != "OPENAI_API_KEY"}
    url = code_server.start(env, trust=True)
    browser.open(url=f"{url}/?folder={stub_folder}")
    browser.openFile(name="vowels.py")
    browser.problems(expect="not implemented")
    before = code_server.server_environment()
    assert before is not None and "OPENAI_API_KEY" not in before

    browser.command(title="seidr: Set API key")
    browser.quickInput(text="OPENAI_API_KEY")
    browser.quickInput(text="sk-kept-in-secret-storage")
    browser.notifications(expect="OPENAI_API_KEY is stored; the server restarted with it")

    deadline = time.monotonic() + 60
    while (after := code_server.server_environment()) is None or "OPENAI_API_KEY" not in after:
        assert time.monotonic() < deadline, "no seidr server with the key in its environment"
        time.sleep(0.5)
    assert after["OPENAI_API_KEY"] == "sk-kept-in-secret-storage"
    for settings in [*code_server.home.rglob("settings.json"), *stub_folder.rglob("settings.json")]:
        assert "sk-kept-in-secret-storage" not in settings.read_text(), settings
    browser.problems(expect="not implemented")  # the restarted server checks the open file again


def test_untrusted_folder_runs_nothing_until_trusted(stub_folder, code_server, browser, commands):
    url = code_server.start(editor_env(), trust=False)
    browser.open(url=f"{url}/?folder={stub_folder}")
    browser.openFile(name="vowels.py")
    browser.statusBar(expect="seidr: trust this folder to enable")
    browser.press(keys="Control+End")
    browser.type(text="\n")
    browser.save()

    # Several seconds after the save: nothing checked, nothing reported, no process of seidr.
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        assert "not implemented" not in browser.problems()
        assert code_server.seidr_processes() == []
        time.sleep(1)
    browser.screenshot(name="vscode-restricted.png")

    # Trusting the folder from the status bar hint starts seidr in the same window, without a reload.
    browser.clickStatusBar(text="seidr: trust this folder to enable")
    browser.clickButton(label="Trust")
    if commands is None:  # this checkout has no server to start: the extension tries, and says what is missing
        browser.notifications(expect="seidr is not installed")
        return
    browser.problems(expect="not implemented")
    assert any("serve" in argv for argv in code_server.seidr_processes())
