"""Reply parsing for C++, Rust and Verus: the fenced block that defines the function the prompt asked for."""

from __future__ import annotations

import re

FENCES = {"cpp": ("cpp", "c++", "cc", "cxx"), "rust": ("rust", "rs"), "verus": ("rust", "rs", "verus")}
_BLOCK = re.compile(r"```([\w+]*)[^\n]*\n(.*?)```", re.S)


def code_from_reply(language: str, reply: str, name: str) -> str | None:
    """The code block of ``reply`` that defines ``name`` (its short name), preferring blocks tagged with
    the language; None when no block defines it."""
    short = re.split(r"[.:]", name)[-1]
    defines = re.compile(rf"\bfn\s+{re.escape(short)}\b" if language != "cpp" else rf"\b{re.escape(short)}\s*\(")
    blocks = [(tag.lower(), body.strip()) for tag, body in _BLOCK.findall(reply)]
    tagged = [b for t, b in blocks if t in FENCES.get(language, ())]
    for body in tagged + [b for t, b in blocks if t not in FENCES.get(language, ())]:
        if defines.search(body):
            return body
    return None
