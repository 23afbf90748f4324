"""A copy of the shop workspace for each test, and a runner with loose limits for each test module."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio

from seidr.runners.limits import Limits
from seidr.runners.python import PythonRunner
from tests.pytest_runner.shop_copy import copy_shop

# the shop is a workspace the tests open, not tests of this project
collect_ignore = ["shop"]
# Generous: these tests are about what is judged, not how fast; the timeout tests set their own.
ROOMY = Limits(example_seconds=30.0, program_seconds=60.0)


@pytest.fixture
def shop(workspace: Path) -> Path:
    return copy_shop(workspace)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runner():
    """One runner for a module's tests (which run on the module's loop: ``pytestmark`` in them), so its pytest
    worker starts once; each test's shop is a folder of its own, so no verdict is shared between tests."""
    judge = PythonRunner(limits=ROOMY)
    yield judge
    await judge.close()

