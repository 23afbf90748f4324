"""The README's commands as a new user copies them: every benchmark line names a script that is there and starts
from the project's virtual environment (its ``--help`` answers), and every file the README links to exists."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BENCHMARKS = sorted(set(re.findall(r"\.venv/bin/python (benchmarks/\w+\.py)", README)))


def test_every_benchmark_the_readme_names_is_run_with_the_project_s_interpreter():
    assert BENCHMARKS, "the README names no benchmark"
    bare = re.findall(r"(?<!\.venv/bin/)\bpython3? (benchmarks/\w+\.py)", README)
    assert bare == [], f"these lines need .venv/bin/python (outside the venv lsprotocol is missing): {bare}"


@pytest.mark.parametrize("script", [s for s in BENCHMARKS if "argparse" in (ROOT / s).read_text()])
def test_a_benchmark_line_of_the_readme_starts(script):
    done = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:")


def test_every_file_the_readme_links_to_exists():
    links = [target for target in re.findall(r"\]\(([^)#]+)\)", README) if "://" not in target]
    assert links
    missing = [target for target in links if not (ROOT / target).exists()]
    assert missing == []
    named = set(re.findall(r"\.venv/bin/python (benchmarks/\w+\.py)", README))
    assert not [s for s in named if not (ROOT / s).exists()]
