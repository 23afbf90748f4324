"""A copy of the shop workspace (a package under src/, a conftest with fixtures, tests that reach its functions
by direct import, module attribute and parametrize) for each test, and a runner with loose limits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_asyncio

from seidr.runners.limits import Limits
from seidr.runners.python import PythonRunner

SHOP = Path(__file__).resolve().parent / "shop"
# the shop is a workspace the tests open, not tests of this project
collect_ignore = ["shop"]
# Generous: these tests are about what is judged, not how fast; the timeout tests set their own.
ROOMY = Limits(example_seconds=30.0, program_seconds=60.0)


@pytest.fixture
def shop(workspace: Path) -> Path:
    target = workspace / "shop"
    shutil.copytree(SHOP, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runner():
    """One runner for a module's tests (which run on the module's loop: ``pytestmark`` in them), so its pytest
    worker starts once; each test's shop is a folder of its own, so no verdict is shared between tests."""
    judge = PythonRunner(limits=ROOMY)
    yield judge
    await judge.close()

