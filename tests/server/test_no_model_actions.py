"""The Synthesize code action with no model configured (no ``seidr.model``): the built-in search is the whole
synthesis. A function a small expression solves gets its body and its examples pass on the next save; one the
search cannot solve gets the message that says what was searched and which setting to set, and no edit."""
from __future__ import annotations

import re
import textwrap

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.server.lsp import lines_of, start_editor, stop_editor

pytestmark = pytest.mark.asyncio(loop_scope="module")

DOUBLE = textwrap.dedent('''\
    def double(x):
        """Twice x.

        >>> double(3)
        6
        >>> double(10)
        20
        """
        ...
    ''')

# no expression over x and y in the search's grammar gives these
SCRAMBLE = textwrap.dedent('''\
    def scramble(x, y):
        """
        >>> scramble(3, 'a')
        'zzq'
        >>> scramble(4, 'b')
        'qqz'
        """
        ...
    ''')


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    # no model; the budget's seconds bound the local search (generous: a loaded machine still finds double)
    settings = {"cache": False, "budget": {"seconds": 6},
                "limits": {"exampleSeconds": 20, "programSeconds": 60}}
    editor = await start_editor(root, root / ".cache", init_options=settings)
    editor.root = root
    yield editor
    await stop_editor(editor)


async def open_file(editor, name: str, text: str) -> str:
    path = editor.root / name
    path.write_text(text)
    uri = editor.open(path)
    assert 0 in lines_of(await editor.next_diagnostics(uri), "stub")
    return uri


async def run_the_action(editor, uri: str):
    """What the user does: open the code-action menu on the stub's line and pick seidr's action."""
    actions = await editor.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(0, 4), types.Position(0, 4)), context=types.CodeActionContext(diagnostics=[])))
    [action] = [a for a in actions or [] if a.title == "seidr: Synthesize from 2 examples"]
    return await editor.command(action.command.command, action.command.arguments[0])


async def test_with_no_model_the_action_fills_a_stub_the_local_search_solves(editor):
    uri = await open_file(editor, "doubling.py", DOUBLE)
    result = await run_the_action(editor, uri)
    assert result.applied and result.solved, result
    body = editor.texts[uri].split('"""\n')[-1]
    assert re.fullmatch(r"    return (x \* 2|2 \* x|x \+ x)\n", body), editor.texts[uri]
    assert editor.texts[uri].startswith(DOUBLE.replace("    ...\n", ""))  # signature and docstring kept
    assert (editor.root / "doubling.py").read_text() == DOUBLE  # the edit is the editor's to save
    assert re.match(r"seidr: double: no model configured: searched [\d,]+ programs locally; set seidr.model for "
                    r"harder functions$", editor.shown()[-1]), editor.shown()  # said, so no one thinks a model wrote it
    editor.save(uri)
    diagnostics = await editor.next_diagnostics(uri)
    assert diagnostics == [], diagnostics  # no stub mark, no failing example
    assert await editor.lenses(uri) == ["0: ✓ 2/2 examples"]


async def test_with_no_model_a_stub_the_search_cannot_solve_says_what_to_set_and_stays(editor):
    uri = await open_file(editor, "scramble.py", SCRAMBLE)
    requests = len(editor.edit_requests)
    result = await run_the_action(editor, uri)
    assert not result.applied and not result.solved
    assert re.match(r"no model configured: searched [\d,]+ programs locally in [\d.]+ s and none passes every "
                    r"example \(.*\); set seidr.model \(.*\) for harder functions$", result.reason), result.reason
    assert any(m.startswith(f"seidr: scramble not solved: {result.reason}") for m in editor.shown()), editor.shown()
    assert len(editor.edit_requests) == requests and editor.texts[uri] == SCRAMBLE
    assert (editor.root / "scramble.py").read_text() == SCRAMBLE


PICK = 'def f(xs):\n    """\n    >>> f([3, 1, 2])\n    3\n    """\n    ...\n'


async def code_actions(editor, uri: str) -> list:
    return await editor.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=types.Range(types.Position(0, 4), types.Position(0, 4)),
        context=types.CodeActionContext(diagnostics=[]))) or []


async def test_an_ambiguous_stub_is_not_filled_and_an_added_example_pins_the_next_synthesis(editor):
    """Ask, don't guess: one example fits max, the first item and more; the action says so and edits nothing,
    a code action per behaviour adds the example that tells them apart, and the next synthesis is pinned."""
    uri = await open_file(editor, "pick.py", PICK)
    [synthesize] = [a for a in await code_actions(editor, uri) if a.title == "seidr: Synthesize from 1 example"]
    requests = len(editor.edit_requests)
    result = await editor.command(synthesize.command.command, synthesize.command.arguments[0])
    assert not result.applied and not result.solved and result.ambiguous, result
    assert len(editor.edit_requests) == requests and editor.texts[uri] == PICK  # nothing guessed into the file
    assert any(m.startswith("seidr: f not solved: ") and "behaviours fit these examples; ambiguous: f(" in m
               for m in editor.shown()), editor.shown()
    marks = await editor.diagnostics_when(uri, lambda ds: any("behaviours fit" in d.message for d in ds))
    [stub] = [d for d in marks if d.code == "stub"]
    assert stub.message.startswith("not implemented; 1 example; ") and stub.message.endswith(
        " behaviours fit these examples"), stub.message
    [lens] = await editor.lenses(uri)
    assert lens.startswith("0: ✗ 0/1 examples · ") and lens.endswith(" behaviours fit these examples"), lens
    adds = [a for a in await code_actions(editor, uri) if a.title.startswith("seidr: add example `f(")]
    assert len(adds) == len(result.examples) >= 2
    call = result.reason.removeprefix("ambiguous: ").split(" gives ")[0]
    for_max = result.reason.split(" gives ")[1].split(" (max(xs))")[0].split(" or ")[-1]
    [add] = [a for a in adds if a.title == f"seidr: add example `{call}` → `{for_max}`"]
    added = await editor.command(add.command.command, add.command.arguments[0])
    assert added.applied, added
    assert editor.texts[uri] == PICK.replace('    3\n    """', f'    3\n    >>> {call}\n    {for_max}\n    """')
    [synthesize] = [a for a in await code_actions(editor, uri) if a.title == "seidr: Synthesize from 2 examples"]
    result = await editor.command(synthesize.command.command, synthesize.command.arguments[0])
    assert result.applied and result.solved, result
    assert editor.texts[uri].endswith("    return max(xs)\n"), editor.texts[uri]
    assert "behaviours fit" not in " ".join(await editor.lenses(uri))  # the examples changed: it no longer holds
