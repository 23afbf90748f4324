"""Find and read the settings file (``[tool.seidr]`` in ``pyproject.toml``, or ``seidr.toml``) without loading
the settings schema, so a command can skip validation when there is nothing to validate."""

from __future__ import annotations

import os


def read_config_file(start: str) -> tuple[dict, list[str]]:
    """The ``[tool.seidr]`` table of the nearest ``pyproject.toml``, or a ``seidr.toml``, at or above ``start``."""
    folder = os.path.abspath(start)
    if os.path.isfile(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in ("seidr.toml", "pyproject.toml"):
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            try:
                with open(path, "rb") as fh:
                    raw = fh.read()
            except OSError as exc:
                return {}, [f"{path}: cannot read settings ({exc}); using defaults"]
            if name == "pyproject.toml" and b"seidr" not in raw:
                continue  # no [tool.seidr] table can be in it; not parsing it keeps start-up quick
            try:
                data = _toml().loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
                return {}, [f"{path}: cannot read settings ({exc}); using defaults"]
            if name == "seidr.toml":
                return data, []
            tool = data.get("tool", {})
            table = tool.get("seidr") if isinstance(tool, dict) else None
            if table is not None:
                if not isinstance(table, dict):
                    return {}, [f"{path}: tool.seidr must be a table ([tool.seidr] with key = value lines), "
                                f"not {type(table).__name__}; using defaults"]
                return table, []
        parent = os.path.dirname(folder)
        if parent == folder:
            return {}, []
        folder = parent


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib
