"""``seidr check`` as a user runs it: a real subprocess on a folder of files, reading its lines, its JSON and
its exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, seidr_command


SHOP = '''\
"""A little shop."""


def total(prices):
    """Sum of the prices.

    >>> total([1, 2, 3])
    6
    >>> total([])
    0
    """
    return sum(prices)


def label(name, price):
    """A price label.

    >>> label("tea", 3)
    'tea: 3 EUR'
    >>> label("milk", 1)
    'milk: 1 EUR'
    """
    return f"{name}: {price} euro"


def ratio(a, b):
    """
    >>> ratio(6, 3)
    2.0
    >>> ratio(1, 0)  # doctest: +SKIP
    0
    >>> ratio(1, 4)
    0.25
    """
    return a // b if b > 3 else a / b


def cheapest(items):
    """The cheapest item.

    >>> cheapest({"tea": 3, "milk": 1})
    'milk'
    """
    ...


def helper(x):
    return x
'''


TEA, MILK = 'label("tea"', 'label("milk"'


def check(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*seidr_command(), "check", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env)


def lines_of(text: str, needle: str) -> int:
    """1-based line of the first line holding ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_file_prints_each_function_then_each_failing_example_on_its_own_line(workspace: Path):
    (workspace / "shop.py").write_text(SHOP)
    done = check("shop.py", cwd=workspace)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"shop.py:{lines_of(SHOP, 'def total')} total 2/2 examples pass",
        f"shop.py:{lines_of(SHOP, 'def label')} label 0/2 examples pass",
        f"shop.py:{lines_of(SHOP, TEA)}: expected 'tea: 3 EUR', got 'tea: 3 euro'",
        f"shop.py:{lines_of(SHOP, MILK)}: expected 'milk: 1 EUR', got 'milk: 1 euro'",
        f"shop.py:{lines_of(SHOP, 'def ratio')} ratio 1/2 examples pass (1 skipped)",
        f"shop.py:{lines_of(SHOP, 'ratio(1, 4)')}: expected 0.25, got 0",
        f"shop.py:{lines_of(SHOP, 'def cheapest')} cheapest 0/1 examples pass (not implemented)",
        f"shop.py:{lines_of(SHOP, 'def cheapest')}: cheapest is a stub with 1 example; write its body or run "
        "seidr synth",
        "4 functions with examples in 1 file: 1 pass, 2 fail, 1 stub",
    ]
    assert done.stderr == ""


def test_every_example_passing_exits_0(workspace: Path):
    (workspace / "ok.py").write_text('def double(x):\n    """\n    >>> double(2)\n    4\n    """\n    return 2 * x\n')
    done = check("ok.py", cwd=workspace)
    assert (done.returncode, done.stdout.splitlines()) == (0, [
        "ok.py:1 double 1/1 examples pass", "1 function with examples in 1 file: 1 pass, 0 fail"])


def test_an_exception_where_a_value_was_expected_is_an_error_line(workspace: Path):
    (workspace / "div.py").write_text('def inverse(x):\n    """\n    >>> inverse(0)\n    0\n    """\n    return 1 / x\n')
    done = check("div.py", cwd=workspace)
    assert done.returncode == 1
    assert "div.py:3: error: ZeroDivisionError: division by zero (div.py, line 6, in inverse: return 1 / x)" in done.stdout.splitlines()


def test_json_holds_the_same_results(workspace: Path):
    (workspace / "shop.py").write_text(SHOP)
    (workspace / "README.txt").write_text("hi")
    done = check("--json", "shop.py", "README.txt", cwd=workspace)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["summary"] == {"files": 1, "functions": 4, "passed": 1, "failed": 2, "stubs": 1,
                                 "not_checked": 0, "examples": 7, "examples_passed": 3}
    assert report["skipped"] == [{"path": "README.txt", "reason": "not a Python, C++, Rust or Verus source file"}]
    [shop] = report["files"]
    assert (shop["path"], shop["language"], shop["messages"], shop["toolchain"]) == ("shop.py", "python", [], None)
    by_name = {f["name"]: f for f in shop["functions"]}
    assert list(by_name) == ["total", "label", "ratio", "cheapest"]  # helper has no examples
    assert [(f["status"], f["passed"], f["total"], f["skipped"]) for f in by_name.values()] == [
        ("passed", 2, 2, 0), ("failed", 0, 2, 0), ("failed", 1, 2, 1), ("stub", 0, 1, 0)]
    assert by_name["label"]["line"] == lines_of(SHOP, "def label")
    first = by_name["label"]["examples"][0]
    assert first == {"line": lines_of(SHOP, TEA), "source": 'label("tea", 3)',
                     "expected": "'tea: 3 EUR'\n", "form": "doctest", "outcome": "failed", "actual": first["actual"],
                     "message": first["message"]}
    assert first["actual"].strip() == "'tea: 3 euro'"
    assert [e["outcome"] for e in by_name["ratio"]["examples"]] == ["passed", "skipped", "failed"]
    assert [e["outcome"] for e in by_name["cheapest"]["examples"]] == ["not-run"]
    assert "skipping README.txt" in done.stderr


def test_usage_errors_exit_2_with_one_line(workspace: Path):
    (workspace / "ok.py").write_text("def f():\n    pass\n")
    missing = check("ok.py", "nowhere.py", cwd=workspace)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr.strip() == "seidr check: no such file or folder: nowhere.py"
    assert check("--frobnicate", "ok.py", cwd=workspace).returncode == 2
    assert check(cwd=workspace).returncode == 2  # no path at all
    # a file the walk finds but cannot read (here a link to nothing)
    (workspace / "pkg").mkdir()
    (workspace / "pkg" / "gone.py").symlink_to(workspace / "deleted.py")
    unreadable = check("pkg", cwd=workspace)
    assert unreadable.returncode == 2 and "Traceback" not in unreadable.stderr
    assert unreadable.stderr.strip().startswith("seidr check: cannot read pkg/gone.py")


def test_folders_are_walked_skipping_environments_builds_and_hidden_folders(workspace: Path):
    doctest_ok = '"""{name}"""\n\ndef f_{name}(x):\n    """\n    >>> f_{name}(1)\n    1\n    """\n    return x\n'
    for folder in ("src", "src/deep/er", ".git", ".hidden", ".venv", "venv", "node_modules", "__pycache__",
                   "build", "target", "dist", "src/build"):
        (workspace / folder).mkdir(parents=True, exist_ok=True)
        name = folder.replace("/", "_").replace(".", "dot")
        (workspace / folder / f"{name}.py").write_text(doctest_ok.format(name=name))
    (workspace / "src" / "notes.txt").write_text("not code")
    (workspace / "src" / "types.pyi").write_text('def f_types(x: int) -> int:\n    """\n    >>> f_types(1)\n    1\n    """\n    ...\n')
    done = check(".", cwd=workspace)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines() == [
        "./src/src.py:3 f_src 1/1 examples pass",
        "./src/deep/er/src_deep_er.py:3 f_src_deep_er 1/1 examples pass",
        "2 functions with examples in 2 files: 2 pass, 0 fail",
    ]
    assert done.stderr == ""  # files found by the walk that seidr does not check are passed over quietly


def test_a_file_of_another_kind_named_explicitly_is_skipped_with_a_note(workspace: Path):
    (workspace / "notes.txt").write_text(">>> 1 + 1\n3\n")
    (workspace / "types.pyi").write_text("def f() -> int: ...\n")
    done = check("notes.txt", "types.pyi", cwd=workspace)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "seidr check: skipping notes.txt (not a Python, C++, Rust or Verus source file)",
        "seidr check: skipping types.pyi (a type stub file has no bodies to run)",
    ]


def test_a_syntax_error_is_reported_on_its_line_and_fails_the_run(workspace: Path):
    text = 'def good():\n    """\n    >>> good()\n    1\n    """\n    return 1\n\n\ndef bad(:\n    return 2\n'
    (workspace / "broken.py").write_text(text)
    done = check("broken.py", cwd=workspace)
    assert done.returncode == 1
    out = done.stdout.splitlines()
    assert out[0].startswith("broken.py:9: syntax error: ")
    # the functions found around the broken one cannot run: the module they live in does not import
    assert out[1:] == ["broken.py:1 good not checked",
                       "1 function with examples in 1 file: 0 pass, 0 fail, 1 not checked"]
    report = json.loads(check("--json", "broken.py", cwd=workspace).stdout)
    [message] = report["files"][0]["messages"]
    assert (message["line"], message["column"], message["kind"]) == (9, 9, "syntax")
    assert report["files"][0]["functions"][0]["reason"] == "the file does not parse"


def test_a_file_that_is_not_text_in_its_encoding_is_one_line(workspace: Path):
    (workspace / "latin.py").write_bytes(b'def f():\n    """\n    >>> f()\n    \'\xe9\'\n    """\n    return "\xe9"\n')
    done = check("latin.py", cwd=workspace)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines()[0] == ("latin.py:4: not utf-8 text: byte 0xe9 (invalid continuation byte); "
                                           "save the file as UTF-8 or declare its encoding")
    # with a coding line, Python reads it, and so does seidr
    (workspace / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + (workspace / "latin.py").read_bytes())
    assert check("latin.py", cwd=workspace).returncode == 0


def test_limits_come_from_the_settings_file_and_a_bad_value_names_its_key(workspace: Path):
    (workspace / "pyproject.toml").write_text(
        '[tool.seidr.limits]\nprogramSeconds = 1\nexampleSeconds = 0.5\nmemoryMb = "lots"\n')
    (workspace / "loop.py").write_text('def spin():\n    """\n    >>> spin()\n    1\n    """\n    while True:\n        pass\n')
    done = check("loop.py", cwd=workspace)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "seidr check: seidr.limits.memoryMb: input should be a valid integer, unable to parse string as an "
        "integer (got 'lots'); using the default"]
    assert "timed out" in done.stdout and "spin 0/1 examples pass" in done.stdout


def test_a_tool_seidr_that_is_not_a_table_is_named_not_ignored(workspace: Path):
    (workspace / "pyproject.toml").write_text('[tool]\nseidr = 5\n')
    (workspace / "ok.py").write_text('def f():\n    """\n    >>> f()\n    1\n    """\n    return 1\n')
    done = check("ok.py", cwd=workspace)
    assert done.returncode == 0 and done.stdout.splitlines()[0] == "ok.py:1 f 1/1 examples pass"
    assert done.stderr.splitlines() == [
        f"seidr check: {workspace / 'pyproject.toml'}: tool.seidr must be a table ([tool.seidr] with key = value "
        "lines), not int; using defaults"]


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++ to show it missing from PATH")
def test_a_missing_compiler_is_one_line_and_its_functions_are_not_checked(workspace: Path, tmp_path: Path):
    shutil.copy(EXAMPLES / "strings.cpp", workspace)
    (workspace / "ok.py").write_text('def f():\n    """\n    >>> f()\n    1\n    """\n    return 1\n')
    empty = tmp_path / "bin"
    empty.mkdir()
    done = check(".", cwd=workspace, env={**os.environ, "PATH": str(empty)})
    assert done.returncode == 1, done.stdout
    assert done.stdout.splitlines() == [
        "./ok.py:1 f 1/1 examples pass",
        "./strings.cpp: g++ not found; install it to check C++ files",
        "./strings.cpp:9 is_palindrome not checked",
        "./strings.cpp:18 capitalize not checked",
        "./strings.cpp:28 count_letter 0/2 examples pass (not implemented)",
        "./strings.cpp:28: count_letter is a stub with 2 examples; write its body or run seidr synth",
        "4 functions with examples in 2 files: 1 pass, 0 fail, 1 stub, 2 not checked",
    ]


def test_the_examples_file_has_one_failing_function_and_one_stub(workspace: Path):
    shutil.copy(EXAMPLES / "prices.py", workspace)
    text = (EXAMPLES / "prices.py").read_text()
    done = check("prices.py", cwd=workspace)
    assert done.returncode == 1
    out = done.stdout.splitlines()
    assert f"prices.py:{lines_of(text, 'def basket_total')} basket_total 2/2 examples pass" in out
    assert f"prices.py:{lines_of(text, 'def discount')} discount 1/2 examples pass" in out
    assert f"prices.py:{lines_of(text, 'discount(9.99, 10)')}: expected 8.99, got 9.0" in out
    assert f"prices.py:{lines_of(text, 'def cheapest')} cheapest 0/2 examples pass (not implemented)" in out


def test_the_examples_file_doctest_expecting_an_exception_passes(workspace: Path):
    shutil.copy(EXAMPLES / "prices.py", workspace)
    text = (EXAMPLES / "prices.py").read_text()
    done = check("prices.py", cwd=workspace)
    assert f"prices.py:{lines_of(text, 'def parse_price')} parse_price 3/3 examples pass" in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1] == "4 functions with examples in 1 file: 2 pass, 1 fail, 1 stub"


def test_checking_loads_no_heavy_library_when_there_is_no_settings_file(workspace: Path):
    # a stub is reported without running it, so no runner is loaded: this is the command's own import path
    (workspace / "todo.py").write_text('def later(x):\n    """\n    >>> later(1)\n    2\n    """\n    ...\n')
    script = ("import sys; from seidr.cli import main; code = main(['check', 'todo.py']); "
              "print(*sorted(sys.modules), file=sys.stderr); sys.exit(code)")
    done = subprocess.run([*seidr_command()[:1], "-c", script], cwd=workspace, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "later 0/1 examples pass (not implemented)" in done.stdout
    loaded = set(done.stderr.split())
    assert {"doctest", "seidr.synth.extract.python", "seidr.commands.check"} <= loaded
    heavy = {"pydantic", "litellm", "rich", "pygls", "jedi", "lsprotocol", "tomllib", "seidr.synth.settings"}
    assert not loaded & heavy


def test_a_failure_spanning_several_lines_is_shown_as_blocks(workspace: Path):
    (workspace / "rows.py").write_text(
        'def rows(n):\n    """\n    >>> rows(2)\n    0\n    1\n    """\n    for i in range(n):\n        print(i * 2)\n')
    done = check("rows.py", cwd=workspace)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1:7] == ["rows.py:3: expected", "    0", "    1", "  got", "    0", "    2"]


def test_what_a_program_prints_is_shown_never_obeyed_by_the_terminal(workspace):
    """Escape sequences (colour, a window title, clearing the screen) and bells a program prints are shown as
    escapes, in the text report and the JSON alike."""
    (workspace / "esc.py").write_text('def shout():\n    """\n    >>> shout()\n    red\n    """\n'
                                      '    print("\\x1b[31mred\\x1b[0m\\x1b]0;pwned\\x07\\x1b[2J")\n')
    done = check("esc.py", cwd=workspace)
    assert done.returncode == 1
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "esc.py:3: expected red, got \\x1b[31mred\\x1b[0m\\x1b]0;pwned\\x07\\x1b[2J" in done.stdout
    report = check("--json", "esc.py", cwd=workspace)
    assert "\\u001b" not in report.stdout and "\\\\x1b[31mred" in report.stdout
