"""Shared fixtures: a throwaway workspace and the paths of the real tools the tests drive."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.model_server import ScriptedServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# No test may reach a real provider or read a developer's cache.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "true")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with its own seidr cache, used as the project being edited."""
    cache = tmp_path / ".cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


def seidr_command() -> list[str]:
    """How tests start the real command line: this interpreter with ``-m seidr``."""
    return [sys.executable, "-m", "seidr"]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return path


@pytest.fixture
def scripted_server(monkeypatch: pytest.MonkeyPatch):
    """A scripted OpenAI-compatible server on 127.0.0.1; litellm's OpenAI route wants a key, any will do."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    server = ScriptedServer().start()
    yield server
    server.stop()
