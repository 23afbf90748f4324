"""Prompts from the template files ``prompts/<language>/<step>.md``: a system part, a ``---`` line, a user
part, filled with ``$fields``. A paragraph of a template whose fields are all empty is left out, so a problem
without a description or context gets no empty heading."""
from __future__ import annotations

import os
import re
import textwrap
from functools import lru_cache
from string import Template

STEPS = ("draft", "explain", "repair", "tests")
MAX_CONTEXT = 6000  # characters of surrounding code in a prompt
MAX_FEEDBACK = 3000
MAX_RESULTS = 12  # example results listed in a repair prompt
_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "prompts")
_FIELD = re.compile(r"\$(?:(\w+)|\{(\w+)\})")
LANGUAGES = {"python": ("Python", "python"), "cpp": ("C++", "cpp"), "rust": ("Rust", "rust"), "verus": ("Verus", "rust")}


class PromptError(Exception):
    """No template for this language and step (a missing file in an install)."""


@lru_cache(maxsize=None)
def template(language: str, step: str) -> tuple[str, str]:
    """The (system, user) parts of a template file."""
    path = os.path.join(_FOLDER, language, f"{step}.md")
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        raise PromptError(f"no prompt template {language}/{step}.md in {_FOLDER}") from None
    system, sep, user = text.partition("\n---\n")
    return (system.strip(), user.strip()) if sep else ("", text.strip())


def fill(text: str, fields: dict[str, str]) -> str:
    """``text`` with its fields substituted, leaving out paragraphs whose fields are all empty."""
    kept = []
    for paragraph in re.split(r"\n\s*\n", text):
        names = [a or b for a, b in _FIELD.findall(paragraph)]
        if names and not any(str(fields.get(n, "")).strip() for n in names):
            continue
        kept.append(Template(paragraph).safe_substitute(fields))
    return "\n\n".join(kept)


def bounded(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters at a line boundary, saying how much was left out."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return text[:cut].rstrip() + f"\n... ({len(text) - cut} more characters left out)"


def example_text(example, language: str) -> str:
    """One example as the user wrote it, in the language's own example syntax."""
    source = example.source.strip("\n")
    if example.kind == "doctest":
        lines = source.splitlines() or [""]
        shown = ">>> " + lines[0] + "".join("\n... " + l for l in lines[1:])
        want = (example.expected or "").rstrip("\n")
        if not want and example.exception:
            want = "Traceback (most recent call last):\n    ...\n" + example.exception
        return shown + ("\n" + want if want else "")
    if example.kind == "expr":
        return f">>> {source}\n{(example.expected or '').strip()}"
    if example.kind == "io":
        return f"input:\n{example.stdin or ''}\nexpected output:\n{example.expected or ''}".rstrip()
    if example.kind == "test":
        return f"test {source}"
    return source


def examples_text(problem) -> str:
    return "\n".join(example_text(e, problem.language) for e in problem.checked_examples())


def feedback_text(verdict) -> str:
    """What the judge saw: every failing example (and which passed), or why the program did not run."""
    if verdict is None:
        return ""
    lines = []
    if verdict.error:
        error = verdict.error.strip()
        lines.append("The code does not run:\n" + "\n".join(error.splitlines()[-20:]))
    shown = 0
    for result in verdict.results:
        if shown >= MAX_RESULTS:
            lines.append(f"... and {len(verdict.results) - shown} more")
            break
        shown += 1
        what = result.example.describe()
        if result.passed:
            lines.append(f"passes: {what}")
        elif result.outcome.value != "skipped":
            lines.append(f"FAILS:  {what}: {result.summary()}")
    if verdict.output and verdict.output.strip() and not verdict.error:
        lines.append("Compiler or verifier output:\n" + verdict.output.strip())
    return bounded("\n".join(lines), MAX_FEEDBACK)


def render(step: str, problem, **fields) -> list[dict]:
    """The chat messages for ``step`` (draft, explain, repair, tests) on ``problem``.

    ``fields``: ``context`` (the code around the function, from ``context.context_for``; computed here when
    not given), ``code`` (the program to explain or repair), ``verdict`` (its verdict) or ``feedback`` (text),
    ``instruction`` (what to fix), ``count`` (how many inputs the tests step asks for)."""
    if step not in STEPS:
        raise ValueError(f"unknown prompt step {step!r}; one of {', '.join(STEPS)}")
    language = problem.language if problem.language in LANGUAGES else "python"
    display, fence = LANGUAGES[language]
    system, user = template(language, step)
    context = fields.get("context")
    if context is None:
        from seidr.synth.context import context_for

        context = context_for(problem)
    owner = problem.name.rsplit(".", 1)[0] if "." in problem.name and language == "python" else ""
    feedback = fields.get("feedback") or ""
    if fields.get("verdict") is not None:
        feedback = feedback_text(fields["verdict"])
    values = {
        "language": display, "fence": fence, "name": problem.short_name, "qualified_name": problem.name,
        "owner": owner, "signature": textwrap.dedent(problem.signature or "").strip(),
        "description": (problem.description or "").strip(), "examples": examples_text(problem),
        "context": bounded(context.strip("\n"), MAX_CONTEXT), "code": (fields.get("code") or "").strip("\n"),
        "feedback": feedback.strip(), "instruction": str(fields.get("instruction") or "").strip(),
        "count": str(fields.get("count", 10)),
    }
    messages = [{"role": "system", "content": fill(system, values)}] if system else []
    return messages + [{"role": "user", "content": fill(user, values)}]
