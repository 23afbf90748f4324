"""``seidr synth --write`` on C++ and Rust files: each solved function's text replaced in place (the second one
found again after the first moved it), and the file compiles and passes its examples afterwards."""
from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import EXAMPLES, need

SEIDR = [sys.executable, "-m", "seidr"]

CAPITALIZE = ("```cpp\nstd::string capitalize(std::string word) {\n    if (!word.empty()) word[0] = std::toupper(word[0]);\n"
              "    return word;\n}\n```")
COUNT = ("```cpp\n#include <algorithm>\nint count_letter(const std::string& word, char letter) {\n"
         "    return std::count(word.begin(), word.end(), letter);\n}\n```")
MEDIAN = ("```rust\npub fn median(values: &[i64]) -> i64 {\n    let mut sorted = values.to_vec();\n    sorted.sort();\n"
          "    sorted[(sorted.len() - 1) / 2]\n}\n```")
SPREAD = ("```rust\npub fn spread(values: &[i64]) -> i64 {\n"
          "    values.iter().max().unwrap() - values.iter().min().unwrap()\n}\n```")


def synth_and_check(workspace, server, name: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    shutil.copy(EXAMPLES / name, workspace / name)
    (workspace / "seidr.toml").write_text("[limits]\nexample_seconds = 20\nprogram_seconds = 60\n")
    synth = subprocess.run([*SEIDR, "synth", name, "--model", "openai/scripted", "--api-base", server.api_base,
                            "--no-cache", "--write"], cwd=workspace, capture_output=True, text=True, timeout=300)
    check = subprocess.run([*SEIDR, "check", name], cwd=workspace, capture_output=True, text=True, timeout=300)
    return synth, check


def test_synth_write_puts_cpp_functions_in_place(scripted_server, workspace):
    need("g++")
    scripted_server.replies = [[CAPITALIZE], [COUNT]]
    synth, check = synth_and_check(workspace, scripted_server, "strings.cpp")
    assert synth.returncode == 0, synth.stderr
    assert "capitalize: solved" in synth.stderr and "count_letter: solved" in synth.stderr
    text = (workspace / "strings.cpp").read_text()
    assert "word[0] = std::toupper(word[0]);" in text and "std::count(word.begin(), word.end(), letter)" in text
    assert text.count("#include <algorithm>") == 1 and "// TODO" not in text
    assert check.returncode == 0 and check.stdout.splitlines()[-1].endswith("3 pass, 0 fail"), check.stdout


def test_synth_write_puts_rust_functions_in_place(scripted_server, workspace):
    need("rustc")
    scripted_server.replies = [[MEDIAN], [SPREAD]]
    synth, check = synth_and_check(workspace, scripted_server, "stats.rs")
    assert synth.returncode == 0, synth.stderr
    text = (workspace / "stats.rs").read_text()
    assert "sorted[(sorted.len() - 1) / 2]" in text and "todo!()" not in text
    assert check.returncode == 0 and check.stdout.splitlines()[-1].endswith("3 pass, 0 fail"), check.stdout
