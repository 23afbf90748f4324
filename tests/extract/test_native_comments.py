"""Extraction reads C++ and Rust in time linear in the text: a function whose body opens with fifty comment
lines full of URLs (memchr's sse2.rs has such) is read in well under a second, and stubs are still told apart."""
from __future__ import annotations

import time

from seidr.synth.extract import extract

URLS = "".join(f"    // see https://example.org/{i}//x//y and http://a//b//c {i}\n" for i in range(50))


def timed(text: str, path: str):
    started = time.perf_counter()
    extraction = extract(text, path)
    return extraction, time.perf_counter() - started


def test_rust_bodies_full_of_url_comments_are_read_at_once():
    text = ("/// >>> first(&[1, 2])\n/// 1\npub fn first(xs: &[i64]) -> i64 {\n" + URLS + "    xs[0]\n}\n\n"
            "/// >>> last(&[1, 2])\n/// 2\npub fn last(xs: &[i64]) -> i64 {\n" + URLS + "    todo!()\n}\n")
    extraction, seconds = timed(text, "lib.rs")
    assert seconds < 1.0
    assert [(p.name, p.is_stub) for p in extraction.problems] == [("first", False), ("last", True)]


def test_cpp_bodies_full_of_url_comments_are_read_at_once():
    text = ("/// >>> first(2)\n/// 2\nint first(int x) {\n" + URLS + "    return x;\n}\n\n"
            "/// >>> last(2)\n/// 2\nint last(int x) {\n" + URLS + "    // TODO\n}\n")
    extraction, seconds = timed(text, "lib.cpp")
    assert seconds < 1.0
    assert [(p.name, p.is_stub) for p in extraction.problems] == [("first", False), ("last", True)]
