"""Putting a program into a document: exactly the function's text for C++ and Rust (with the includes or uses it
needs added once at the top), and the fewest whole-line edits for any change."""
from __future__ import annotations

from seidr.server.edits import new_text, text_edits
from seidr.synth.extract import extract
from tests.server.lsp import apply_edits

CPP = """\
// Helpers.
#include <string>

/// How many vowels.
/// >>> vowels("banana")
/// 3
int vowels(const std::string& word) {
    // TODO
}

int after() { return 1; }
"""

RUST = """\
/// The largest value.
/// >>> largest(&[1, 5, 2])
/// 5
pub fn largest(values: &[i64]) -> i64 {
    todo!()
}
"""


def test_a_cpp_program_replaces_the_function_and_its_includes_go_to_the_top_once():
    problem = extract(CPP, "v.cpp").find("vowels")
    program = ("#include <string>\n#include <algorithm>\n/// How many vowels.\n"
               "int vowels(const std::string& word) {\n"
               "    return std::count_if(word.begin(), word.end(), [](char c) { return c == 'a'; });\n}\n")
    assert new_text(CPP, problem, program) == CPP.replace(
        "#include <string>\n", "#include <string>\n#include <algorithm>\n").replace(
        "{\n    // TODO\n}", "{\n    return std::count_if(word.begin(), word.end(), [](char c) { return c == 'a'; });\n}")


def test_a_rust_program_keeps_the_doc_comment_and_adds_its_use_at_the_top():
    problem = extract(RUST, "l.rs").find("largest")
    program = "use std::cmp::max;\npub fn largest(values: &[i64]) -> i64 {\n    values.iter().fold(i64::MIN, |a, &b| max(a, b))\n}"
    assert new_text(RUST, problem, program) == "use std::cmp::max;\n" + RUST.replace(
        "    todo!()\n", "    values.iter().fold(i64::MIN, |a, &b| max(a, b))\n")


def test_edits_touch_only_the_lines_that_differ():
    old = "a\nb\nc\nd\n"
    new = "a\nB\nc\nd\ne\n"
    edits = text_edits(old, new, len)
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [(1, 2, "B\n"), (4, 4, "e\n")]
    assert apply_edits(old, edits) == new


def test_a_last_line_without_a_newline_is_replaced_up_to_its_end():
    old = "x = 1\ny = 2"
    new = "x = 1\ny = 3\n"
    edits = text_edits(old, new, len)
    assert [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character) for e in edits] \
        == [(1, 0, 1, 5)]
    assert apply_edits(old, edits) == new
