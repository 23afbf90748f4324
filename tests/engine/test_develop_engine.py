"""``from seidr import develop``: the public entry point reads examples the way users write them."""
from __future__ import annotations

import pytest

from seidr import develop
from seidr.synth.develop import ConfigError, _examples


def test_examples_may_be_doctests_assertions_or_pairs():
    parsed = _examples([">>> inc(1)\n2\n", "inc(2) == 3", ("inc(3)", "4")])
    assert [(e.kind, e.source, e.expected) for e in parsed] == [
        ("doctest", "inc(1)", "2\n"), ("assert", "assert inc(2) == 3", None), ("doctest", "inc(3)", "4"),
    ]


def test_develop_without_a_model_says_how_to_configure_one(workspace):
    with pytest.raises(ConfigError, match="no model configured"):
        develop("One more than x.", ["inc(1) == 2"], settings={"enumerateFirst": False})


def test_develop_refuses_a_bad_budget_naming_the_key():
    with pytest.raises(ValueError, match="seidr.budget.calls"):
        develop("One more than x.", ["inc(1) == 2"], model="openai/x", calls=0)
