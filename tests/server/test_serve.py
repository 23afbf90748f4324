"""``seidr serve`` as a process: a TCP socket on request, a start that loads no model or analysis library, and a
shutdown that leaves no worker or candidate program running."""
from __future__ import annotations

import asyncio
import json
import shlex
import socket
import subprocess
import sys
import time

import pytest
from lsprotocol import types

from tests.conftest import seidr_command
from tests.server.lsp import alive, process_tree, start_editor, stop_editor, wait_for

SLEEPY = '''\
def nap():
    """Takes its time.

    >>> nap()
    1
    """
    import time
    time.sleep(60)
    return 1


def stub(x):
    """Not yet.

    >>> stub(1)
    2
    """
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(sock: socket.socket) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(4096)
    return json.loads(body[:length])


def test_serve_over_tcp_answers_initialize(tmp_path):
    port = _free_port()
    server = subprocess.Popen([*seidr_command(), "serve", "--tcp", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=60)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
        with sock:
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}}))
            reply = _read_message(sock)
            assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "seidr"
            assert reply["result"]["capabilities"]["codeActionProvider"]
            assert "seidr.synthesize" in reply["result"]["capabilities"]["executeCommandProvider"]["commands"]
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            while _read_message(sock).get("id") != 2:
                pass
            # a request after shutdown is answered (LSP: with InvalidRequest), never left waiting
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 3, "method": "workspace/executeCommand",
                                 "params": {"command": "seidr.synthesize", "arguments": []}}))
            late = _read_message(sock)
            assert late["id"] == 3 and late["error"]["code"] == -32600, late
            assert "shut down" in late["error"]["message"]
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit"}))
        server.wait(timeout=30)
    finally:
        server.kill()
        server.wait()


def _initialize(sock, root) -> dict:
    sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                         "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}}))
    return _read_message(sock)


def test_serve_over_tcp_says_where_it_listens_and_outlives_a_client_that_drops(tmp_path):
    import struct

    port = _free_port()
    server = subprocess.Popen([*seidr_command(), "serve", "--tcp", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr.readline().strip() == f"seidr serve: listening on 127.0.0.1:{port}"
        dropped = socket.create_connection(("127.0.0.1", port), timeout=60)
        assert _initialize(dropped, tmp_path)["result"]["serverInfo"]["name"] == "seidr"
        dropped.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset, not a goodbye
        dropped.close()
        assert server.stderr.readline().strip() == "seidr serve: the client left; waiting for the next one"
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            assert _initialize(sock, tmp_path)["id"] == 1
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            while _read_message(sock).get("id") != 2:
                pass
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit"}))
        assert server.wait(timeout=30) == 0
        assert "Traceback" not in server.stderr.read()
    finally:
        server.kill()
        server.wait()


def test_a_malformed_tcp_address_is_a_usage_error():
    done = subprocess.run([*seidr_command(), "serve", "--tcp", "localhost"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "--tcp wants HOST:PORT" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.asyncio
async def test_a_session_of_checks_and_listings_never_imports_litellm_or_jedi(tmp_path):
    log = tmp_path / "imports.log"
    command = ["sh", "-c", f"exec {shlex.quote(sys.executable)} -X importtime -m seidr serve 2>{shlex.quote(str(log))}"]
    editor = await start_editor(tmp_path, tmp_path / ".cache", command=command)
    try:
        path = tmp_path / "nap.py"
        path.write_text(SLEEPY.replace("time.sleep(60)", "pass"))
        uri = editor.open(path)
        await editor.next_diagnostics(uri)
        await editor.lenses(uri)
        await editor.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri), range=types.Range(types.Position(11, 0),
                                                                               types.Position(11, 0)),
            context=types.CodeActionContext(diagnostics=[])))
    finally:
        await stop_editor(editor)
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in log.read_text().splitlines()
               if line.startswith("import time:")}
    assert "pygls" in modules  # the log is the server's
    assert "litellm" not in modules and "jedi" not in modules


@pytest.mark.asyncio
async def test_shutdown_stops_the_examples_still_running(tmp_path):
    editor = await start_editor(tmp_path, tmp_path / ".cache",
                                init_options={"limits": {"exampleSeconds": 120, "programSeconds": 120}})
    stopped = False
    try:
        path = tmp_path / "nap.py"
        path.write_text(SLEEPY)
        editor.open(path)
        server = editor._server.pid
        await wait_for(lambda: any(s.get("state") == "checking" for s in editor.statuses), 60, "a check to start")
        await wait_for(lambda: len(process_tree(server)) > 0, 60, "the example to start running")
        running = process_tree(server)
        await stop_editor(editor)
        stopped = True
        deadline = time.monotonic() + 10
        while alive(running) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert not alive(running)
        assert editor._server.returncode == 0
    finally:
        if not stopped:
            await stop_editor(editor)
