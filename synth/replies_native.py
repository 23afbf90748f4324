"""C++, Rust and Verus replies to programs: the definition of the entry point in the reply's blocks, without the
items the file already defines or the judge brings (a ``main``, the file's ``use`` lines), checked against the
signature's parameter count."""
from __future__ import annotations

import re
import textwrap

from seidr.runners.native import PROGRAM_MARK
from seidr.synth.reply_blocks import FENCE, Reply, code_blocks, preferred

def _skip_literal(code: str, i: int) -> int:
    """The index after the string, character literal or comment starting at ``i`` (``i`` itself otherwise)."""
    if code.startswith("//", i):
        end = code.find("\n", i)
        return len(code) if end < 0 else end
    if code.startswith("/*", i):
        end = code.find("*/", i + 2)
        return len(code) if end < 0 else end + 2
    raw = re.match(r'r(#*)"', code[i:i + 20]) if code[i] == "r" and (i == 0 or not code[i - 1].isalnum()) else None
    if raw:
        end = code.find('"' + raw.group(1), i + len(raw.group(0)))
        return len(code) if end < 0 else end + 1 + len(raw.group(1))
    if code[i] == '"' or (code[i] == "'" and re.match(r"'(\\.|[^\\'])'", code[i:i + 12])):
        quote, j = code[i], i + 1
        while j < len(code) and code[j] != quote:
            j += 2 if code[j] == "\\" else 1
        return j + 1
    return i


def _matching(code: str, i: int, open_: str = "{", close: str = "}") -> int:
    """The index after the bracket closing the one at ``i``, skipping strings and comments; -1 if none."""
    depth = 0
    while i < len(code):
        j = _skip_literal(code, i)
        if j != i:
            i = j
            continue
        if code[i] == open_:
            depth += 1
        elif code[i] == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _literal_spans(code: str) -> list[tuple[int, int]]:
    """Where the comments and string literals of ``code`` are, as (start, end) spans."""
    spans, i = [], 0
    while i < len(code):
        j = _skip_literal(code, i)
        if j != i:
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _definition(code: str, language: str, short: str) -> str | None:
    """The parameter list of the entry point's definition with a body (a declaration ending in ``;`` or a
    call is not one); None when the code has no such definition."""
    if language == "cpp":
        head, after = rf"(?<![\w:.])(?:\w+::)*{re.escape(short)}\s*\(", r"[^;{}()]*\{"
    else:
        head, after = rf"\bfn\s+{re.escape(short)}\b\s*(?:<[^{{;()]*?>)?\s*\(", r"[^;{}]*\{"
    quoted = _literal_spans(code)
    for match in re.finditer(head, code):
        if any(start <= match.start() < end for start, end in quoted):
            continue  # a call in a comment (a prompt's "For example: f(x) == {...}") or a string
        close = _matching(code, match.end() - 1, "(", ")")
        body = re.match(after, code[close:]) if close > 0 else None
        if body is not None and _matching(code, close + body.end() - 1) > 0:
            return code[match.end():close - 1]
    return None


def _split_parameters(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _drop_items(code: str, language: str) -> str:
    """Code without a ``main`` function or a Rust ``#[cfg(test)]`` module: the judge brings its own."""
    patterns = [r"^[ \t]*(?:pub\s+)?fn\s+main\s*\(\s*\)[^{;]*\{", r"^[ \t]*#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+\w+\s*\{"]
    if language == "cpp":
        patterns = [r"^[ \t]*(?:int|void|auto)\s+main\s*\([^)]*\)[^{;]*\{"]
    for pattern in patterns:
        while True:
            match = re.search(pattern, code, re.M)
            if not match:
                break
            end = _matching(code, match.end() - 1)
            if end < 0:
                break
            code = code[:match.start()] + code[end:].lstrip("\n")
    return code


_TYPE_ITEM = {
    "cpp": re.compile(r"^[ \t]*(?:template\s*<[^>]*>\s*)?(?:struct|class|union|enum(?:\s+class)?|using|typedef)\s+(\w+)", re.M),
    "rust": re.compile(r"^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|union|trait|type|const|static)\s+(\w+)", re.M),
}


# a function's head up to its name and parenthesis (its body, or the ``;`` of a declaration, follows); in C++ only
# at the start of a line (a statement inside a body is indented) and never a statement's keyword
_FUNCTION_ITEM = {
    "cpp": re.compile(r"^(?!(?:return|else|if|while|for|switch|case|do|delete|new|throw|goto)\b)"
                      r"(?:template\s*<[^>]*>\s*)?(?:[\w:<>,*&]+[ \t]+)+[*&]*(\w+)[ \t]*\(", re.M),
    "rust": re.compile(r"^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+|async\s+|unsafe\s+)*fn\s+(\w+)", re.M),
}


def _drop_defined(code: str, language: str, context: str, keep: str = "") -> str:
    """Code without the types, constants and functions the file already defines, but ``keep`` (the function
    asked for): a second definition does not compile, and the file's own is the one the rest of it means."""
    kind = "cpp" if language == "cpp" else "rust"
    for pattern in (_TYPE_ITEM[kind], _FUNCTION_ITEM[kind]):
        code = _drop_items_named(code, pattern, set(pattern.findall(context)) - {keep})
    return code


def _drop_items_named(code: str, pattern: re.Pattern, defined: set[str]) -> str:
    for match in reversed(list(pattern.finditer(code))):
        if match.group(1) not in defined:
            continue
        brace, semi = code.find("{", match.end()), code.find(";", match.end())
        if brace >= 0 and (semi < 0 or brace < semi):
            end = _matching(code, brace)
            end = end + 1 if end > 0 and code[end:end + 1] == ";" else end
        else:
            end = semi + 1 if semi >= 0 else -1
        if end > 0:
            code = code[:match.start()] + code[end:].lstrip("\n")
    return code


def _unwrap(code: str, opener: str, holding: str | None = None) -> str:
    """``code`` with the first block that ``opener`` starts (``verus! {``, ``impl Grid {``) replaced by its
    contents, when that block holds ``holding`` (a pattern; any block when None)."""
    for match in re.finditer(opener, code):
        end = _matching(code, match.end() - 1)
        if end < 0 or (holding is not None and not re.search(holding, code[match.end():end])):
            continue
        inner = textwrap.dedent(code[match.end():end - 1])
        after = re.sub(r"^[ \t]*//[^\n]*", "", code[end:], count=1)  # the customary `} // verus!`
        return code[:match.start()] + inner.strip("\n") + "\n" + after
    return code


def parse_native(text: str, problem) -> Reply:
    language, short = problem.language, problem.short_name
    context = (problem.context or "").replace(PROGRAM_MARK, "")
    for block in preferred(code_blocks(text, language), language, text):
        code = _unwrap(block, r"\bverus!\s*\{") if language == "verus" else block
        if language in ("rust", "verus") and "." in problem.name:  # a method goes into the file's impl block
            code = _unwrap(code, r"(?m)^[ \t]*impl\b[^{;]*\{", rf"\bfn\s+{re.escape(short)}\b")
        # a whole program (judged on stdin and stdout) keeps its main; elsewhere the judge brings its own
        code = _drop_defined(code if short == "main" else _drop_items(code, language), language, context, short)
        if language in ("rust", "verus"):  # a `use` the file already has would be defined twice
            present = {l.strip() for l in context.splitlines() if l.strip().startswith("use ")}
            code = "\n".join(l for l in code.splitlines() if l.strip() not in present)
        params = _definition(code, language, short)
        if params is None:
            continue
        return _check_native(code.strip("\n") + "\n", params, problem)
    declared = re.search(rf"\b{re.escape(short)}\s*\(", text)
    if declared and FENCE.search(text) is None and language == "cpp":
        return Reply(None, f"the reply has no {short} with a body")
    return Reply(None, f"the reply defines no function {short}")


def _check_native(code: str, params: str, problem) -> Reply:
    signature = problem.signature or ""
    open_at = signature.find("(", signature.find(problem.short_name) if problem.short_name in signature else 0)
    if open_at < 0:
        return Reply(code)
    depth, close_at = 0, -1
    for i in range(open_at, len(signature)):
        depth += signature[i] == "("
        depth -= signature[i] == ")"
        if depth == 0:
            close_at = i
            break
    if close_at < 0:
        return Reply(code)
    want = [p for p in _split_parameters(signature[open_at + 1:close_at]) if p and p != "void"]
    got = [p for p in _split_parameters(params) if p and p != "void"]
    if len(want) != len(got):
        return Reply(None, f"the reply's {problem.short_name} takes {len(got)} parameters but the signature has "
                           f"{len(want)}")
    return Reply(code)
