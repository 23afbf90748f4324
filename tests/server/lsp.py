"""A recording editor for the protocol tests: pytest-lsp's client driving the real ``python -m seidr serve`` over
stdio, keeping every diagnostics publish, status, edit request and message so tests can wait on them."""
from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Union

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES

from tests.conftest import seidr_command

VSCODE = pytest_lsp.client_capabilities("visual-studio-code")


class Editor(LanguageClient):
    """Answers the server's requests the way an editor would; what the answers are is up to each test."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.publishes: list[types.PublishDiagnosticsParams] = []
        self.statuses: list[dict] = []
        self.edit_requests: list[types.ApplyWorkspaceEditParams] = []
        self.message_requests: list[types.ShowMessageRequestParams] = []
        self.lens_refreshes = 0
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        # (params) -> ApplyWorkspaceEditResult; by default the edit is applied to ``texts``
        self.answer_edit: Callable[[types.ApplyWorkspaceEditParams], types.ApplyWorkspaceEditResult] = self.apply
        self.choose: Callable[[types.ShowMessageRequestParams], types.MessageActionItem | None] = lambda p: None

    # -- documents -------------------------------------------------------------------------------------
    def open(self, path: Path, text: str | None = None, language: str = "python") -> str:
        text = path.read_text() if text is None else text
        uri = path.as_uri()
        self.texts[uri], self.versions[uri] = text, 1
        self.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return uri

    def change(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] += 1
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))

    def save(self, uri: str, text: str | None = None) -> None:
        if text is not None:
            self.change(uri, text)
        self.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))

    def close(self, uri: str) -> None:
        self.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        """Apply a versioned edit the way VS Code does: refused when the document moved on."""
        for change in params.edit.document_changes or []:
            uri, version = change.text_document.uri, change.text_document.version
            if version is not None and version != self.versions.get(uri):
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="document changed")
            self.change(uri, apply_edits(self.texts[uri], change.edits))
        for uri, edits in (params.edit.changes or {}).items():
            self.change(uri, apply_edits(self.texts[uri], edits))
        return types.ApplyWorkspaceEditResult(applied=True)

    # -- what the server said --------------------------------------------------------------------------
    def published(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.publishes if p.uri == uri]

    async def next_diagnostics(self, uri: str, after: int | None = None, timeout: float = 90) -> list:
        """The diagnostics of the first publish for ``uri`` after the ``after``-th (default: the next one)."""
        seen = len(self.published(uri)) if after is None else after
        await wait_for(lambda: len(self.published(uri)) > seen, timeout, f"diagnostics for {uri}")
        return list(self.published(uri)[seen].diagnostics)

    async def diagnostics_when(self, uri: str, condition: Callable[[list], bool], timeout: float = 90) -> list:
        """Wait until the latest diagnostics for ``uri`` satisfy ``condition``; returns them."""
        def ok():
            got = self.published(uri)
            return bool(got) and condition(list(got[-1].diagnostics))
        await wait_for(ok, timeout, f"diagnostics for {uri} to change")
        return list(self.published(uri)[-1].diagnostics)

    def shown(self) -> list[str]:
        return [m.message for m in self.messages]

    async def lenses(self, uri: str) -> list[str]:
        got = await self.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
        return [f"{lens.range.start.line}: {lens.command.title}" for lens in got or []]

    async def command(self, name: str, argument: dict) -> Any:
        """A command's result; an object result reads as attributes (``result.applied``)."""
        result = await self.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=[argument]))
        return SimpleNamespace(**plain(result)) if isinstance(plain(result), dict) else result


def plain(value: Any) -> Any:
    """pygls hands unknown notifications over as named tuples; the server sent JSON objects."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def apply_edits(text: str, edits) -> str:
    """``text`` with LSP text edits applied (whole-line edits, as seidr sends them, plus end-of-text columns)."""
    lines = text.splitlines(True)

    def offset(pos: types.Position) -> int:
        return sum(len(x) for x in lines[:pos.line]) + pos.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


async def wait_for(condition: Callable[[], bool], timeout: float = 90, what: str = "a condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(0.05)


def _make_editor() -> Editor:
    editor = Editor()
    converter = editor.protocol._converter

    # lsprotocol reads any code action that carries a command as a bare Command; tell them apart by the
    # type of "command" (a string in a Command, an object in a CodeAction)
    def action_or_command(value, _):
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], action_or_command)
    for method, handler in DEFAULT_CLIENT_FEATURES.items():
        if method != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            editor.feature(method)(handler)

    @editor.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(client: Editor, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.publishes.append(params)

    @editor.feature("seidr/status")
    def status(client: Editor, params):
        client.statuses.append(plain(params))

    @editor.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(client: Editor, params: types.ApplyWorkspaceEditParams):
        client.edit_requests.append(params)
        return client.answer_edit(params)

    @editor.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def message_request(client: Editor, params: types.ShowMessageRequestParams):
        client.message_requests.append(params)
        return client.choose(params)

    @editor.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(client: Editor, params):
        client.lens_refreshes += 1

    return editor


def server_env(cache: Path, **extra: str) -> dict[str, str]:
    """The server's whole environment: this one, with its own cache folder."""
    return {**os.environ, "XDG_CACHE_HOME": str(cache), **extra}


async def start_editor(root: Path, cache: Path, init_options: dict | None = None, configuration: dict | None = None,
                       capabilities: types.ClientCapabilities = VSCODE, command: list[str] | None = None,
                       **env: str) -> Editor:
    """A running server with an initialized session over ``root``; ``configuration`` answers section ``seidr``."""
    config = ClientServerConfig(server_command=command or [*seidr_command(), "serve"], client_factory=_make_editor,
                                server_env=server_env(cache, **env))
    editor = await config.start()
    editor.set_configuration(configuration or {}, section="seidr")
    await editor.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=root.as_uri(), initialization_options=init_options,
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)]))
    return editor


async def stop_editor(editor: Editor) -> None:
    try:
        await asyncio.wait_for(editor.shutdown_session(), 30)
    finally:
        await editor.stop()


def lines_of(diagnostics, code: str | None = None) -> list[int]:
    return sorted(d.range.start.line for d in diagnostics if code is None or d.code == code)


def by_line(diagnostics) -> dict[int, str]:
    return {d.range.start.line: f"{d.code}: {d.message}" for d in diagnostics}


def process_tree(pid: int) -> set[tuple[int, str]]:
    """The processes below ``pid`` as (pid, start time), so a reused pid is not mistaken for a survivor."""
    from seidr.server.processes import descendants

    return {(p, start) for p in descendants(pid) if (start := _start_time(p))}


def _start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def alive(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    return {(p, start) for p, start in processes if _start_time(p) == start}
