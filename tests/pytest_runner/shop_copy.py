"""The shop workspace the tests open: a package under src/, a conftest with fixtures, and tests that reach its
functions by direct import, module attribute, parametrize and a unittest class. Tests work on a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

SHOP = Path(__file__).resolve().parent / "shop"


def copy_shop(folder: Path) -> Path:
    target = folder / "shop"
    shutil.copytree(SHOP, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
