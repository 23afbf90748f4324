"""Check on save for C++ and Rust files (real g++ and rustc), and a missing toolchain said once with its fix."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.conftest import EXAMPLES, need
from tests.server.lsp import by_line, lines_of, start_editor, stop_editor

pytestmark = pytest.mark.asyncio(loop_scope="module")

# generous limits: a loaded machine must not turn a correct example into a timeout
ROOMY = {"limits": {"exampleSeconds": 20, "programSeconds": 60}}

VERUS = """\
use vstd::prelude::*;

verus! {

/// The sum of two small numbers.
fn add(a: u32, b: u32) -> (r: u32)
    requires a < 100, b < 100,
    ensures r == a + b,
{
    a + b
}

} // verus!
"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    editor = await start_editor(root, root / ".cache", VERUS_PATH="", init_options=ROOMY)
    editor.root = root
    yield editor
    await stop_editor(editor)


def copy_example(editor, name: str) -> Path:
    path = editor.root / name
    shutil.copy(EXAMPLES / name, path)
    return path


async def test_cpp_failing_examples_are_marked_and_a_fix_clears_them(editor):
    need("g++")
    path = copy_example(editor, "strings.cpp")
    uri = editor.open(path, language="cpp")
    diagnostics = await editor.next_diagnostics(uri)
    assert by_line(diagnostics) == {
        13: 'example-failed: expected std::string("Norse"), got "NORSE"',
        15: 'example-failed: expected std::string("Odin"), got "ODIN"',
        27: "stub: not implemented; 2 examples",
    }
    assert await editor.lenses(uri) == ["8: ✓ 2/2 examples", "17: ✗ 0/2 examples", "27: ✗ 0/2 examples"]
    fixed = path.read_text().replace("for (char& c : word) c = std::toupper(c);",
                                     "if (!word.empty()) word[0] = std::toupper(word[0]);")
    editor.save(uri, fixed)
    diagnostics = await editor.diagnostics_when(uri, lambda ds: 13 not in lines_of(ds))
    assert lines_of(diagnostics) == [27]
    assert "17: ✓ 2/2 examples" in await editor.lenses(uri)


async def test_rust_failing_examples_are_marked_and_a_fix_clears_them(editor):
    need("rustc")
    path = copy_example(editor, "stats.rs")
    uri = editor.open(path, language="rust")
    diagnostics = await editor.next_diagnostics(uri)
    assert by_line(diagnostics) == {18: "example-failed: expected 2, got 3", 29: "stub: not implemented; 1 example"}
    assert await editor.lenses(uri) == ["8: ✓ 2/2 examples", "20: ✗ 1/2 examples", "29: ✗ 0/1 examples"]
    editor.save(uri, path.read_text().replace("sorted[sorted.len() / 2]", "sorted[(sorted.len() - 1) / 2]"))
    diagnostics = await editor.diagnostics_when(uri, lambda ds: 18 not in lines_of(ds))
    assert lines_of(diagnostics) == [29]


async def test_a_verus_file_without_verus_gets_one_diagnostic_saying_how_to_install_it(editor):
    path = editor.root / "add.rs"
    path.write_text(VERUS)
    uri = editor.open(path, language="rust")
    diagnostics = await editor.next_diagnostics(uri)
    assert len(diagnostics) == 1
    [missing] = diagnostics
    assert missing.code == "toolchain" and missing.severity == types.DiagnosticSeverity.Warning
    assert "Verus is not installed" in missing.message and "verusPath" in missing.message
    assert missing.range.start.line == 5


@pytest_asyncio.fixture(loop_scope="module")
async def editor_without_compilers(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    editor = await start_editor(tmp_path, tmp_path / ".cache", PATH=str(empty), init_options=ROOMY)
    editor.root = tmp_path
    yield editor
    await stop_editor(editor)


async def test_without_g_plus_plus_a_cpp_file_says_once_how_to_get_it(editor_without_compilers):
    editor = editor_without_compilers
    uri = editor.open(copy_example(editor, "strings.cpp"), language="cpp")
    diagnostics = await editor.next_diagnostics(uri)
    toolchain = [d for d in diagnostics if d.code == "toolchain"]
    assert len(toolchain) == 1 and "g++ is not installed" in toolchain[0].message
    assert "apt install g++" in toolchain[0].message
    assert by_line(diagnostics)[27] == "stub: not implemented; 2 examples"  # what needs no compiler still shows
