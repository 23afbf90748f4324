"""seidr: turn the examples you write into working, verified code.

The installed package is one namespace: ``seidr.server``, ``seidr.synth`` and ``seidr.runners`` live in the
top-level folders ``server/``, ``synth/`` and ``runners/`` of the source tree.
"""

from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# In a source checkout (the folder that holds seidr/ also holds server/, synth/, runners/) the subpackages
# sit beside this folder rather than in it; adding that folder to our search path makes a checkout import
# exactly as an installed copy does, whichever of the two Python finds first.
_here = _os.path.dirname(_os.path.abspath(__file__))
_root = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "runners")) and _os.path.isfile(
    _os.path.join(_root, "runners", "__init__.py")
):
    __path__.append(_root)  # type: ignore[name-defined]  # noqa: F821


def develop(*args, **kwargs):
    """Search for a program that passes the given examples.

    Two call shapes: today's ``develop(description, examples, language="python", model=..., calls=...)``
    (:func:`seidr.synth.develop.develop`, returns a ranking), and the 2022-2023 SEIDR package's
    ``develop(task_description, critic, examples, language='C++', beam_width=..., ...)`` for programs that read
    standard input (:func:`seidr.synth.classic.develop`, returns the best program). A critic in second place or
    any keyword only the older signature has selects the older one."""
    from seidr.synth.classic import CLASSIC_KEYWORDS

    if any(k in kwargs for k in CLASSIC_KEYWORDS) or (len(args) >= 2 and (args[1] is None or callable(args[1]))):
        from seidr.synth.classic import develop as classic

        return classic(*args, **kwargs)
    from seidr.synth.classic import current_keywords
    from seidr.synth.develop import develop as current

    keywords = current_keywords()
    unknown = sorted(set(kwargs) - set(keywords))
    if unknown:
        raise TypeError(f"develop() got an unexpected keyword argument {unknown[0]!r}; it takes "
                        f"{', '.join(keywords)}")
    return current(*args, **kwargs)


def pbe_critic(task_description, tests, debug_template="Make sure {i} -> {o}"):
    """The 2022-2023 SEIDR package's programming-by-example critic; see :func:`seidr.synth.classic.pbe_critic`."""
    from seidr.synth.classic import pbe_critic as make

    return make(task_description, tests, debug_template)


__all__ = ["develop", "pbe_critic", "__version__"]
