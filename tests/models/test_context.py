"""The code a prompt shows around a Python function: the workspace names its signature, docstring and examples
mention, found with jedi, including a helper imported from a sibling module; and the prompt that carries it."""
from __future__ import annotations

import textwrap

from seidr.runners.example import Example
from seidr.runners.problem import Problem
from seidr.synth.context import context_for, workspace_root
from seidr.synth.develop import develop_problem
from seidr.synth.settings import load_settings

HELPERS = '''"""Text helpers."""
import re

SEPARATOR = "-"


def slugify(text: str, sep: str = SEPARATOR) -> str:
    """Lower-case words of text joined by sep."""
    return sep.join(re.findall(r"\\w+", text.lower()))


def unrelated(n: int) -> int:
    """Never mentioned by the function."""
    return n
'''
TITLES = '''from dataclasses import dataclass

from helpers import slugify

MAX = 20
UNUSED = 3


@dataclass
class Title:
    """A heading."""
    text: str
    level: int = 1


def make_slug(title: Title) -> str:
    """The slug of a title's text (see slugify), at most MAX characters.

    >>> make_slug(Title("Hello World"))
    'hello-world'
    """
    ...
'''


def problem_in(workspace) -> Problem:
    (workspace / "pyproject.toml").write_text("[tool.seidr]\nenumerateFirst = false\n")
    (workspace / "text").mkdir()
    (workspace / "text" / "helpers.py").write_text(HELPERS)
    path = workspace / "text" / "titles.py"
    path.write_text(TITLES)
    return Problem(
        language="python", name="make_slug", signature="def make_slug(title: Title) -> str:",
        description="The slug of a title's text (see slugify), at most MAX characters.",
        examples=(Example('make_slug(Title("Hello World"))', "'hello-world'\n", line=19),),
        context=TITLES, path=str(path), is_stub=True,
    )


def test_the_context_holds_the_names_the_function_mentions_with_a_helper_from_a_sibling_module(workspace):
    context = context_for(problem_in(workspace))
    assert "# from text/helpers.py\ndef slugify(text: str, sep: str=SEPARATOR) -> str:" in context
    assert '"""Lower-case words of text joined by sep."""' in context
    assert "@dataclass\nclass Title:" in context and "    level: int = 1" in context
    assert "MAX = 20" in context and "from helpers import slugify" in context
    assert "unrelated" not in context and "UNUSED" not in context and "make_slug" not in context


def test_the_workspace_is_the_folder_with_a_pyproject_above_the_file(workspace, tmp_path):
    problem = problem_in(workspace)
    assert workspace_root(problem.path) == str(workspace)
    (tmp_path / "loose").mkdir()
    assert workspace_root(str(tmp_path / "loose" / "a.py")) == str(tmp_path / "loose")


def test_a_module_jedi_cannot_make_sense_of_still_gives_its_imports(workspace):
    broken = "import math\n\ndef area(r):\n    '''>>> area(1)\n    3.14\n    '''\n    return (((\n"
    problem = Problem(language="python", name="area", signature="def area(r):", context=broken,
                      examples=(Example("area(1)", "3.14\n"),))
    assert context_for(problem).startswith("import math")


async def test_the_draft_prompt_sent_to_the_model_carries_the_context(scripted_server, workspace):
    scripted_server.replies = [["```python\ndef make_slug(title: Title) -> str:\n    return slugify(title.text)\n```"]]
    settings, _ = load_settings({"model": "openai/scripted", "apiBase": scripted_server.api_base,
                                 "enumerateFirst": False, "search": {"drafts": 1, "depth": 0}})
    await develop_problem(problem_in(workspace), settings)
    prompt = scripted_server.requests[0]["messages"][-1]["content"]
    assert "def slugify(text: str, sep: str=SEPARATOR) -> str:" in prompt
    assert textwrap.dedent('''
        Examples it must pass:
        ```pycon
        >>> make_slug(Title("Hello World"))
        'hello-world'
        ```''') in prompt
