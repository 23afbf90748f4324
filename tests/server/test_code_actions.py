"""Synthesize and repair as code actions, with the model a scripted OpenAI-compatible server on 127.0.0.1:
listing is instant, the command shows progress, is cancellable, and lands only as a versioned edit the editor
accepted on the text the search started from."""
from __future__ import annotations

import asyncio
import shutil
import textwrap

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.conftest import EXAMPLES, need
from tests.server.lsp import alive, lines_of, process_tree, start_editor, stop_editor, wait_for
from tests.support.model_server import ScriptedServer

pytestmark = pytest.mark.asyncio(loop_scope="module")

SHAPES = textwrap.dedent('''\
    """Shapes."""


    def square(x):
        """x times x.

        >>> square(3)
        9
        >>> square(4)
        16
        """
        ...


    def cube(x):
        """x to the third.

        >>> cube(2)
        8
        >>> cube(3)
        27
        """
        raise NotImplementedError


    def double(x):
        """Twice x.

        >>> double(2)
        4
        >>> double(3)
        6
        >>> double(5)
        10
        """
        return x + 2


    def half(x):
        """Half of x.

        >>> half(4)
        2.0
        """
        return x / 2


    def plain(x):
        return x
    ''')

SQUARE = "Here it is:\n```python\ndef square(x):\n    return x * x\n```\n"
CUBE = "```python\ndef cube(x):\n    return x ** 3\n```\n"
DOUBLE = "```python\ndef double(x):\n    return 2 * x\n```\n"
# nonsense: a program that ignores its input, every time it is asked
GARBAGE = "Sure!\n```python\ndef square(x):\n    return 0\n```\n"


@pytest.fixture(scope="module")
def model():
    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory, model):
    root = tmp_path_factory.mktemp("ws")
    settings = {"model": "openai/scripted", "apiBase": model.api_base, "cache": False, "enumerateFirst": False,
                "budget": {"calls": 3, "seconds": 120}, "search": {"drafts": 1},
                # generous: a loaded machine must not turn a correct program into a timeout
                "limits": {"exampleSeconds": 20, "programSeconds": 60}}
    editor = await start_editor(root, root / ".cache", init_options=settings, OPENAI_API_KEY="sk-local-test")
    editor.root = root
    editor.settings = settings
    yield editor
    await stop_editor(editor)


@pytest.fixture
def script(model, editor):
    """Fresh replies for one test; the editor accepts edits unless the test says otherwise."""
    def set_replies(*replies: str, delay: float = 0.0):
        model.replies = [[r] for r in replies]
        model.delay = delay
        model.requests.clear()
    yield set_replies
    model.delay = 0.0
    editor.answer_edit = editor.apply


async def open_shapes(editor, name: str) -> str:
    path = editor.root / name
    path.write_text(SHAPES)
    uri = editor.open(path)
    await editor.next_diagnostics(uri)
    return uri


async def actions_at(editor, uri: str, line: int, diagnostics=(), only=None) -> list[types.CodeAction]:
    got = await editor.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=types.Range(types.Position(line, 0),
                                                                           types.Position(line, 0)),
        context=types.CodeActionContext(diagnostics=list(diagnostics), only=only)))
    return list(got or [])


def synthesize(editor, uri: str, function: str, command: str = "seidr.synthesize") -> asyncio.Task:
    return asyncio.ensure_future(editor.command(command, {"uri": uri, "function": function}))


async def test_actions_are_listed_at_once_without_asking_the_model(editor, model, script):
    script(SQUARE)
    uri = await open_shapes(editor, "listing.py")
    stub = await actions_at(editor, uri, 3)
    assert [(a.title, a.kind, a.command.command) for a in stub] == [
        ("seidr: Synthesize from 2 examples", "refactor.rewrite", "seidr.synthesize")]
    assert stub[0].command.arguments[0] == {"uri": uri, "function": "square", "version": 1}
    failing = await actions_at(editor, uri, 30)
    assert [a.title for a in failing] == ["seidr: Repair (2 of 3 examples fail)"]
    assert failing[0].command.command == "seidr.repair"
    assert await actions_at(editor, uri, 38) == []  # half passes
    assert await actions_at(editor, uri, 47) == []  # plain has no examples
    # the same fix as a quick fix of the diagnostics the editor shows on the failing example
    marks = [d for d in editor.diagnostics[uri] if d.data and d.data["function"] == "double"]
    quick = await actions_at(editor, uri, marks[0].range.start.line, marks, only=[types.CodeActionKind.QuickFix])
    assert [(a.title, a.kind) for a in quick] == [("seidr: Repair (2 of 3 examples fail)", "quickfix")]
    assert {d.range.start.line for d in quick[0].diagnostics} == set(lines_of(marks))
    stub_mark = [d for d in editor.diagnostics[uri] if d.code == "stub" and d.data["function"] == "cube"]
    quick = await actions_at(editor, uri, 15, stub_mark)
    assert ("seidr: Synthesize from 2 examples", "quickfix") in [(a.title, a.kind) for a in quick]
    assert model.requests == []


async def test_synthesize_applies_a_versioned_edit_with_progress_and_the_marks_clear(editor, model, script):
    script(SQUARE)
    uri = await open_shapes(editor, "synth.py")
    assert 3 in lines_of(editor.diagnostics[uri], "stub")
    result = await editor.command("seidr.synthesize", {"uri": uri, "function": "square"})
    assert result.applied and result.solved, result
    [request] = editor.edit_requests[-1:]
    [change] = request.edit.document_changes
    assert change.text_document.version == 1  # the version the search started from
    assert all(e.range.start.line >= 11 for e in change.edits)  # only the body, below the docstring
    assert editor.texts[uri] == SHAPES.replace("    ...\n", "    return x * x\n", 1)
    diagnostics = await editor.diagnostics_when(uri, lambda ds: 3 not in lines_of(ds))
    assert "square" not in {d.data["function"] for d in diagnostics}
    token, reports = next((t, r) for t, r in editor.progress_reports.items()
                          if r and isinstance(r[0], types.WorkDoneProgressBegin) and "square" in r[0].title)
    assert reports[0].cancellable and isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert any(isinstance(r, types.WorkDoneProgressReport) and "call" in (r.message or "") for r in reports)
    assert any("square" in m.message and "judged" in m.message for m in editor.log_messages)
    assert any(s["state"] == "synthesizing" and s["spend"]["calls"] >= 1 for s in editor.statuses)


async def test_cancelling_the_progress_stops_the_search_with_no_edit_and_no_process_left(editor, model, script):
    script(CUBE, delay=60)
    uri = await open_shapes(editor, "cancel.py")
    edits = len(editor.edit_requests)
    task = synthesize(editor, uri, "cube")
    await wait_for(lambda: len(model.requests) >= 1, 60, "the model request")
    token = next(t for t, r in editor.progress_reports.items()
                 if r and isinstance(r[0], types.WorkDoneProgressBegin) and "cube" in r[0].title
                 and not isinstance(r[-1], types.WorkDoneProgressEnd))
    editor.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await asyncio.wait_for(task, 30)
    assert not result.applied and result.reason == "cancelled"
    assert len(editor.edit_requests) == edits
    assert isinstance(editor.progress_reports[token][-1], types.WorkDoneProgressEnd)
    await wait_for(lambda: not programs_running(editor._server.pid), 10, "no program left running")


async def test_cancelling_while_a_program_runs_kills_it(editor, model, script):
    script("```python\ndef cube(x):\n    while True:\n        pass\n```\n")
    uri = await open_shapes(editor, "cancel_running.py")
    server = editor._server.pid
    task = synthesize(editor, uri, "cube")
    await wait_for(lambda: programs_running(server), 60, "the drafted program to run")
    assert (await editor.command("seidr.cancel", {"uri": uri, "function": "cube"})).cancelled == 1
    result = await asyncio.wait_for(task, 30)
    assert not result.applied and result.reason == "cancelled"
    await wait_for(lambda: not programs_running(server), 10, "the running program to be killed")


def programs_running(server: int) -> set:
    """Candidate programs: the processes a Python runner worker (the Python process, not its bwrap wrapper)
    started; the workers themselves stay for the next check."""
    tree = process_tree(server)
    workers = {pid for pid, _ in tree if is_worker(pid)}
    return alive(set().union(*(process_tree(w) for w in workers)))


def is_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().decode(errors="replace").split("\0")
        with open(f"/proc/{pid}/stat") as fh:
            parent = int(fh.read().rpartition(")")[2].split()[1])
        with open(f"/proc/{parent}/cmdline", "rb") as fh:
            parent_argv = fh.read().decode(errors="replace").split("\0")
    except OSError:
        return False
    # a forked program keeps its worker's command line: a worker is the one whose parent is not a worker
    return "python" in argv[0] and any("python_worker" in a for a in argv) and not (
        "python" in parent_argv[0] and any("python_worker" in a for a in parent_argv))


async def test_a_cancel_request_stops_the_search_too(editor, model, script):
    script(CUBE, delay=60)
    uri = await open_shapes(editor, "cancel_request.py")
    future = editor.protocol.send_request(types.WORKSPACE_EXECUTE_COMMAND, types.ExecuteCommandParams(
        command="seidr.synthesize", arguments=[{"uri": uri, "function": "cube"}]))
    request_id = next(i for i, f in editor.protocol._request_futures.items() if f is future)
    await wait_for(lambda: len(model.requests) >= 1, 60, "the model request")
    editor.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=request_id))
    with pytest.raises(Exception):
        await asyncio.wait_for(asyncio.wrap_future(future), 30)
    await wait_for(lambda: any("cube: cancelled" in m.message for m in editor.log_messages), 30, "the cancel log")
    await wait_for(lambda: editor.statuses[-1]["state"] != "synthesizing", 30, "the synthesis to end")


async def test_an_edit_during_the_run_gets_no_edit_and_apply_last_result_puts_it_in_after(editor, model, script):
    script(SQUARE, delay=2)
    uri = await open_shapes(editor, "edited.py")
    edits = len(editor.edit_requests)
    task = synthesize(editor, uri, "square")
    await wait_for(lambda: len(model.requests) >= 1, 60, "the model request")
    editor.change(uri, "# a comment on top\n" + editor.texts[uri])
    result = await asyncio.wait_for(task, 60)
    assert result.solved and not result.applied and result.reason == "document changed"
    assert len(editor.edit_requests) == edits
    assert any("changed while seidr worked on square" in m and "Apply last result" in m for m in editor.shown())
    titles = [a.title for a in await actions_at(editor, uri, 4)]
    assert "seidr: Apply last result" in titles and "seidr: Show candidates" in titles
    again = await editor.command("seidr.applyLastResult", {"uri": uri, "position": {"line": 5, "character": 0}})
    assert again.applied, again
    assert editor.texts[uri].startswith("# a comment on top\n") and "\n    return x * x\n" in editor.texts[uri]


async def test_two_syntheses_on_two_functions_run_at_once_and_both_land(editor, model, script):
    script(SQUARE + "\n" + CUBE, delay=1.5)
    uri = await open_shapes(editor, "both.py")
    first, second = synthesize(editor, uri, "square"), synthesize(editor, uri, "cube")
    await wait_for(lambda: len(model.requests) >= 2, 60, "two model requests")
    assert not first.done() and not second.done()  # both asked the model before either finished
    results = await asyncio.wait_for(asyncio.gather(first, second), 90)
    assert all(r.applied for r in results), results
    assert "\n    return x * x\n" in editor.texts[uri] and "\n    return x ** 3\n" in editor.texts[uri]


async def test_a_second_request_on_the_same_function_replaces_the_first(editor, model, script):
    script(SQUARE, delay=2)
    uri = await open_shapes(editor, "again.py")
    first = synthesize(editor, uri, "square")
    await wait_for(lambda: len(model.requests) >= 1, 60, "the model request")
    second = synthesize(editor, uri, "square")
    assert (await asyncio.wait_for(first, 30)).reason == "superseded by a newer request"
    assert (await asyncio.wait_for(second, 60)).applied


async def test_a_model_that_answers_nonsense_spends_the_budget_and_says_so(editor, model, script):
    script(GARBAGE)
    uri = await open_shapes(editor, "garbage.py")
    edits = len(editor.edit_requests)
    result = await editor.command("seidr.synthesize", {"uri": uri, "function": "square"})
    assert not result.solved and not result.applied and "budget" in result.reason
    assert len(model.requests) == 3 and len(editor.edit_requests) == edits
    [shown] = [m for m in editor.shown() if "square not solved" in m]
    assert "budget" in shown


async def test_an_edit_the_editor_rejects_is_reported_not_retried(editor, model, script):
    script(DOUBLE)
    uri = await open_shapes(editor, "rejected.py")
    editor.answer_edit = lambda params: types.ApplyWorkspaceEditResult(applied=False, failure_reason="user said no")
    edits = len(editor.edit_requests)
    result = await editor.command("seidr.repair", {"uri": uri, "function": "double"})
    assert result.solved and not result.applied and "user said no" in result.reason
    assert len(editor.edit_requests) == edits + 1
    assert any("did not apply the edit for double" in m and "user said no" in m for m in editor.shown())


async def test_show_candidates_offers_the_ranked_programs_and_applies_the_choice(editor, model, script):
    script(DOUBLE)
    uri = await open_shapes(editor, "candidates.py")
    editor.answer_edit = lambda params: types.ApplyWorkspaceEditResult(applied=False, failure_reason="later")
    await editor.command("seidr.repair", {"uri": uri, "function": "double"})
    editor.answer_edit = editor.apply
    editor.choose = lambda params: params.actions[0]
    result = await editor.command("seidr.showCandidates", {"uri": uri, "function": "double"})
    assert result.applied, result
    assert editor.message_requests[-1].actions[0].title.startswith("1. 3/3 pass")
    assert editor.shown_documents and editor.shown_documents[-1].uri.endswith(".diff")
    assert "\n    return 2 * x\n" in editor.texts[uri]


async def test_without_a_model_the_action_is_listed_and_running_it_names_the_setting(editor, model, script):
    script(SQUARE)
    uri = await open_shapes(editor, "nomodel.py")
    editor.set_configuration({"model": None}, section="seidr")
    editor.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    try:
        assert [a.title for a in await actions_at(editor, uri, 3)] == ["seidr: Synthesize from 2 examples"]
        result = await editor.command("seidr.synthesize", {"uri": uri, "function": "square"})
        assert not result.applied and "no model configured" in result.reason and "`model`" in result.reason
        assert result.reason in editor.shown()
        assert model.requests == []
    finally:
        editor.set_configuration({}, section="seidr")
        editor.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


COUNT_LETTER = ("```cpp\n#include <string>\n\nint count_letter(const std::string& word, char letter) {\n"
                "    int n = 0;\n    for (char c : word) n += c == letter;\n    return n;\n}\n```\n")


async def test_synthesize_fills_a_cpp_stub_with_a_program_that_passes(editor, model, script):
    need("g++")
    script(COUNT_LETTER)
    path = editor.root / "strings.cpp"
    shutil.copy(EXAMPLES / "strings.cpp", path)
    uri = editor.open(path, language="cpp")
    await editor.diagnostics_when(uri, lambda ds: 27 in lines_of(ds, "stub"))
    assert [a.title for a in await actions_at(editor, uri, 27)] == ["seidr: Synthesize from 2 examples"]
    result = await editor.command("seidr.synthesize", {"uri": uri, "position": {"line": 28, "character": 4}})
    assert result.applied, (result, editor.shown()[-1:])
    assert editor.texts[uri] == path.read_text().replace(
        "int count_letter(const std::string& word, char letter) {\n    // TODO\n}",
        "int count_letter(const std::string& word, char letter) {\n    int n = 0;\n"
        "    for (char c : word) n += c == letter;\n    return n;\n}")
    assert await editor.diagnostics_when(uri, lambda ds: 27 not in lines_of(ds))
