"""Hostile programs through ``seidr check``: a folder of them, one command, its JSON report read back."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

from tests.conftest import seidr_command
from tests.hostile.programs import CPP, PYTHON
from tests.hostile.scene import SECRET, Scene
from tests.sandbox.support import remove


def honest_source(language: str = "python") -> str:
    """A program that satisfies the example the hostile ones fail."""
    if language == "cpp":
        return CPP["cpp_fake_pass_lines"][1].replace('puts("ok"); puts("42"); return 41;', "return 42;")
    return PYTHON["wrong_answer"][1].replace("return 41", "return 42")


def _check(folder: str) -> dict[str, str]:
    """``seidr check --json`` on ``folder`` as a user with an API key in the environment would run it: the
    status of ``answer`` in each file."""
    done = subprocess.run([*seidr_command(), "check", "--json", folder], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "OPENAI_API_KEY": SECRET})
    report = json.loads(done.stdout)
    return {os.path.basename(f["path"]): next((fn["status"] for fn in f["functions"] if fn["name"] == "answer"),
                                              "missing")
            for f in report["files"]}


def _folder(files: dict[str, str], limits) -> str:
    """A project folder other users may read (programs run as their own uid), with the limits in seidr.toml."""
    folder = tempfile.mkdtemp(prefix="seidr-hostile-")
    os.chmod(folder, 0o755)
    with open(os.path.join(folder, "seidr.toml"), "w") as fh:
        fh.write("[limits]\n" + "".join(f"{key} = {value}\n" for key, value in (
            ("exampleSeconds", limits.example_seconds), ("programSeconds", limits.program_seconds),
            ("memoryMb", limits.memory_mb), ("fileSizeMb", limits.file_size_mb))))
    for name, text in files.items():
        with open(os.path.join(folder, name), "w") as fh:
            fh.write(text)
    return folder


def check_folder(scene: Scene, canary: str, programs: dict[str, tuple[str, str]], limits):
    """Check every program (file name -> (source, marker)) in one command, then a correct one: the statuses,
    the traces they left together, and the correct program's status."""
    hits = scene.listener.hits
    folder = _folder({name: source for name, (source, _) in programs.items()}, limits)
    try:
        statuses = _check(folder)
    finally:
        remove(folder)
    traces = sorted({trace for _, marker in programs.values() for trace in scene.traces(marker, canary, hits)})
    language = "cpp" if any(name.endswith(".cpp") for name in programs) else "python"
    honest = _folder({f"honest.{'cpp' if language == 'cpp' else 'py'}": honest_source(language)}, limits)
    try:
        return statuses, traces, next(iter(_check(honest).values()))
    finally:
        remove(honest)
