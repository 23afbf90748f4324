"""Settings as an editor gives them: the workspace's [tool.seidr], initializationOptions and the pulled
``workspace/configuration`` section ``seidr``, re-pulled on a change; a bad value is one message naming it."""
from __future__ import annotations

import textwrap

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.server.lsp import lines_of, start_editor, stop_editor, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

SLOW = textwrap.dedent('''\
    def late(x):
        """x, after a while.

        >>> late(1)
        1
        """
        import time
        time.sleep(0.8)
        return x


    def inc(x):
        """One more.

        >>> inc(1)
        2
        """
        return x + 1
    ''')

TIGHT = {"limits": {"exampleSeconds": 0.2, "programSeconds": 0.4}}
ROOMY = {"limits": {"exampleSeconds": 20, "programSeconds": 40}}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    (root / "pyproject.toml").write_text("[tool.seidr]\ncheckOnChange = true\nchangeDebounceMs = 50\n")
    editor = await start_editor(root, root / ".cache", init_options={"limits": {"memoryMb": "lots"}, "colour": 1},
                                configuration=TIGHT)
    editor.root = root
    yield editor
    await stop_editor(editor)


async def test_limits_come_from_the_pulled_configuration_and_a_change_rechecks_open_files(editor):
    path = editor.root / "slow.py"
    path.write_text(SLOW)
    uri = editor.open(path)
    diagnostics = await editor.next_diagnostics(uri)
    # late ran out of the configured 0.2 s
    assert [d.code for d in diagnostics if d.data["function"] == "late"] == ["example-timeout"]
    editor.set_configuration(ROOMY, section="seidr")
    editor.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert await editor.diagnostics_when(uri, lambda ds: not ds) == []


async def test_the_workspace_config_file_turns_on_checking_as_you_type(editor):
    path = editor.root / "typing.py"
    path.write_text(SLOW)
    uri = editor.open(path)
    await editor.next_diagnostics(uri)
    editor.change(uri, SLOW.replace("return x + 1", "return x + 2"))  # not saved
    diagnostics = await editor.diagnostics_when(uri, lambda ds: 14 in lines_of(ds))
    assert [d.message for d in diagnostics if d.range.start.line == 14] == ["expected 2, got 3"]


async def test_each_bad_value_is_one_message_naming_its_key_and_the_default_is_used(editor):
    await wait_for(lambda: len(editor.messages) >= 2, 30, "the settings messages")
    about_memory = [m for m in editor.shown() if "seidr.limits.memoryMb" in m]
    assert len(about_memory) == 1 and "'lots'" in about_memory[0] and "default" in about_memory[0]
    assert [m for m in editor.shown() if "seidr.colour" in m and "unknown setting" in m]
    assert all(m.type == types.MessageType.Warning for m in editor.messages)
    # the server kept going with the default memory limit: files are still checked
    assert any(p.diagnostics for p in editor.publishes)


async def test_a_bad_value_in_a_configuration_change_is_reported_and_the_server_keeps_checking(editor):
    editor.set_configuration({**ROOMY, "strategy": "guess"}, section="seidr")
    editor.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_for(lambda: any("seidr.strategy" in m for m in editor.shown()), 30, "a message about seidr.strategy")
    uri = (editor.root / "slow.py").as_uri()
    seen = len(editor.published(uri))
    editor.save(uri, SLOW.replace("return x + 1", "return x"))
    diagnostics = await editor.next_diagnostics(uri, after=seen)
    assert lines_of(diagnostics) == [14]
