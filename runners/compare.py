"""Comparing what a child reported for one example with what the example expects, as doctest's
``OutputChecker`` does with the example's option flags; this runs in the trusted process, never in the child."""

from __future__ import annotations

import doctest
import re

from seidr.runners.doctest_flags import Checker
from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.records import exception_text
from seidr.runners.values import literal, same_value
from seidr.runners.verdict import ExampleResult, Outcome

_CHECKER = Checker()  # pytest's flags too
_EXCEPTION_RE = re.compile(r"^Traceback \((?:most recent call last|innermost last)\):\s*$.*?^(?P<msg>\w+.*)",
                           re.MULTILINE | re.DOTALL)


def _flags(example: Example) -> int:
    flags = 0
    for option in example.options:
        name = option.lstrip("+-")
        value = doctest.OPTIONFLAGS_BY_NAME.get(name, 0)
        flags = flags & ~value if option.startswith("-") else flags | value
    return flags


def _want(text: str | None) -> str:
    if not text:
        return ""
    return text if text.endswith("\n") else text + "\n"


def _expected_exception(example: Example) -> str | None:
    """doctest's ``exc_msg`` for an example that expects an exception, from ``exception`` (or, as some
    extractors give it, the whole traceback)."""
    text = example.exception
    if text is None:
        return None
    match = _EXCEPTION_RE.match(text)
    return _want(match.group("msg") if match else text)


def _strip_details(message: str) -> str:
    """doctest's IGNORE_EXCEPTION_DETAIL: the exception's name without its module or message."""
    end = message.find("\n")
    end = len(message) if end < 0 else end
    colon = message.find(":", 0, end)
    end = colon if colon >= 0 else end
    return message[message.rfind(".", 0, end) + 1:end]


def _is_literal(text: str) -> bool:
    try:
        literal(text)
    except ValueError:
        return False
    return bool(text.strip())



def compare(example: Example, record: dict, limits: Limits) -> ExampleResult:
    printed = str(record.get("out") or "") + str(record.get("err") or "")
    if record.get("cut"):
        printed += f"\n[output cut at {limits.output_bytes} bytes]"
    if example.kind == "assert":
        return _compare_check(example, record, printed)
    flags = _flags(example)
    exc = record.get("exc")
    exc_msg = _expected_exception(example)
    got = str(record.get("got") or "")
    if exc_msg is not None:
        if exc:
            actual = str(exc.get("line", ""))
            ok = _CHECKER.check_output(exc_msg, actual, flags) or (
                flags & doctest.IGNORE_EXCEPTION_DETAIL
                and _CHECKER.check_output(_strip_details(exc_msg), _strip_details(actual), flags))
            return ExampleResult(example, Outcome.PASSED if ok else Outcome.FAILED, exc_msg.strip(),
                                 actual.strip(), output=printed)
        return ExampleResult(example, Outcome.FAILED, exc_msg.strip(), got or "nothing raised", output=printed)
    if exc:
        return ExampleResult(example, Outcome.ERROR, example.expected, message=exception_text(exc), output=printed)
    want = _want(example.expected)
    loose = example.form != "doctest"

    def shows(text: str) -> bool:
        return _CHECKER.check_output(want, text, flags) or same_value(want, text, loose)

    as_text = _CHECKER.check_output(want, got, flags)
    if not (as_text or same_value(want, got, loose)):
        if want.split() == got.split():  # the texts read the same: say where they differ
            got = f"{got.strip()} (differs in whitespace only: expected {want!r}, got {got!r})"
        return ExampleResult(example, Outcome.FAILED, example.expected, got, output=printed)
    if record.get("suspect") and _is_literal(want):
        plain = record.get("plain")
        if plain is None or not shows(str(plain)):
            shown = "has no value as plain data" if plain is None else f"is {str(plain).strip()} as plain data"
            return ExampleResult(example, Outcome.FAILED, example.expected,
                                 f"{got.strip()} (an object of the program's own class that {shown})",
                                 output=printed)
    # the value is the one written, spelled differently: true, yet pytest --doctest-modules compares text
    note = None if loose or as_text else (
        f"passes as a value, but doctest compares text and fails it: printed {got.strip()}")
    return ExampleResult(example, Outcome.PASSED, example.expected, got, message=note, output=printed)


def _compare_check(example: Example, record: dict, printed: str) -> ExampleResult:
    exc = record.get("exc")
    if not exc:
        return ExampleResult(example, Outcome.PASSED, output=printed)
    if record.get("assert"):
        line = str(exc.get("source") or "") or example.describe()
        if "left" in record and "right" in record:
            return ExampleResult(example, Outcome.FAILED, str(record["right"]), str(record["left"]), message=line,
                                 output=printed)
        detail = str(exc.get("line", "")).strip()
        actual = f"{line} failed" + (f": {detail.partition(': ')[2]}" if ": " in detail else "")
        return ExampleResult(example, Outcome.FAILED, example.describe(), actual, message=line, output=printed)
    return ExampleResult(example, Outcome.ERROR, message=exception_text(exc), output=printed)
