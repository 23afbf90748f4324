"""Rust files: doc-test asserts and `>>>` lines are found, judged by real rustc builds, one process per
example; a panic is reported against the example that raised it."""

import pytest

from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.runners.verdict import Outcome
from seidr.synth.extract import extract, language_for

SOURCE = """use std::collections::HashMap;

/// Counts each word.
///
/// ```
/// assert_eq!(counts("a b a")["a"], 2);
/// assert!(counts("").is_empty());
/// ```
/// >>> counts("x x y").len()
/// 2
pub fn counts(text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for w in text.split_whitespace() {
        *out.entry(w.to_string()).or_insert(0) += 1;
    }
    out
}

pub struct Grid {
    cells: Vec<u8>,
}

impl Grid {
    /// >>> Grid::parse("1,2,3").cells
    /// vec![1, 2, 3]
    pub fn parse(line: &str) -> Grid {
        todo!()
    }
}

fn main() {
    println!("{:?}", counts("hi"));
}
"""


@pytest.fixture(scope="module")
def problems():
    assert language_for("words.rs", SOURCE) == "rust"
    return {p.name: p for p in extract(SOURCE, "src/words.rs").problems}


def test_extraction_finds_doc_tests_examples_methods_and_stubs(problems):
    assert sorted(problems) == ["Grid.parse", "counts"]
    counts = problems["counts"]
    assert [(e.kind, e.line) for e in counts.examples] == [("assert", 5), ("assert", 6), ("expr", 8)]
    assert counts.signature == "pub fn counts(text: &str) -> HashMap<String, usize>"
    assert problems["Grid.parse"].is_stub and not counts.is_stub


async def test_verdicts_per_example_with_panics_isolated(problems):
    rust = get_runner("rust")
    counts = problems["counts"]
    panicky = Program(counts.code.replace("let mut out", 'if text.is_empty() { panic!("no words") }\n    let mut out'))
    wrong = Program(counts.code.replace("+= 1", "+= 2"))
    right, panicked, doubled = await rust.judge(counts, [Program(counts.code), panicky, wrong])
    assert right.passed
    assert [r.outcome for r in panicked.results] == [Outcome.PASSED, Outcome.ERROR, Outcome.PASSED]
    assert "no words" in panicked.results[1].message
    assert doubled.results[0].outcome is Outcome.FAILED and "left: 4" in doubled.results[0].actual
    assert doubled.results[2].passed  # the word count is unchanged


async def test_stub_fails_filled_method_passes_and_compile_errors_map_to_lines(problems):
    rust = get_runner("rust")
    parse = problems["Grid.parse"]
    filled = Program(parse.code.replace("todo!()", "Grid { cells: line.split(',').map(|c| c.parse().unwrap()).collect() }"))
    broken = Program(parse.code.replace("todo!()", "Grid { cells: missing_name }"))
    stub, done, failed = await rust.judge(parse, [Program(parse.code), filled, broken])
    assert "not yet implemented" in stub.results[0].message
    assert done.passed
    assert "did not compile" in failed.error and "words.rs:27:" in failed.output


async def test_an_example_that_does_not_compile_points_at_its_doc_line(problems):
    counts = problems["counts"]
    (verdict,) = await get_runner("rust").judge(counts, [Program(counts.code.replace("HashMap<String, usize>", "Vec<usize>")
                                                                 .replace("HashMap::new()", "Vec::new()")
                                                                 .replace("*out.entry(w.to_string()).or_insert(0) += 1;", "out.push(w.len());"))])
    assert "did not compile" in verdict.error
    # the first doc-test assert is line 6 of words.rs (1-based)
    assert "words.rs:6:" in verdict.output


async def test_errors_below_a_longer_candidate_keep_their_document_lines():
    source = "/// >>> f(1)\n/// 2\nfn f(x: i32) -> i32 { x + 1 }\n\n\nfn g() -> i32 { undefined_after }\n"
    f = extract(source, "after.rs").find("f")
    (verdict,) = await get_runner("rust").judge(f, [Program("fn f(x: i32) -> i32 {\n    x + 1\n}")])
    assert "after.rs:6:" in verdict.output


SHOUT = """/// ```
/// assert_eq!(shout("hi"), "HI!");
/// assert_ne!(shout("a"), "a");
/// assert_eq!(shout(&format!("{}, {}", "a", "b")), String::from("A, B!"), "commas inside the arguments");
/// ```
pub fn shout(text: &str) -> String {
    text.to_uppercase() + "!"
}
"""


async def test_assert_eq_and_assert_ne_compare_strings_of_either_type():
    shout = extract(SHOUT, "shout.rs").find("shout")
    right, unchanged = await get_runner("rust").judge(shout, [Program(shout.code),
                                                             Program(shout.code.replace('text.to_uppercase() + "!"',
                                                                                        "text.to_string()"))])
    assert right.passed, right
    assert [r.outcome for r in unchanged.results] == [Outcome.FAILED] * 3
    assert unchanged.results[0].actual == 'assertion `left == right` failed\n  left: "hi"\n right: "HI!"'
    assert unchanged.results[1].actual.startswith("assertion `left != right` failed")


COMMENTED = '''/// The text, twice.
///
/// ```
/// assert_eq!(twice("a"), "aa"); // a trailing comment
/// assert_eq!(twice("//"), "////"); // slashes in a string stay
/// ```
pub fn twice(text: &str) -> String {
    text.repeat(2)
}
'''


async def test_a_doc_test_assert_with_a_trailing_comment_runs_as_rustdoc_runs_it():
    [twice] = extract(COMMENTED, "src/twice.rs").problems
    assert [e.source for e in twice.examples] == ['assert_eq!(twice("a"), "aa");', 'assert_eq!(twice("//"), "////");']
    (verdict,) = await get_runner("rust").judge(twice, [Program(twice.code)])
    assert verdict.passed, [r.summary() for r in verdict.failures] or verdict.error
