"""Fixtures the sandbox tests share: a loopback server, a canary folder in $HOME, a program folder."""

from __future__ import annotations

import pytest

from tests.sandbox.support import Listener, canary_folder, remove, scratch


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def canary():
    path = canary_folder()
    yield path
    remove(path)


@pytest.fixture
def folder():
    path = scratch()
    yield path
    remove(path)
