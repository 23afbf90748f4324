"""The Python runner under test, with limits loose enough for a loaded two-core machine."""

from __future__ import annotations

import pytest

from seidr.runners.limits import Limits
from seidr.runners.python import PythonRunner

# Generous: these tests are about what is judged, not how fast; the timeout tests set their own.
ROOMY = Limits(example_seconds=30.0, program_seconds=60.0)


@pytest.fixture
async def runner():
    judge = PythonRunner(limits=ROOMY)
    yield judge
    await judge.close()
