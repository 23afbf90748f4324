"""Real VS Code for the extension's tests: code-server (VS Code in a browser) with the freshly built .vsix,
driven in Debian's Chromium by playwright-core through ``vscode-client/test/e2e/driver.mjs``."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "vscode-client"
RESULTS = CLIENT / "test-results"
CACHE = Path(os.environ.get("SEIDR_CI_CACHE") or Path.home() / ".cache" / "seidr-ci")
CHROMIUM = "/usr/bin/chromium"

# Keeps the window plain and quiet: no welcome page, no chat panel, nothing that reaches for the network.
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "git.enabled": False,
}


@dataclass(frozen=True)
class Tools:
    node24: Path
    code_server: Path  # its out/node/entry.js
    npm: str
    node: str


def find_tools() -> tuple[Tools | None, str]:
    """The tools .ci/run installs, or None and a sentence naming what is missing and how to get it."""
    missing = []
    node24 = CACHE / "node24" / "node_modules" / ".bin" / "node"
    code_server = CACHE / "code-server" / "node_modules" / "code-server" / "out" / "node" / "entry.js"
    if not node24.exists():
        missing.append(f"Node 24 ({node24})")
    if not code_server.exists():
        missing.append(f"code-server ({code_server})")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Debian's chromium ({CHROMIUM})")
    if not (CLIENT / "node_modules" / "playwright-core").is_dir():
        missing.append("vscode-client/node_modules (npm ci in vscode-client)")
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        missing.append("node and npm on PATH")
    if missing:
        return None, "needs " + ", ".join(missing) + "; .ci/run's VS Code block installs them"
    assert npm is not None and node is not None
    return Tools(node24=node24, code_server=code_server, npm=npm, node=node), ""


def build_vsix(tools: Tools, into: Path) -> Path:
    """Bundles and packages the extension from this checkout, as a user would install it."""
    done = subprocess.run([tools.npm, "run", "package"], cwd=CLIENT, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"npm run package failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    target = into / "seidr.vsix"
    shutil.copy(CLIENT / "seidr.vsix", target)
    return target


def server_commands(python: str) -> list[str] | None:
    """The workspace commands ``python -m seidr serve`` advertises, or None when this seidr has no server."""
    probe = subprocess.run([python, "-c", "import importlib.util as u; print(u.find_spec('seidr.commands.serve') is not None)"],
                           capture_output=True, text=True, timeout=60)
    if probe.stdout.strip() != "True":
        return None
    server = subprocess.Popen([python, "-m", "seidr", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    assert server.stdin is not None and server.stdout is not None
    try:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()
        answer: queue.Queue[dict] = queue.Queue()

        def read() -> None:
            assert server.stdout is not None
            while True:
                length = 0
                for line in iter(server.stdout.readline, b"\r\n"):
                    if not line:
                        return
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                message = json.loads(server.stdout.read(length))
                if message.get("id") == 1:
                    answer.put(message)
                    return

        threading.Thread(target=read, daemon=True).start()
        result = answer.get(timeout=60).get("result") or {}
        return list((result.get("capabilities", {}).get("executeCommandProvider") or {}).get("commands", []))
    finally:
        server.kill()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _argv(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _descendants(root: int) -> list[int]:
    children = _children()
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.setdefault(int(fields[1]), []).append(int(entry.name))
    return out


class CodeServer:
    """One code-server on 127.0.0.1 with its own user data and extensions folders under ``home``."""

    def __init__(self, tools: Tools, home: Path, vsix: Path):
        self.tools = tools
        self.home = home
        self.user_data = home / "user-data"
        self.extensions = home / "extensions"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = home / "code-server.log"
        (self.user_data / "User").mkdir(parents=True)
        (self.user_data / "Machine").mkdir(parents=True)
        self.extensions.mkdir()
        self._code_server(["--install-extension", str(vsix)])

    def _code_server(self, args: list[str]) -> None:
        done = subprocess.run(
            [str(self.tools.node24), str(self.tools.code_server), "--user-data-dir", str(self.user_data),
             "--extensions-dir", str(self.extensions), *args],
            capture_output=True, text=True, timeout=120,
        )
        if done.returncode != 0:
            raise AssertionError(f"code-server {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def configure(self, user: dict, machine: dict) -> None:
        """User settings, and the machine's (where machine-scoped settings such as seidr.interpreter live)."""
        (self.user_data / "User" / "settings.json").write_text(json.dumps({**USER_SETTINGS, **user}, indent=2))
        (self.user_data / "Machine" / "settings.json").write_text(json.dumps(machine, indent=2))

    def start(self, env: dict[str, str], trust: bool) -> str:
        config = self.home / "config.yaml"
        config.write_text(f"bind-addr: 127.0.0.1:{self.port}\nauth: none\ncert: false\n")
        args = [str(self.tools.node24), str(self.tools.code_server), "--config", str(config),
                "--user-data-dir", str(self.user_data), "--extensions-dir", str(self.extensions),
                "--disable-telemetry", "--disable-update-check"]
        if trust:
            args.append("--disable-workspace-trust")  # otherwise a new folder opens in Restricted Mode
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"code-server exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5).read()
                return f"http://127.0.0.1:{self.port}"
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise AssertionError(f"code-server did not answer on port {self.port}:\n{self.log.read_text()}")

    def processes(self) -> list[list[str]]:
        """The argv of every process code-server started, however deep."""
        if self.process is None:
            return []
        return [argv for argv in map(_argv, _descendants(self.process.pid)) if argv]

    def seidr_processes(self) -> list[list[str]]:
        """Processes of seidr among them: ``python -m seidr ...`` or the extension's check for seidr."""
        def is_seidr(argv: list[str]) -> bool:
            pairs = zip(argv, argv[1:])
            return any(a == "-m" and b == "seidr" for a, b in pairs) or any("seidr.commands" in part for part in argv)
        return [argv for argv in self.processes() if is_seidr(argv)]

    def server_environment(self) -> dict[str, str] | None:
        """The environment of the running ``python -m seidr serve``, or None when none runs."""
        for pid in _descendants(self.process.pid) if self.process else []:
            argv = _argv(pid)
            if any(a == "-m" and b == "seidr" for a, b in zip(argv, argv[1:])) and "serve" in argv:
                try:
                    raw = Path(f"/proc/{pid}/environ").read_bytes()
                except OSError:
                    continue
                pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
                return {name: value for name, _, value in pairs}
        return None

    def stop(self) -> None:
        if self.process is None:
            return
        started = _descendants(self.process.pid)
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        # Whatever code-server started in a session of its own outlives the group: end it too.
        for pid in started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process = None


class StepFailed(AssertionError):
    pass


class Browser:
    """A person at the keyboard: each call is one step of ``driver.mjs`` (open, openFile, save, ...)."""

    def __init__(self, tools: Tools, results: Path, name: str):
        self.results, self.name = results, name
        self.process = subprocess.Popen(
            [tools.node, str(CLIENT / "test" / "e2e" / "driver.mjs")],
            cwd=CLIENT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )
        self.answers: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put(None)

    def __getattr__(self, step: str):
        if step.startswith("_"):
            raise AttributeError(step)
        return lambda **args: self.step(step, **args)

    def open(self, url: str):
        """Opens VS Code at ``url``; screenshots of failed steps are named after this test."""
        return self.step("open", url=url, resultsDir=str(self.results), name=self.name)

    def step(self, step: str, timeout: float = 240, **args):
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"step": step, **args}) + "\n")
        self.process.stdin.flush()
        try:
            line = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise StepFailed(f"browser step {step} gave no answer in {timeout}s") from None
        if line is None:
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise StepFailed(f"the browser driver exited during {step}:\n{stderr[-3000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise StepFailed(f"{step}({args}): {answer['error']} (screenshot: {answer.get('screenshot')})")
        return answer["value"]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.step("close", timeout=30)
            except StepFailed:
                pass
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
