"""The seidr language server: a thin pygls server that holds the shared state and wires the features, each of
which lives in its own module (checks, code lenses, code actions, synthesis, settings)."""
from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from seidr.server import add_example, checks, code_actions, code_lens, processes, synthesis
from seidr.server import settings as settings_feature
from seidr.server.documents import Documents
from seidr.server.engine import Engine
from seidr.server.settings import SettingsStore
from seidr.server.status import Status

log = logging.getLogger(__name__)


def _version() -> str:
    """seidr's version as installed (the server sits below the package that also holds the CLI)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("seidr")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = _version()


class SeidrProtocol(LanguageServerProtocol):
    """pygls answers ``$/cancelRequest`` for a command that already runs but cannot stop it; this also
    cancels the synthesis that request started. After ``shutdown`` pygls drops requests unanswered, which
    leaves a client waiting; LSP says to answer them with InvalidRequest, as this does."""

    def handle_message(self, message):
        method = getattr(message, "method", None)
        if self._shutdown and method not in (None, types.EXIT) and getattr(message, "id", None) is not None:
            from pygls.exceptions import JsonRpcInvalidRequest

            error = JsonRpcInvalidRequest(f"the server is shut down: {method} is not answered; send exit")
            self._send_response(message.id, error=error.to_response_error())
            return
        super().handle_message(message)

    def _handle_cancel_notification(self, msg_id):
        super()._handle_cancel_notification(msg_id)
        self._server.jobs.cancel_request(msg_id)


class SeidrServer(LanguageServer):
    def __init__(self):
        super().__init__("seidr", __version__, protocol_cls=SeidrProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = SettingsStore(self.show_warning)
        self.documents = Documents(self)
        self.engine = Engine()
        self.status = Status(self)
        self.checker = checks.Checker(self)
        self.jobs = synthesis.Jobs(self)

    # -- talking to the user --------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def show_warning(self, message: str) -> None:
        self.show(message, types.MessageType.Warning)

    def report_server_error(self, error: Exception, source) -> None:
        log.error("%s: %s", getattr(source, "__name__", source), error)
        self.log(f"seidr: internal error: {error}", types.MessageType.Error)

    # -- shared helpers for the features ---------------------------------------------------------------
    async def settings_ready(self) -> None:
        try:
            await asyncio.wait_for(self.settings.ready.wait(), 10)
        except asyncio.TimeoutError:  # an editor that never answers still gets its files checked
            self.settings.ready.set()

    def refresh_code_lenses(self) -> None:
        caps = self.client_capabilities.workspace
        if caps and caps.code_lens and caps.code_lens.refresh_support:
            self.workspace_code_lens_refresh(None)

    async def stop_work(self) -> None:
        """Cancel every check and synthesis and stop the runners' workers and children."""
        tasks = self.checker.cancel_all() + self.jobs.cancel_all()
        if tasks:
            await asyncio.wait(tasks, timeout=3)
        await self.engine.close()
        processes.kill_descendants()


def _register_lifecycle(server: SeidrServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: SeidrServer, params: types.InitializeParams):
        ls.settings.set_initialization_options(params.initialization_options)
        ls.settings.root = ls.workspace.root_path

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SeidrServer, params: types.InitializedParams):
        from seidr.runners.sandbox import isolation

        try:
            await ls.settings.pull(ls)
        finally:
            ls.settings.ready.set()
        ls.settings.for_path(None)  # report bad values of the workspace's own layers right away
        detail = (await asyncio.to_thread(isolation)).detail
        ls.log(f"seidr {__version__}: sandbox {detail}")
        ls.status.announce(detail)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: SeidrServer, params: None):
        await ls.stop_work()

    @server.feature(types.EXIT)
    def exit_(ls: SeidrServer, params: None):
        processes.kill_descendants()


def create_server() -> SeidrServer:
    server = SeidrServer()
    _register_lifecycle(server)
    for feature in (settings_feature, checks, code_lens, code_actions, synthesis, add_example):
        feature.register(server)
    return server
