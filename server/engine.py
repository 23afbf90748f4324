"""The one place the server reaches into the engine: extraction, runners and synthesis through their stable
entry points."""
from __future__ import annotations

import asyncio
import importlib
import os
import shutil
from typing import Any

from seidr.runners.problem import Problem
from seidr.synth.develop import ConfigError
from seidr.synth.extract import Extraction, SourceMessage, language_for
from seidr.synth.settings import Settings

__all__ = ["ConfigError", "Engine", "language_of"]

# A file longer than this is parsed in a thread, so a huge file never stalls the event loop.
THREAD_EXTRACT_CHARS = 20_000

# language ids editors send, for documents whose path has no telling suffix (untitled buffers)
LANGUAGE_IDS = {"python": "python", "cpp": "cpp", "c": "cpp", "rust": "rust", "verus": "verus"}


def language_of(path: str | None, language_id: str | None, text: str | None) -> str | None:
    """The language seidr checks a document as, or None when it does not handle it."""
    language = language_for(path, text) if path else None
    if language is None and language_id:
        language = LANGUAGE_IDS.get(language_id.lower())
        if language == "rust" and text is not None and "verus!" in text:
            language = "verus"
    return language


def extract(text: str, path: str | None, language: str) -> Extraction:
    """Every function with its examples; never raises (an unreadable file becomes one message)."""
    try:
        from seidr.synth.extract import extract as any_extract

        return any_extract(text, path, language)
    except Exception as exc:  # the extractors promise not to raise; a bug there must not lose the server
        return Extraction(language, [], [SourceMessage(0, 0, f"seidr could not read this file: {exc}")])


async def extract_async(text: str, path: str | None, language: str) -> Extraction:
    if len(text) > THREAD_EXTRACT_CHARS:
        return await asyncio.to_thread(extract, text, path, language)
    return extract(text, path, language)


def missing_toolchain(language: str, settings: Settings) -> str | None:
    """Why this language's examples cannot run on this machine (with how to fix it), or None."""
    if language == "cpp" and shutil.which("g++") is None:
        return ("g++ is not installed, so seidr cannot run the examples in C++ files: install it "
                "(Debian/Ubuntu: sudo apt install g++) and save the file again")
    if language == "rust" and shutil.which("rustc") is None:
        return ("rustc is not installed, so seidr cannot run the examples in Rust files: install it with "
                "rustup (https://rustup.rs) and save the file again")
    if language == "verus":
        from seidr.runners.verus import NOT_INSTALLED, verus_binary

        if verus_binary(settings.verus_path) is None:
            return NOT_INSTALLED
    return None


class Engine:
    """One runner per language (and per Verus binary) for the server's lifetime, so verdict caching makes an
    unchanged function free on the next save; synthesis runs on the same runners."""

    def __init__(self) -> None:
        self._runners: dict[tuple, Any] = {}

    def runner(self, language: str, settings: Settings):
        key = (language, settings.verus_path if language == "verus" else None)
        if key not in self._runners:
            if language == "verus" and settings.verus_path:
                from seidr.runners.runner import get_runner

                self._runners[key] = get_runner("verus", verus_path=settings.verus_path)
            else:
                from seidr.synth.develop import runner_for

                self._runners[key] = runner_for(language)
        return self._runners[key]

    async def develop(self, problem: Problem, settings: Settings, events, runner):
        """The ranking of a search for ``problem``; raises ``ConfigError`` when it cannot start."""
        from seidr.synth.develop import develop_problem

        if settings.model:
            await asyncio.to_thread(_import_litellm)  # ~2.5 s of imports that would otherwise block the loop
        return await develop_problem(problem, settings, events, runner=runner)

    async def close(self) -> None:
        runners, self._runners = list(self._runners.values()), {}
        for runner in runners:
            try:
                await asyncio.wait_for(runner.close(), 5)
            except (Exception, asyncio.TimeoutError):
                pass


def _import_litellm() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "true")
    try:
        importlib.import_module("litellm")
    except Exception:  # the model layer reports a broken install itself, in words
        pass
