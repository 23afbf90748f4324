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
    """Search for a program that passes the given examples; see :func:`seidr.synth.develop.develop`."""
    from seidr.synth.develop import develop as _develop

    return _develop(*args, **kwargs)


__all__ = ["develop", "__version__"]
