"""The server's settings: the one schema of ``seidr.synth.settings`` read from the workspace's config file, the
editor's initializationOptions and its ``workspace/configuration`` section ``seidr`` (later wins)."""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Callable, Mapping

from lsprotocol import types

from seidr.synth.settings import Settings, load_settings, read_config_file

log = logging.getLogger(__name__)

SECTION = "seidr"


def _layer(value: Any) -> Mapping | None:
    """An editor's settings object; ``{"seidr": {...}}`` is unwrapped for clients that nest the section."""
    if value is None:
        return None
    if isinstance(value, Mapping) and set(value) == {SECTION} and isinstance(value[SECTION], Mapping):
        return value[SECTION]
    return value


class SettingsStore:
    """Holds the editor's layers and merges them with the config file nearest to a document; every problem
    (a bad value, an unreadable file) is reported once, naming the key, and its default is used."""

    def __init__(self, report: Callable[[str], None]):
        self._report = report
        self._reported: set[str] = set()
        self.init_layer: Mapping | None = None
        self.client_layer: Mapping | None = None
        self.root: str | None = None
        self.ready = asyncio.Event()

    def set_initialization_options(self, options: Any) -> None:
        self.init_layer = _layer(options)

    def for_path(self, path: str | None = None) -> Settings:
        start = os.path.dirname(path) if path else self.root
        file_layer, problems = read_config_file(start) if start and os.path.isdir(start) else ({}, [])
        settings, bad = load_settings(file_layer, self.init_layer, self.client_layer)
        for message in problems + bad:
            if message not in self._reported:
                self._reported.add(message)
                self._report(message)
        return settings

    async def pull(self, ls) -> bool:
        """Ask the editor for section ``seidr``; False when it does not answer configuration requests."""
        caps = ls.client_capabilities.workspace
        if not (caps and caps.configuration):
            return False
        try:
            items = await asyncio.wait_for(ls.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section=SECTION)])), 10)
        except Exception as exc:  # an editor that fails the request keeps the settings it gave at start
            log.warning("workspace/configuration failed: %s", exc)
            return False
        value = items[0] if items else None
        self.client_layer = _layer(value) if isinstance(value, Mapping) else None
        return True

    def pushed(self, settings: Any) -> None:
        """Settings that came with ``didChangeConfiguration`` from an editor that is not asked for them."""
        if isinstance(settings, Mapping) and isinstance(settings.get(SECTION), Mapping):
            self.client_layer = settings[SECTION]


def register(server) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls, params: types.DidChangeConfigurationParams):
        if not await ls.settings.pull(ls):
            ls.settings.pushed(params.settings)
        ls.settings.for_path(None)
        ls.checker.recheck_open()
