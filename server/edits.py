"""Put a program into a document safely: the new text (Python: exactly the body; C++/Rust/Verus: the function's
text), as the fewest whole-line text edits, sent as a versioned ``TextDocumentEdit``."""
from __future__ import annotations

import difflib
from typing import Callable

from lsprotocol import types

from seidr.synth.edits import EditError, new_text

__all__ = ["EditError", "new_text", "text_edits", "workspace_edit"]

def text_edits(old: str, new: str, units: Callable[[str], int]) -> list[types.TextEdit]:
    """Whole-line edits that turn ``old`` into ``new``, touching only the lines that differ.
    ``units(line)`` is a line's length in the client's position units."""
    a, b = old.splitlines(True), new.splitlines(True)

    def position(i: int) -> types.Position:
        if i < len(a) or not a or a[-1].endswith(("\n", "\r")):
            return types.Position(i, 0)
        return types.Position(len(a) - 1, units(a[-1]))  # the end of a last line with no newline

    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(types.TextEdit(range=types.Range(position(i1), position(i2)), new_text="".join(b[j1:j2])))
    return edits


def workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit], versioned: bool) -> types.WorkspaceEdit:
    """A versioned ``TextDocumentEdit`` where the client takes ``documentChanges``, else plain ``changes``
    (the caller checked the version just before sending)."""
    if versioned:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)])
    return types.WorkspaceEdit(changes={uri: edits})


async def send(ls, uri: str, version: int | None, changes: list[types.TextEdit],
               label: str) -> types.ApplyWorkspaceEditResult:
    """Ask the editor to apply ``changes`` to the document at ``version`` (a versioned edit where it takes one);
    an editor that fails the request has not applied it."""
    caps = ls.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    try:
        return await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
            edit=workspace_edit(uri, version, changes, versioned), label=label))
    except Exception as exc:  # noqa: BLE001 -- whatever the editor said, the edit did not happen
        return types.ApplyWorkspaceEditResult(applied=False, failure_reason=str(exc))
