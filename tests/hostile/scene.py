"""The world a hostile program runs in and the traces it must not leave: a loopback server, a canary folder
and a project folder in $HOME, the judge's API key in its environment, and the checks made after each run."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from tests.hostile.programs import fill
from tests.sandbox.support import Listener, canary_folder, canary_intact, lingering, remove

SECRET = "sk-hostile-suite-secret"


class Scene:
    def __init__(self) -> None:
        self.listener = Listener()
        self.project = canary_folder()  # the user's project: programs may read it, never change it
        with open(os.path.join(self.project, "helper.py"), "w") as fh:
            fh.write("VALUE = 42\n")
        self.project_files = sorted(os.listdir(self.project))
        self.home = os.path.expanduser("~")
        # stands for the server: a process of the judge's user that was started with the API key
        self.server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"],
                                       env={**os.environ, "OPENAI_API_KEY": SECRET})

    def close(self) -> None:
        self.server.kill()
        self.server.wait()
        self.listener.close()
        remove(self.project)

    def program(self, template: str, canary: str) -> tuple[str, str]:
        """The filled-in source and its marker."""
        marker = f"m{uuid.uuid4().hex}"
        return fill(template, port=self.listener.port, home=self.home, canary=canary, project=self.project,
                    marker=marker, secret=SECRET, judge=self.server.pid), marker

    def traces(self, marker: str, canary: str, hits: int, program_pids=()) -> list[str]:
        """What the program left that it must not have: empty when it left nothing."""
        found = []
        if any(marker in name for name in os.listdir(self.home)):
            found.append("a file in $HOME")
        if any(marker in name for name in os.listdir("/tmp")):
            found.append("a file in /tmp")
        if not canary_intact(canary):
            found.append("a changed canary folder")
        if sorted(os.listdir(self.project)) != self.project_files:
            found.append("a changed project folder")
        if self.listener.hits != hits:
            found.append("a message to the loopback server")
        if self.server.poll() is not None or _stopped(self.server.pid):
            found.append("the server was signalled")
        alive = lingering(marker, program_pids=program_pids, judge_pid=os.getpid())
        if alive:
            found.append(f"processes still running: {alive}")
        return found


def _stopped(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0] in ("T", "t")
