"""Synthesis with no model: a bottom-up search over small Python expressions that fit the doctests.

Entry points::

    result = await enumerate_program(problem, seconds=1.0, max_programs=None, runner=None)
    result.program   # Program(origin="enumerative") that the Python runner saw pass, or None
    result.verdict   # the runner's verdict on what the search produced (None when it produced nothing)
    result.searched  # what the search produced, even when the runner rejected it
    result.examined  # programs the search evaluated
    result.seconds   # wall time spent
    result.reason    # "found", or why nothing was returned (unsupported examples, budget spent, ...)

    ranking = await search(problem, runner, settings, events)   # the strategy tier (see ``tier``)

The search runs in a worker process; cancelling the awaiting task kills it.
"""
from __future__ import annotations

from seidr.synth.enumerative.programs import EnumerationResult, enumerate_program
from seidr.synth.enumerative.tier import search

__all__ = ["EnumerationResult", "enumerate_program", "search"]
