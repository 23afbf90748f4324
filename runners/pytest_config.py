"""Where pytest's configuration is for a folder, as pytest finds it: the rootdir, the settings file and its
settings, the conftests a test file loads, and the part of ``addopts`` a judged run keeps."""

from __future__ import annotations

import configparser
import os
import shlex
from dataclasses import dataclass, field
from typing import Sequence

# pytest's own search order for its configuration (pytest 9; older versions read a subset of these)
CONFIG_FILES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
# Options of the workspace's ``addopts`` that change what a test does or how it is found; the rest (output,
# coverage, xdist, -x, -k, ...) would write files, start processes or leave tests out, and is dropped.
KEPT_OPTIONS = {"--import-mode": True, "-p": True, "--asyncio-mode": True, "-W": True, "--pythonwarnings": True,
                "--strict-markers": False, "--strict": False, "--timeout": True, "--timeout-method": True}
_PARSED: dict[str, tuple[tuple, dict | None]] = {}


@dataclass(frozen=True)
class PytestConfig:
    """pytest's rootdir for a folder, the file its settings come from (None when there is none) and the
    settings, as lists of words (``testpaths``, ``python_files``, ...)."""

    rootdir: str
    inifile: str | None = None
    values: dict = field(default_factory=dict, compare=False)

    def words(self, key: str, default: Sequence[str] = ()) -> list[str]:
        value = self.values.get(key)
        if value is None:
            return list(default)
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        text = str(value)
        try:
            return shlex.split(text)
        except ValueError:
            return text.split()


def _toml(raw: bytes) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(raw.decode("utf-8"))


def _ini_section(raw: bytes, section: str) -> dict | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(raw.decode("utf-8", "replace"))
    return dict(parser[section]) if parser.has_section(section) else None


def read_pytest_settings(path: str) -> dict | None:
    """The pytest settings in the file at ``path``, or None when it holds none (a file pytest would pass over).
    An unreadable file counts as holding none."""
    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if path in _PARSED and _PARSED[path][0] == key:
            return _PARSED[path][1]
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    name = os.path.basename(path)
    try:
        if name in ("pytest.toml", ".pytest.toml"):
            table = _toml(raw).get("pytest")
            values = table if isinstance(table, dict) else {}
        elif name in ("pytest.ini", ".pytest.ini"):
            values = _ini_section(raw, "pytest") or {}
        elif name == "pyproject.toml":
            table = _toml(raw).get("tool", {}).get("pytest")
            if not isinstance(table, dict):
                values = None
            elif isinstance(table.get("ini_options"), dict):
                values = table["ini_options"]
            else:
                values = {k: v for k, v in table.items() if k != "ini_options"} or None
        else:
            values = _ini_section(raw, "pytest" if name == "tox.ini" else "tool:pytest")
    except (ValueError, configparser.Error, UnicodeDecodeError, AttributeError):
        values = None
    _PARSED[path] = (key, values)
    return values


def locate(start: str) -> PytestConfig:
    """pytest's rootdir and settings for tests under the folder ``start``, found as pytest finds them: the
    first of its configuration files holding pytest settings, going up; else the first ``pyproject.toml``;
    else a folder with ``setup.py``; else ``start`` itself."""
    start = os.path.abspath(start)
    pyproject = setup_py = None
    folder = start
    while True:
        for name in CONFIG_FILES:
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            if name == "pyproject.toml" and pyproject is None:
                pyproject = path
            values = read_pytest_settings(path)
            if values is not None:
                return PytestConfig(folder, path, values)
        if setup_py is None and os.path.isfile(os.path.join(folder, "setup.py")):
            setup_py = folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if pyproject is not None:
        return PytestConfig(os.path.dirname(pyproject), pyproject, {})
    return PytestConfig(setup_py or start)


def conftests(rootdir: str, test_file: str) -> list[str]:
    """The ``conftest.py`` files pytest loads for ``test_file``: in its folder and each folder above it up to the
    rootdir."""
    folder = os.path.dirname(os.path.abspath(test_file))
    found = []
    while True:
        path = os.path.join(folder, "conftest.py")
        if os.path.isfile(path):
            found.append(path)
        if folder == rootdir or not folder.startswith(rootdir + os.sep):
            break
        folder = os.path.dirname(folder)
    return found[::-1]


def kept_options(config: PytestConfig) -> list[str]:
    """The part of the workspace's ``addopts`` a judged run keeps (see ``KEPT_OPTIONS``)."""
    words = config.words("addopts")
    kept: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        name, eq, _ = word.partition("=")
        short = word[:2] if word[:2] in ("-p", "-W") and len(word) > 2 and not eq else None
        if short:
            kept.append(word)
        elif name in KEPT_OPTIONS:
            kept.append(word)
            if KEPT_OPTIONS[name] and not eq and index < len(words):
                kept.append(words[index])
                index += 1
    return kept
