"""doctest's option flags as pytest runs them: pytest's own ``ALLOW_UNICODE``, ``ALLOW_BYTES`` and ``NUMBER``,
and the project's ``doctest_optionflags`` from the configuration pytest reads for the file (``pytest_config``)."""
from __future__ import annotations

import doctest
import os
import re

from seidr.runners.pytest_config import locate

PYTEST_FLAGS = ("ALLOW_UNICODE", "ALLOW_BYTES", "NUMBER")
for _name in PYTEST_FLAGS:
    doctest.register_optionflag(_name)
ALLOW_UNICODE, ALLOW_BYTES, NUMBER = (doctest.OPTIONFLAGS_BY_NAME[n] for n in PYTEST_FLAGS)

_PREFIXED = {ALLOW_UNICODE: re.compile(r"(\W|^)[uU]([rR]?[\'\"])"), ALLOW_BYTES: re.compile(r"(\W|^)[bB]([rR]?[\'\"])")}
_FLOAT = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")


class Checker(doctest.OutputChecker):
    """doctest's checker, with pytest's three flags understood as pytest documents them."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        if super().check_output(want, got, optionflags):
            return True
        if not optionflags & (ALLOW_UNICODE | ALLOW_BYTES | NUMBER):
            return False
        for flag, pattern in _PREFIXED.items():
            if optionflags & flag:
                want, got = pattern.sub(r"\1\2", want), pattern.sub(r"\1\2", got)
        if optionflags & NUMBER:
            got = _as_written(want, got)
        return super().check_output(want, got, optionflags)


def _as_written(want: str, got: str) -> str:
    """``got`` with each float that agrees with ``want``'s to the digits ``want`` shows written as in ``want``."""
    wanted, found = list(_FLOAT.finditer(want)), list(_FLOAT.finditer(got))
    if len(wanted) != len(found):
        return got
    out, last = [], 0
    for w, g in zip(wanted, found):
        text = w.group()
        mantissa = text.lower().split("e")[0]
        places = len(mantissa.split(".")[1]) if "." in mantissa else 0
        exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
        tolerance = 0.5 * 10 ** (exponent - places)
        keep = abs(float(text) - float(g.group())) <= tolerance * (1 + 1e-9)
        out.append(got[last:g.start()] + (text if keep else g.group()))
        last = g.end()
    return "".join(out) + got[last:]


def project_flags(path: str | None) -> frozenset[str]:
    """The ``doctest_optionflags`` pytest would apply to the file at ``path`` (names it knows only)."""
    if not path:
        return frozenset()
    names = locate(os.path.dirname(os.path.abspath(path))).words("doctest_optionflags")
    return frozenset(n for n in names if n in doctest.OPTIONFLAGS_BY_NAME)
