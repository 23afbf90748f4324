"""The shop's tests in the editor, over the protocol (pytest-lsp driving ``seidr serve``): a failing related test
is an Error on the function's signature line pointing at the test's own line, the lens counts examples and
tests apart, saving the test file checks the function again, and Repair is told what the test said."""
from __future__ import annotations

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.pytest_runner.shop_copy import copy_shop
from tests.server.lsp import start_editor, stop_editor, wait_for
from tests.support.model_server import ScriptedServer

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAPPED = "Capped:\n```python\ndef discount(price):\n    return min(price * RATE, 50)\n```\n"
SIGNATURE = 5  # def discount(price): in src/shop/pricing.py, 0-based


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory):
    model = ScriptedServer().start()
    root = copy_shop(tmp_path_factory.mktemp("ws"))
    settings = {"model": "openai/scripted", "apiBase": model.api_base, "cache": False, "enumerateFirst": False,
                "budget": {"calls": 4, "seconds": 120}, "search": {"drafts": 1, "beamWidth": 1},
                "limits": {"exampleSeconds": 20, "programSeconds": 60}}
    editor = await start_editor(root, root.parent / ".cache", init_options=settings, OPENAI_API_KEY="sk-local-test")
    editor.root, editor.model = root, model
    yield editor
    await stop_editor(editor)
    model.stop()


def failing_tests(diagnostics) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == "test-failed"]


async def test_a_failing_related_test_is_marked_on_the_signature_and_points_at_the_test(editor):
    uri = editor.open(editor.root / "src" / "shop" / "pricing.py")
    diagnostics = await editor.diagnostics_when(uri, lambda ds: bool(failing_tests(ds)))
    [mark] = failing_tests(diagnostics)
    assert mark.range.start.line == SIGNATURE and mark.severity == types.DiagnosticSeverity.Error
    assert mark.message == "test_discount_caps_at_50 fails: assert 60.0 == 50"
    assert mark.source == "seidr" and mark.data == {"function": "discount",
                                                     "test": "tests/test_pricing.py::test_discount_caps_at_50"}
    [related] = mark.related_information
    assert related.location.uri == (editor.root / "tests" / "test_pricing.py").as_uri()
    assert related.location.range.start.line == 6  # the assert that failed
    assert related.location.range.end.character == len("    assert discount(base_price * 2) == 50")
    assert related.message == "tests/test_pricing.py::test_discount_caps_at_50: assert 60.0 == 50"
    assert [d for d in diagnostics if d.code != "test-failed"] == []  # the doctests pass


async def test_the_lens_counts_examples_and_tests_apart(editor):
    uri = (editor.root / "src" / "shop" / "pricing.py").as_uri()
    await wait_for(lambda: editor.published(uri), 90, "the first check")
    assert await editor.lenses(uri) == [
        f"{SIGNATURE}: ✓ 1/1 examples · ✗ 3/4 tests",
        "14: ✓ 1/1 examples · ✓ 3/3 tests",
        "22: ✓ 1/1 tests",
    ]


async def test_the_quick_fix_of_a_failing_test_is_a_repair(editor):
    uri = (editor.root / "src" / "shop" / "pricing.py").as_uri()
    marks = failing_tests(editor.diagnostics[uri])
    got = await editor.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(SIGNATURE, 0), types.Position(SIGNATURE, 0)),
        context=types.CodeActionContext(diagnostics=marks, only=[types.CodeActionKind.QuickFix])))
    assert [(a.title, a.command.command) for a in got] == [("seidr: Repair (1 of 4 tests fail)", "seidr.repair")]


async def test_saving_the_test_file_checks_the_function_again(editor):
    pricing = (editor.root / "src" / "shop" / "pricing.py").as_uri()
    test_path = editor.root / "tests" / "test_pricing.py"
    fixed = test_path.read_text().replace("== 50\n", "== 60\n", 1)
    test_path.write_text(fixed)  # what the editor's save writes
    test_uri = editor.open(test_path, fixed)
    editor.save(test_uri)
    await editor.diagnostics_when(pricing, lambda ds: not failing_tests(ds))
    assert f"{SIGNATURE}: ✓ 1/1 examples · ✓ 4/4 tests" in await editor.lenses(pricing)
    broken = fixed.replace("== 60\n", "== 50\n", 1)
    test_path.write_text(broken)
    editor.save(test_uri, broken)
    await editor.diagnostics_when(pricing, lambda ds: bool(failing_tests(ds)))
    editor.close(test_uri)


async def test_repair_is_told_what_the_failing_test_said_and_fixes_the_function(editor):
    model = editor.model
    model.answer("Write the Python function `discount`", "No code from me.").answer("The current code:", CAPPED)
    uri = (editor.root / "src" / "shop" / "pricing.py").as_uri()
    result = await editor.command("seidr.repair", {"uri": uri, "function": "discount"})
    assert result.applied and result.solved, result
    repair = next(r for r in model.requests if "The current code:" in r["messages"][-1]["content"])
    prompt = repair["messages"][-1]["content"]
    assert "The workspace's tests fail: test_discount_caps_at_50 fails: assert 60.0 == 50" in prompt
    assert "    return price * RATE" in prompt  # repaired from the function as it was
    assert "min(price * RATE, 50)" in editor.texts[uri]
    await editor.diagnostics_when(uri, lambda ds: not failing_tests(ds))
