"""Check on save, as an editor sees it: open a Python file, save it, and the failing examples are marked on their
own lines, stubs are noted, lenses count, a fix clears the marks and closing the file clears everything."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.server.lsp import by_line, lines_of, start_editor, stop_editor, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

MATH = textwrap.dedent('''\
    """Small helpers with examples."""


    def add(a, b):
        """Sum of two numbers.

        >>> add(1, 2)
        3
        >>> add(2, 2)
        4
        """
        return a + b


    def double(x):
        """Twice x.

        >>> double(2)
        4
        >>> double(3)
        6
        >>> double(0)
        0
        """
        return x + 2


    def ratio(a, b):
        """a over b.

        >>> ratio(6, 3)
        2.0
        """
        return a / 0


    def slow():
        """Never ends.

        >>> slow()
        1
        """
        while True:
            pass


    def square(x):
        """x times x.

        >>> square(3)
        9
        >>> square(4)
        16
        """
        raise NotImplementedError


    def helper(x):
        return x
    ''')


# the same without the function that runs until its time is up
QUICK = MATH.replace(MATH[MATH.index("def slow"):MATH.index("def square")], "")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    editor = await start_editor(root, root / ".cache", init_options={"limits": {"exampleSeconds": 2,
                                                                               "programSeconds": 4}})
    editor.root = root
    yield editor
    await stop_editor(editor)


def write(editor, name: str, text: str) -> Path:
    path = editor.root / name
    path.write_text(text)
    return path


async def test_open_marks_each_failing_example_on_its_line_and_each_stub(editor):
    uri = editor.open(write(editor, "maths.py", MATH))
    diagnostics = await editor.next_diagnostics(uri)
    marks = by_line(diagnostics)
    assert 17 not in marks  # >>> double(2) passes
    assert marks[19] == "example-failed: expected 6, got 5"  # >>> double(3)
    assert marks[21] == "example-failed: expected 0, got 2"  # >>> double(0)
    assert marks[30].startswith("example-error: ") and "ZeroDivisionError" in marks[30]
    # a runner reports a timeout on the example's line, or on the function's when it stops the whole program
    assert [d.range.start.line for d in diagnostics if d.code == "example-timeout"] in ([36], [39])
    assert marks[46] == "stub: not implemented; 2 examples"
    assert not [d for d in diagnostics if d.range.start.line < 12]  # add passes
    assert all(d.source == "seidr" for d in diagnostics)
    failing = next(d for d in diagnostics if d.range.start.line == 19)
    assert failing.severity == types.DiagnosticSeverity.Error and failing.data == {"function": "double"}
    # the mark covers the example: its >>> line and the output it expects
    start, end = failing.range.start, failing.range.end
    assert (start.line, start.character, end.line, end.character) == (19, 4, 20, len("    6"))
    stub = next(d for d in diagnostics if d.code == "stub")
    assert stub.severity == types.DiagnosticSeverity.Information and stub.data == {"function": "square"}


async def test_code_lens_counts_the_examples_that_pass(editor):
    uri = (editor.root / "maths.py").as_uri()
    assert await editor.lenses(uri) == ["3: ✓ 2/2 examples", "14: ✗ 1/3 examples", "27: ✗ 0/1 examples",
                                        "36: ✗ 0/1 examples", "46: ✗ 0/2 examples"]
    assert editor.lens_refreshes >= 1  # the editor was told to ask again after the check


async def test_fixing_a_function_and_saving_clears_its_marks(editor):
    uri = (editor.root / "maths.py").as_uri()
    fixed = MATH.replace("return x + 2", "return x * 2").replace("raise NotImplementedError", "return x * x")
    editor.save(uri, fixed)
    diagnostics = await editor.diagnostics_when(uri, lambda ds: 19 not in lines_of(ds))
    assert [d.data["function"] for d in diagnostics] == ["ratio", "slow"]
    assert "14: ✓ 3/3 examples" in await editor.lenses(uri)
    assert "46: ✓ 2/2 examples" in await editor.lenses(uri)


async def test_a_file_that_does_not_parse_gets_one_syntax_diagnostic(editor):
    broken = "def add(a, b):\n    '''\n    >>> add(1, 2)\n    3\n    '''\n    return a +\n"
    uri = editor.open(write(editor, "broken.py", broken))
    diagnostics = await editor.next_diagnostics(uri)
    syntax = [d for d in diagnostics if d.code == "syntax"]
    assert len(syntax) == 1 and syntax[0].range.start.line == 5
    assert syntax[0].severity == types.DiagnosticSeverity.Error


async def test_closing_a_document_clears_its_diagnostics(editor):
    uri = editor.open(write(editor, "closing.py", QUICK))
    assert await editor.next_diagnostics(uri)
    seen = len(editor.published(uri))
    editor.close(uri)
    assert await editor.next_diagnostics(uri, after=seen) == []


async def test_a_newer_save_supersedes_an_older_check(editor):
    slow = QUICK.replace("return a + b", "import time; time.sleep(0.5); return a + b")
    uri = editor.open(write(editor, "racing.py", slow))
    editor.save(uri, slow.replace("return x + 2", "return x * 2"))
    diagnostics = await editor.next_diagnostics(uri)
    # the first check was cancelled before it published: the one publish is for the saved text
    assert 19 not in lines_of(diagnostics) and editor.published(uri)[0].version == 2


async def test_files_seidr_does_not_handle_get_no_diagnostics(editor):
    uri = editor.open(write(editor, "notes.txt", ">>> add(1, 2)\n4\n"), language="plaintext")
    python = editor.open(write(editor, "after.py", QUICK))
    await editor.next_diagnostics(python)
    assert editor.published(uri) == []


async def test_the_sandbox_level_is_logged_and_sent_in_the_status(editor):
    await wait_for(lambda: any("isolation" in s for s in editor.statuses), 30, "the isolation status")
    status = next(s for s in editor.statuses if "isolation" in s)
    assert status["state"] == "idle" and status["isolation"]
    assert any("sandbox" in m.message and status["isolation"] in m.message for m in editor.log_messages)
    assert any(s["state"] == "checking" for s in editor.statuses)
    await wait_for(lambda: editor.statuses[-1]["state"] == "idle", 60, "the server to be idle")


async def test_a_right_value_spelled_unlike_doctest_passes_with_a_note_on_its_line(editor):
    spelled = 'def name():\n    """\n    >>> name()\n    "Odin"\n    """\n    return "Odin"\n'
    uri = editor.open(write(editor, "spelled.py", spelled))
    [note] = await editor.next_diagnostics(uri)
    assert (note.code, note.severity, note.range.start.line) == (
        "doctest-text-differs", types.DiagnosticSeverity.Information, 2)
    assert note.message == "passes as a value, but doctest compares text and fails it: printed 'Odin'"
    assert await editor.lenses(uri) == ["0: ✓ 1/1 examples"]
