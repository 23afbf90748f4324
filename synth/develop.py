"""Run a search on one problem: ``develop_problem`` (async, for the CLI and the server) and ``develop``
(sync, the public ``from seidr import develop``)."""
from __future__ import annotations

import asyncio
import doctest
import importlib.util
import re
from typing import Iterable

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.events import Events
from seidr.synth.ranking import Ranking
from seidr.synth.settings import Settings, load_settings


class ConfigError(Exception):
    """Settings that make a search impossible (no model configured); one line for the user."""


async def _enumerate_first(problem: Problem, settings: Settings, runner, events: Events,
                           alone: bool = False) -> Ranking | None:
    """Hook for the enumerative tier: tried before any model call for Python, when it is installed; with
    ``alone`` (no model configured) it is the whole search. Its ranking, solved or not, or None when the
    tier does not apply."""
    if not settings.enumerate_first or problem.language != "python":
        return None
    if importlib.util.find_spec("seidr.synth.enumerative") is None:
        return None
    module = importlib.import_module("seidr.synth.enumerative")
    entry = getattr(module, "search", None)
    if entry is None:
        return None
    events.emit("stage", stage="enumerate")
    return await entry(problem, runner, settings, events, alone=alone)


NO_MODEL = "no model configured; set `model` (e.g. --model openai/gpt-4o-mini) or [tool.seidr] model"


def _no_search(problem: Problem, settings: Settings) -> str:
    """Why the built-in search cannot stand in for a missing model."""
    if problem.language != "python":
        return f"{NO_MODEL} (the built-in search handles Python only, not {problem.language})"
    return f"{NO_MODEL} (the built-in search is off: enumerateFirst = false)"


def runner_for(language: str):
    """The language's runner; a language without one installed is a ``ConfigError``."""
    from seidr.runners.runner import UnsupportedLanguage, get_runner

    try:
        return get_runner(language)
    except (ModuleNotFoundError, UnsupportedLanguage) as exc:
        missing = getattr(exc, "name", None) or language
        raise ConfigError(f"the {language} runner is not installed ({missing})") from None


async def develop_problem(problem: Problem, settings: Settings, events: Events | None = None, runner=None,
                          model=None) -> Ranking:
    """Search for programs that pass ``problem``'s examples, with the strategy, model and budget of ``settings``."""
    from seidr.synth.strategies import get_strategy

    events = events or Events()
    # with no model the built-in search is the whole synthesis (its reason says so); if it cannot run, stop
    alone = model is None and not settings.model
    strategy = get_strategy(settings.strategy)
    owned = runner is None
    if owned:
        runner = runner_for(problem.language)
    try:
        found = await _enumerate_first(problem, settings, runner, events, alone=alone)
        if alone:
            if found is None:
                raise ConfigError(_no_search(problem, settings))
            return found
        # with a model the built-in search's programs are candidates, not the verdict: the model reads the
        # description, the search only the examples, and the final pick weighs them together
        seed = found.candidates if found is not None and found.solved else None
        from seidr.synth.budget import Budget
        from seidr.synth.models import Model

        if model is None:
            model = Model.from_settings(settings)
        budget = Budget.from_settings(settings.budget)
        return await strategy(problem, model, runner, budget, events, settings, seed=seed)
    finally:
        if owned:
            await runner.close()


def _examples(items: Iterable) -> tuple[Example, ...]:
    out: list[Example] = []
    for line, item in enumerate(items):
        if isinstance(item, (tuple, list)) and len(item) == 2:
            out.append(Example(source=str(item[0]), expected=str(item[1]), line=line))
        elif isinstance(item, str) and ">>>" in item:
            for ex in doctest.DocTestParser().get_examples(item):
                out.append(Example(source=ex.source.strip(), expected=ex.want, line=line + ex.lineno))
        elif isinstance(item, str):
            source = item if item.lstrip().startswith("assert") else f"assert {item}"
            out.append(Example(source=source, kind="assert", line=line))
        else:
            raise ValueError(f"an example must be '>>> call\\nresult', 'call == result' or (call, result); got {item!r}")
    return tuple(out)


def develop(description: str, examples: Iterable, language: str = "python", model: str | None = None,
            strategy: str = "seidr", *, name: str | None = None, signature: str = "", api_base: str | None = None,
            settings: dict | None = None, **budget) -> Ranking:
    """Search for a function that passes ``examples``; returns the ranking (``.best.program.code``; ``.pinned``
    when the examples pin it down, else ``.ambiguity`` says why: ``.line()``, ``.call`` that separates the
    behaviours, ``.doctests()`` that would settle it).

    ``examples`` are doctest strings, ``'f(1) == 2'`` assertions or ``(call, expected repr)`` pairs;
    ``budget`` takes ``calls``, ``tokens``, ``cost_usd`` and ``seconds``."""
    parsed = _examples(examples)
    if not parsed:
        raise ValueError("develop needs at least one example")
    if name is None:
        match = re.search(r"([A-Za-z_]\w*)\s*\(", parsed[0].source.replace("assert", "", 1))
        if not match:
            raise ValueError("cannot tell the function's name from the examples; pass name=...")
        name = match.group(1)
    layer = {"strategy": strategy, "budget": budget, **({"model": model} if model else {}),
             **({"apiBase": api_base} if api_base else {})}
    merged, problems = load_settings(settings or {}, layer)
    if problems:
        raise ValueError("; ".join(problems))
    problem = Problem(language=language, name=name, signature=signature, description=description.strip(),
                      examples=parsed, is_stub=True)
    return asyncio.run(develop_problem(problem, merged))
