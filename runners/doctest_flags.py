"""doctest's option flags as pytest runs them: pytest's own ``ALLOW_UNICODE``, ``ALLOW_BYTES`` and ``NUMBER``,
and the project's ``doctest_optionflags`` (pyproject.toml, pytest.ini, tox.ini, setup.cfg), found the way
pytest finds its configuration: the nearest folder above the file that has one."""
from __future__ import annotations

import configparser
import doctest
import functools
import os
import re

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


_FILES = (("pytest.ini", "pytest"), ("pyproject.toml", None), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))


def _config_in(folder: str) -> tuple[str, str | None] | None:
    """The configuration file pytest reads in ``folder`` and its section (None for pyproject.toml), or None;
    a file is parsed again only when one of the candidates changed (this runs for every check)."""
    stamps = []
    for name, _ in _FILES:
        try:
            stamps.append(os.stat(os.path.join(folder, name)).st_mtime_ns)
        except OSError:
            stamps.append(None)
    return _config_of(folder, tuple(stamps)) if any(s is not None for s in stamps) else None


@functools.lru_cache(maxsize=256)
def _config_of(folder: str, stamps: tuple) -> tuple[str, str | None] | None:
    for name, section in _FILES:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        if name == "pyproject.toml":
            try:
                import tomllib

                with open(path, "rb") as fh:
                    if "ini_options" in tomllib.load(fh).get("tool", {}).get("pytest", {}):
                        return path, None
            except (OSError, ValueError):
                continue
        elif name == "pytest.ini" or _has_section(path, section):
            return path, section
    return None


def _has_section(path: str, section: str) -> bool:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeError):
        return False
    return parser.has_section(section)


@functools.lru_cache(maxsize=64)
def _read(path: str, section: str | None, mtime: int) -> frozenset[str]:
    if section is None:
        import tomllib

        with open(path, "rb") as fh:
            value = tomllib.load(fh)["tool"]["pytest"]["ini_options"].get("doctest_optionflags", "")
        names = value if isinstance(value, list) else str(value).split()
    else:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path, encoding="utf-8")
        names = parser.get(section, "doctest_optionflags", fallback="").split() if parser.has_section(section) else []
    return frozenset(n for n in (str(x).strip() for x in names) if n in doctest.OPTIONFLAGS_BY_NAME)


def _nearest(path: str | None) -> tuple[str, str | None] | None:
    """(file, section) of the configuration nearest above the file at ``path``, or None."""
    if not path:
        return None
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        found = _config_in(folder)
        if found is not None:
            return found
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def project_flags(path: str | None) -> frozenset[str]:
    """The ``doctest_optionflags`` pytest would apply to the file at ``path`` (names it knows only)."""
    nearest = _nearest(path)
    if nearest is None:
        return frozenset()
    config, section = nearest
    try:
        return _read(config, section, os.stat(config).st_mtime_ns)
    except (OSError, ValueError, KeyError, configparser.Error):
        return frozenset()
