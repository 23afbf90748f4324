"""C++ files: functions with doc-comment examples are found, judged by real g++ builds, one process per
example, and compile errors point at the user's own lines."""

import time

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.runners.verdict import Outcome
from seidr.synth.extract import extract

SOURCE = """#include <string>
#include <vector>

namespace text {

/// Number of vowels in a word.
/// >>> vowels("banana")
/// 3
/// >>> vowels("")
/// 0
/// >>> vowels("sky")
/// 0
int vowels(const std::string& word) {
    int n = 0;
    for (char c : word) n += std::string("aeiou").find(c) != std::string::npos;
    return n;
}

}  // namespace text

/**
 * Largest element.
 * >>> largest(std::vector<int>{3, 9, 2})
 * 9
 */
template <typename T>
T largest(const std::vector<T>& xs) {
    // TODO
}

/// Twice a value, for ints and doubles.
/// >>> twice(2.5)
/// 5.0
double twice(double x);
int twice(int x) { return 2 * x; }

struct Counter {
    int count = 0;
    void add(int n);
};

/// >>> [] { Counter c; c.add(2); c.add(3); return c.count; }()
/// 5
void Counter::add(int n) { count += n; }

/// Sum of a line of numbers.
/// >>> stdin:
/// 1 2 3
/// <<< stdout:
/// 6
int main() {
    int x, total = 0;
    while (std::cin >> x) total += x;
    std::cout << total << "\\n";
}
"""


@pytest.fixture(scope="module")
def problems():
    return {p.name: p for p in extract(SOURCE, "/src/demo.cpp").problems}


@pytest.fixture
def cpp():
    return get_runner("cpp", limits=Limits(example_seconds=2))


def test_extraction_finds_namespaced_templates_overloads_methods_and_main(problems):
    assert sorted(problems) == ["Counter.add", "largest", "main", "text.vowels", "twice"]
    vowels = problems["text.vowels"]
    assert vowels.signature == "int vowels(const std::string& word)"
    assert [(e.source, e.expected, e.line) for e in vowels.examples][:2] == [
        ('vowels("banana")', "3", 6), ('vowels("")', "0", 8)]
    assert problems["largest"].is_stub and problems["largest"].signature.startswith("template <typename T>")
    assert problems["twice"].is_stub and problems["twice"].body_span is None  # a declaration only
    assert not problems["text.vowels"].is_stub
    io = problems["main"].examples[0]
    assert io.kind == "io" and io.stdin == "1 2 3\n" and io.expected == "6\n"


async def test_pass_fail_crash_exception_and_timeout_each_reported_against_their_example(cpp, problems):
    vowels = problems["text.vowels"]
    mixed = Program(vowels.code.replace("    int n = 0;", """    if (word == "banana") { int* p = nullptr; return *p; }
    if (word.empty()) throw std::runtime_error("empty word");
    if (word == "sky") while (true) {}
    int n = 0;"""))
    wrong = Program(vowels.code.replace("return n;", "return n + 1;"))
    right, crashed, off_by_one = await cpp.judge(vowels, [Program(vowels.code), mixed, wrong])
    assert right.passed and right.score == 1.0
    assert [r.outcome for r in crashed.results] == [Outcome.ERROR, Outcome.ERROR, Outcome.TIMEOUT]
    assert "signal 11" in crashed.results[0].message
    assert "empty word" in crashed.results[1].message
    assert [r.summary() for r in off_by_one.results] == ["expected 3, got 4", "expected 0, got 1",
                                                       "expected 0, got 1"]


async def test_methods_templates_and_whole_program_io(cpp, problems):
    add = problems["Counter.add"]
    largest = problems["largest"]
    body = "template <typename T>\nT largest(const std::vector<T>& xs) { return *std::max_element(xs.begin(), xs.end()); }"
    main = problems["main"]
    (counter,), (filled,), (io_ok, io_bad) = [
        await cpp.judge(add, [Program(add.code)]),
        await cpp.judge(largest, [Program(body)]),
        await cpp.judge(main, [Program(main.code), Program(main.code.replace("<< total", "<< total * 2"))]),
    ]
    assert counter.passed and filled.passed and io_ok.passed
    assert io_bad.results[0].summary() == "expected 6, got 12"


async def test_compile_errors_name_the_document_line(cpp, problems):
    vowels = problems["text.vowels"]
    broken = Program(vowels.code.replace("return n;", "return n + undefined_name;"))
    (verdict,) = await cpp.judge(vowels, [broken])
    assert not verdict.passed and "did not compile" in verdict.error
    # the return statement is line 16 of demo.cpp (1-based), as an editor shows it
    assert "demo.cpp:16:" in verdict.output and "undefined_name" in verdict.error


async def test_a_second_judge_of_the_same_programs_is_cached(cpp, problems):
    vowels = problems["text.vowels"]
    programs = [Program(vowels.code.replace("return n;", f"return n + {k} - {k};")) for k in range(3)]
    started = time.monotonic()
    first = await cpp.judge(vowels, programs)
    first_s = time.monotonic() - started
    again = await cpp.judge(vowels, programs)
    assert all(v.passed for v in first) and not any(v.cached for v in first)
    assert all(v.cached and v.passed for v in again)
    assert first_s > 0


async def test_printed_claims_and_exit_status_do_not_make_a_pass(cpp, problems):
    vowels = problems["text.vowels"]
    liar = Program(vowels.code.replace("    int n = 0;", '''    std::cout << "ok\\t0\\tok\\t3" << std::endl;
    std::printf("PASSED\\n");
    std::exit(0);
    int n = 0;'''))
    (verdict,) = await cpp.judge(vowels, [liar])
    assert not verdict.passed
    assert all(r.outcome is Outcome.ERROR for r in verdict.results)
    assert "exited with status 0" in verdict.results[0].message


HEADER = """#pragma once
#include <string>

/// Repeats a word n times.
/// >>> repeat("ab", 3)
/// std::string("ababab")
std::string repeat(const std::string& word, int n);

/// >>> clamp_to(15, 10)
/// 10
int clamp_to(int value, int high);
"""


async def test_a_header_of_declarations_gives_stubs_that_a_definition_fills(cpp):
    found = {p.name: p for p in extract(HEADER, "include/words.hpp").problems}
    assert sorted(found) == ["clamp_to", "repeat"] and all(p.is_stub for p in found.values())
    repeat = found["repeat"]
    body = "std::string repeat(const std::string& word, int n) {\n    std::string out;\n    while (n-- > 0) out += word;\n    return out;\n}"
    (declared_only, defined) = await cpp.judge(repeat, [Program(repeat.code), Program(body)])
    assert not declared_only.passed and "did not compile" in declared_only.error
    assert defined.passed


async def test_errors_below_a_longer_candidate_keep_their_document_lines(cpp):
    source = "/// >>> f(1)\n/// 2\nint f(int x) { return x + 1; }\n\nint g() { return undefined_after; }\n"
    f = extract(source, "after.cpp").find("f")
    (verdict,) = await cpp.judge(f, [Program("int f(int x) {\n\n    return x + 1;\n}")])
    assert "after.cpp:5:" in verdict.output


async def test_values_without_operator_shift_are_reported_as_not_printable(cpp):
    source = """struct Point { int x; bool operator==(const Point& o) const { return x == o.x; } };

/// >>> make(1)
/// Point{2}
/// >>> std::vector<int>{make(3).x, 4}
/// std::vector<int>{3, 4}
Point make(int x) { return Point{x}; }
"""
    make = extract(source, "point.cpp").find("make")
    (verdict,) = await cpp.judge(make, [Program(make.code)])
    assert [r.summary() for r in verdict.results] == ["expected Point{2}, got not printable", "passed"]


VALUES = """#include <string>
#include <unordered_map>

/// >>> greet("ann")
/// "hello ann"
/// >>> greet("")
/// std::string("hello ")
std::string greet(const std::string& name) { return "hello " + name; }

/// >>> counts("aba")
/// std::unordered_map<char, int>{{'a', 2}, {'b', 1}}
std::unordered_map<char, int> counts(const std::string& s) { std::unordered_map<char, int> m; for (char c : s) m[c]++; return m; }

/// >>> half(3)
/// 1.5
double half(int n) { return n / 2.0; }
"""


async def test_results_match_expected_values_written_as_literals_of_other_types(cpp):
    found = {p.name: p for p in extract(VALUES, "values.cpp").problems}
    greet, counts, half = found["greet"], found["counts"], found["half"]
    (ok_greet, hi), (ok_counts, off), (ok_half, floored) = [
        await cpp.judge(greet, [Program(greet.code), Program(greet.code.replace('"hello "', '"hi "'))]),
        await cpp.judge(counts, [Program(counts.code), Program(counts.code.replace("m[c]++", "m[c] += 2"))]),
        await cpp.judge(half, [Program(half.code), Program(half.code.replace("2.0", "2"))]),
    ]
    assert ok_greet.passed and ok_counts.passed and ok_half.passed
    assert [r.summary() for r in hi.results] == ['expected "hello ann", got "hi ann"',
                                                 'expected std::string("hello "), got "hi "']
    assert not off.passed  # an unordered map compares with its own ==, whatever order it prints in
    assert floored.results[0].summary() == "expected 1.5, got 1"
