"""Every program a benchmark run tried, committed to a local git repository: one branch per run, one commit
per program (its file rewritten), the message giving its scores. Written with ``git fast-import``, so the
repository's work tree and index are never touched."""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time

SUFFIX = {"python": "py", "cpp": "cpp", "rust": "rs", "verus": "rs"}


class ProvenanceError(Exception):
    """The repository cannot be used; one line naming the cause and the fix."""


def _git(repo: str, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", repo, *args], input=stdin, capture_output=True)


def branch_name(run: str) -> str:
    return "seidr-bench/" + (re.sub(r"[^A-Za-z0-9._-]+", "-", run).strip("-.") or "run")


def _path(record: dict) -> str:
    task = re.sub(r"[^A-Za-z0-9._-]+", "_", record["task_id"]).strip("_") or "task"
    return f"{task}/sample-{record.get('sample', 0)}.{SUFFIX.get(record.get('language'), 'txt')}"


def _score(verdict: dict | None) -> str:
    if not verdict:
        return "not judged"
    state = "pass" if verdict["passed"] else "fail"
    return f"{verdict['passed_count']}/{verdict['total']} {state} (score {verdict['score']:.2f})"


def message(record: dict, program: dict) -> str:
    head = (f"{record['task_id']} #{record.get('sample', 0)} {program['origin']} {program['id']}: "
            f"visible {_score(program.get('visible'))}, hidden {_score(program.get('hidden'))}")
    lines = [head, ""]
    if program.get("parent"):
        lines.append(f"parent: {program['parent']}")
    if program.get("drafted_at_calls") is not None:
        lines.append(f"model calls spent: {program['drafted_at_calls']}")
    lines.append(f"strategy: {record.get('strategy')}; model: {record.get('model')}")
    if program["id"] == record.get("offered"):
        lines.append("offered: yes (top-ranked)")
    return "\n".join(lines) + "\n"


class GitLog:
    """Commits the programs of each finished attempt onto ``branch`` in ``repo`` (created when missing)."""

    def __init__(self, repo: str, run: str):
        if shutil.which("git") is None:
            raise ProvenanceError("--git needs git on PATH; install git or leave --git out")
        self.repo = os.path.abspath(repo)
        self.branch = branch_name(run)
        if not os.path.isdir(self.repo) or _git(self.repo, "rev-parse", "--git-dir").returncode != 0:
            os.makedirs(self.repo, exist_ok=True)
            made = _git(self.repo, "init", "-q")
            if made.returncode != 0:
                raise ProvenanceError(f"{self.repo}: cannot create a git repository "
                                      f"({made.stderr.decode(errors='replace').strip()})")
        self._lock = asyncio.Lock()

    def _stream(self, record: dict) -> bytes:
        ref = f"refs/heads/{self.branch}"
        has_parent = _git(self.repo, "rev-parse", "--verify", "-q", ref).returncode == 0
        out = bytearray()
        now = int(time.time())
        for n, program in enumerate(record.get("programs") or ()):
            text = message(record, program).encode()
            code = program["code"].encode()
            out += f"commit {ref}\ncommitter seidr bench <bench@seidr.invalid> {now} +0000\n".encode()
            out += f"data {len(text)}\n".encode() + text + b"\n"
            if n == 0 and has_parent:
                out += f"from {ref}^0\n".encode()
            out += f"M 100644 inline {_path(record)}\ndata {len(code)}\n".encode() + code + b"\n"
        return bytes(out)

    def _commit(self, record: dict) -> None:
        stream = self._stream(record)
        if not stream:
            return
        done = _git(self.repo, "fast-import", "--quiet", "--force", stdin=stream)
        if done.returncode != 0:
            raise ProvenanceError(f"git fast-import failed in {self.repo}: "
                                  f"{done.stderr.decode(errors='replace').strip().splitlines()[-1:]}")

    async def __call__(self, record: dict, totals=None) -> None:
        async with self._lock:  # one writer of the branch at a time
            await asyncio.to_thread(self._commit, record)
