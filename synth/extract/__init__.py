"""Find the functions of a source file and the examples written for them, per language."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

from seidr.runners.problem import Problem

SUFFIXES = {
    ".py": "python",
    ".pyi": "python",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".h": "cpp",
    ".rs": "rust",
}


@dataclass(frozen=True)
class SourceMessage:
    """A problem with the file itself (a syntax error), not with an example. Lines are 0-based."""

    line: int
    col: int
    message: str
    severity: str = "error"  # error | warning | information
    end_line: int | None = None
    end_col: int | None = None


@dataclass
class Extraction:
    language: str
    problems: list[Problem] = field(default_factory=list)
    messages: list[SourceMessage] = field(default_factory=list)

    def find(self, name: str) -> Problem | None:
        for problem in self.problems:
            if problem.name == name or problem.short_name == name:
                return problem
        return None


def language_for(path: str, text: str | None = None) -> str | None:
    """The language seidr treats a file as, or None if it does not handle it."""
    language = SUFFIXES.get(os.path.splitext(path)[1].lower())
    if language == "rust" and text is not None and "verus!" in text:
        return "verus"
    return language


def extract(text: str, path: str | None = None, language: str | None = None) -> Extraction:
    """Every function with its examples. Never raises for anything in ``text``."""
    language = language or (language_for(path, text) if path else None) or "python"
    module = importlib.import_module(f"seidr.synth.extract.{language}")
    return module.extract(text, path)
