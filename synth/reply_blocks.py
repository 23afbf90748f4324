"""The code in a model's reply: its fenced blocks (those of the language first), in the order to look for the
entry point, and what a parsed reply is (``Reply``)."""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

# the fence tags that hold each language's code; untagged blocks are tried after these
FENCES = {"python": ("python", "py", "python3", "py3", "pycon"), "cpp": ("cpp", "c++", "cc", "cxx", "c", "h", "hpp"),
          "rust": ("rust", "rs"), "verus": ("rust", "rs", "verus")}
FENCE = re.compile(r"^[ \t]*(```+|~~~+)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.S | re.M)


@dataclass(frozen=True)
class Reply:
    """``code`` is the program (a complete definition of the entry point with what it needs), or None and
    ``reason`` says why the reply is not one."""

    code: str | None
    reason: str | None = None


def code_blocks(text: str, language: str) -> list[str]:
    """The reply's fenced blocks in order, those tagged with ``language`` first (an unclosed last fence, as in
    a reply cut off at the token limit, runs to the end); the whole text when it has no fences."""
    found = [(tag.lower(), textwrap.dedent(body)) for _, tag, body in FENCE.findall(text)]
    if not found:
        return [text]
    tags = FENCES.get(language, (language,))
    return [b for t, b in found if t in tags] + [b for t, b in found if t not in tags]


def preferred(blocks: list[str], language: str, text: str) -> list[str]:
    """Blocks in the order to look for the entry point: the last block of the language first (a reply that
    quotes the old code and then gives the fix, or corrects itself, means its last version), then the rest."""
    tagged = sum(1 for _, tag, _ in FENCE.findall(text) if tag.lower() in FENCES.get(language, (language,)))
    return blocks[:tagged][::-1] + blocks[tagged:][::-1]


def code_from_reply(text: str, language: str = "python") -> str:
    """The code of a reply that answers no particular problem: its first code block, or all of it."""
    return code_blocks(text, language)[0].strip("\n") + "\n"
