"""A bare pygls client for the server benchmarks: start ``seidr serve`` (or another server), open and save a
document, and time requests and diagnostics as the editor sees them."""
from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient


class BenchClient(LanguageClient):
    def __init__(self):
        super().__init__("seidr-bench", "1")
        self.published: dict[str, list[tuple[float, types.PublishDiagnosticsParams]]] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams):
            self.published.setdefault(params.uri, []).append((time.perf_counter(), params))

        for method in ("seidr/status", types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            self.feature(method)(lambda params: None)

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams):
            return [None for _ in params.items]

    async def open(self, path: Path, text: str, language: str = "python") -> str:
        uri = path.as_uri()
        self.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return uri

    async def save_and_wait(self, uri: str, text: str, version: int, timeout: float = 300) -> float:
        """Seconds from didSave (after the change) to the next publishDiagnostics for ``uri``."""
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        seen = len(self.published.get(uri, []))
        started = time.perf_counter()
        self.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
        await self.wait_publish(uri, seen, timeout)
        return self.published[uri][seen][0] - started

    async def wait_publish(self, uri: str, seen: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while len(self.published.get(uri, [])) <= seen:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no diagnostics for {uri} within {timeout} s")
            await asyncio.sleep(0.0005)


async def start(root: Path, command: list[str] | None = None, init_options: dict | None = None) -> BenchClient:
    client = BenchClient()
    await client.start_io(*(command or [sys.executable, "-m", "seidr", "serve"]),
                          env={**os.environ, "XDG_CACHE_HOME": str(root / ".cache")})
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=root.as_uri(), initialization_options=init_options))
    client.initialized(types.InitializedParams())
    return client


async def stop(client: BenchClient) -> None:
    """shutdown and exit; a server that does not leave within seconds (seen with jedi-language-server) is killed."""
    try:
        await asyncio.wait_for(client.shutdown_async(None), 10)
        client.exit(None)
        await asyncio.wait_for(client._server.wait(), 5)
    except (asyncio.TimeoutError, OSError):
        pass
    if client._server is not None and client._server.returncode is None:
        client._server.kill()
        try:
            await asyncio.wait_for(client._server.wait(), 5)
        except asyncio.TimeoutError:
            pass
    try:
        await asyncio.wait_for(client.stop(), 5)
    except asyncio.TimeoutError:
        pass


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
