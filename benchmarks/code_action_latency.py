"""How long listing seidr's code actions takes on a 500-line file, beside jedi-language-server's hover on the same
file (when ``jedi-language-server`` is installed: pip install jedi-language-server) and beside the bare round
trip of a request the server answers without work.

    python benchmarks/code_action_latency.py [--requests 50]
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import median, start, stop  # noqa: E402


def make_module(functions: int = 43) -> str:
    """About 500 lines: functions with doctests, a third stubs, a third failing."""
    parts = ['"""Generated for the code action benchmark."""\nimport math\n']
    for i in range(functions):
        body = ("    ...\n" if i % 3 == 0 else
                f"    k = {i + 1}\n    return (x + 1) * k\n" if i % 3 == 1 else f"    k = {i + 1}\n    return x * k\n")
        parts.append(f'''

def g{i}(x):
    """Scale x by {i + 1}.

    >>> g{i}(1)
    {i + 1}
    >>> g{i}(2)
    {2 * (i + 1)}
    """
{body}''')
    return "".join(parts)


def code_action(uri: str, line: int) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=types.Range(types.Position(line, 0),
                                                                           types.Position(line, 0)),
        context=types.CodeActionContext(diagnostics=[]))


async def timed_requests(make, n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        try:
            await make(i)
        except Exception:  # an error answer is still an answer: the round trip is what counts
            pass
        times.append(time.perf_counter() - started)
    return times


async def seidr_times(folder: Path, text: str, n: int) -> tuple[float, float, float]:
    path = folder / "big.py"
    client = await start(folder)
    try:
        uri = await client.open(path, text)
        await client.wait_publish(uri, 0)
        lines = [i for i, line in enumerate(text.splitlines()) if line.startswith("def ")]
        warm = await timed_requests(
            lambda i: client.text_document_code_action_async(code_action(uri, lines[i % len(lines)] + 2)), n)

        async def after_edit(i):
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text + f"\n# edit {i}\n")]))
            await client.text_document_code_action_async(code_action(uri, lines[i % len(lines)] + 2))

        edited = await timed_requests(after_edit, n)
        # seidr has no hover: the answer is an immediate "method not found", a bare round trip
        empty = await timed_requests(lambda i: client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(0, 0))), n)
        return median(warm), median(edited), median(empty)
    finally:
        await stop(client)


async def jedi_hover(folder: Path, text: str, n: int) -> tuple[float, float] | None:
    command = shutil.which("jedi-language-server") or (
        str(Path(sys.executable).with_name("jedi-language-server"))
        if Path(sys.executable).with_name("jedi-language-server").exists() else None)
    if command is None:
        return None
    path = folder / "big.py"
    client = await start(folder, command=[command])
    try:
        uri = await client.open(path, text)
        lines = [i for i, line in enumerate(text.splitlines()) if line.startswith("def ")]
        await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                 types.Position(lines[0], 5)))  # warm jedi up
        def hover(i):
            return client.text_document_hover_async(types.HoverParams(
                types.TextDocumentIdentifier(uri), types.Position(lines[i % len(lines)], 5)))

        same = await timed_requests(hover, n)

        async def after_edit(i):
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text + f"\n# edit {i}\n")]))
            await hover(i)

        edited = await timed_requests(after_edit, n)
        return median(same), median(edited)
    finally:
        await stop(client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    text = make_module()
    with tempfile.TemporaryDirectory(prefix="seidr-actions-") as tmp:
        folder = Path(tmp)
        (folder / "big.py").write_text(text)
        warm, edited, empty = asyncio.run(seidr_times(folder, text, args.requests))
        hover = asyncio.run(jedi_hover(folder, text, args.requests))
    print(f"file: {len(text.splitlines())} lines, 43 functions; medians of {args.requests} requests")
    print(f"  seidr codeAction, same text           {warm * 1000:7.2f} ms round trip")
    print(f"  seidr codeAction, after an edit        {edited * 1000:7.2f} ms round trip (the file is parsed again)")
    print(f"  bare round trip (unhandled request)    {empty * 1000:7.2f} ms")
    print(f"  seidr codeAction server time           {max(warm - empty, 0) * 1000:7.2f} ms same text, "
          f"{max(edited - empty, 0) * 1000:.2f} ms after an edit   (target < 20 ms)")
    if hover is not None:
        print(f"  jedi-language-server hover, same text  {hover[0] * 1000:7.2f} ms round trip")
        print(f"  jedi-language-server hover, after edit {hover[1] * 1000:7.2f} ms round trip")
        print(f"  ratio jedi hover / seidr codeAction    {hover[0] / warm:7.1f}x same text, "
              f"{hover[1] / edited:.1f}x after an edit")
    else:
        print("  jedi-language-server hover             not installed (pip install jedi-language-server)")


if __name__ == "__main__":
    main()
