"""Model replies to programs: ``parse_reply(text, problem)`` finds the function the prompt asked for in
chatter, markdown fences, several code blocks, a whole module or bare code; keeps the imports and helpers it
needs and drops the rest (tests, ``__main__`` blocks, examples of use); checks its name and parameters; and
otherwise says why the reply is no program."""
from __future__ import annotations

import ast
import re
import textwrap

from seidr.synth.extract.python import placeholder
from seidr.synth.replies_native import parse_native
from seidr.synth.reply_blocks import FENCES, Reply, code_blocks, code_from_reply, preferred

__all__ = ["FENCES", "Reply", "code_blocks", "code_from_reply", "is_stub_def", "parse_reply", "signature_parameters"]
_MAX_REPAIRS = 60

def parse_reply(text: str, problem) -> Reply:
    if not isinstance(text, str) or not text.strip():
        return Reply(None, "the reply is empty")
    if problem.language == "python":
        return _python(text, problem)
    return parse_native(text, problem)


# --- Python ---------------------------------------------------------------------------------------------

def _interactive(block: str) -> str:
    """A block written as a console session (``>>> `` and ``... `` prompts) as plain code; output lines go."""
    lines = block.splitlines()
    if not next((l for l in lines if l.strip()), "").lstrip().startswith(">>>"):
        return block
    kept = [l.lstrip()[4:] for l in lines if l.lstrip().startswith((">>> ", "... ")) or l.strip() in (">>>", "...")]
    return "\n".join(kept)


def _statement_start(lines: list[str], n: int) -> int:
    while n > 0 and (not lines[n].strip() or lines[n][:1].isspace() or lines[n].lstrip().startswith(
            ("else", "elif", "except", "finally", ")", "]", "}"))):
        n -= 1
    while n > 0 and lines[n - 1].startswith("@"):
        n -= 1
    return n


def _statement_end(lines: list[str], n: int) -> int:
    n += 1
    while n < len(lines) and (not lines[n].strip() or lines[n][:1].isspace() or lines[n].lstrip().startswith(
            ("else", "elif", "except", "finally", ")", "]", "}"))):
        n += 1
    return n


def _module(block: str) -> tuple[ast.Module | None, list[str], str | None]:
    """The block's syntax tree after blanking the top-level statements that do not parse (prose between
    the code, a broken example); its lines; and the first syntax error, if there was one."""
    lines = textwrap.dedent(_interactive(block)).expandtabs(4).splitlines()
    first_error = None
    for _ in range(_MAX_REPAIRS):
        try:
            return ast.parse("\n".join(lines)), lines, first_error
        except SyntaxError as exc:
            first_error = first_error or f"{exc.msg} (line {exc.lineno})"
            line = min(max((exc.lineno or 1) - 1, 0), max(len(lines) - 1, 0))
            if not lines:
                break
            start, end = _statement_start(lines, line), _statement_end(lines, _statement_start(lines, line))
            if end <= line:
                end = line + 1
            if not any(lines[start:end]):
                break
            lines[start:end] = [""] * (end - start)
        except (ValueError, RecursionError, MemoryError) as exc:
            return None, lines, str(exc)
    return None, lines, first_error


def _segment(lines: list[str], node: ast.stmt) -> str:
    start = min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno]) - 1
    return textwrap.dedent("\n".join(lines[start:node.end_lineno]))


def _bound(node: ast.stmt) -> set[str]:
    """The top-level names a statement defines."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _free_names(node: ast.AST) -> set[str]:
    """Names a definition reads that it does not bind itself (parameters, assignments, loop variables)."""
    loaded, stored = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            (loaded if isinstance(n.ctx, ast.Load) else stored).add(n.id)
        elif isinstance(n, ast.arg):
            stored.add(n.arg)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            stored |= _bound(n)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not node:
            stored.add(n.name)
    return loaded - stored


def _calls(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name for n in ast.walk(node))


def _find_def(tree: ast.Module, short: str, owner: str | None):
    """The entry point's definition: the last top-level function of that name, else a method of that name
    (of class ``owner`` first); with the class it was found in."""
    defs = (ast.FunctionDef, ast.AsyncFunctionDef)
    named = [n for n in reversed(tree.body) if isinstance(n, defs) and n.name == short]
    if named:  # the last complete one: a scaffold after a finished definition is not the answer
        return next((n for n in named if not is_stub_def(n)), named[0]), None
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    for cls in sorted(classes, key=lambda c: c.name != owner):
        for node in cls.body:
            if isinstance(node, defs) and node.name == short:
                return node, cls
    return None, None


def is_stub_def(node) -> bool:
    """A definition still to be written: only a docstring, ``pass``, ``...`` or ``raise NotImplementedError``,
    as extraction tells a stub."""
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return all(placeholder(s) for s in body)


def _renamed(code: str, short: str, want: list[str]) -> str | None:
    """The code with the entry point's parameters renamed to the signature's, when only their names differ
    and no name in the body stands in the way; None otherwise."""
    tree = ast.parse(code)
    node, _ = _find_def(tree, short, None)
    args = node.args
    plain = args.posonlyargs + args.args
    if args.vararg or args.kwarg or args.kwonlyargs or len(plain) != len(want) or any("*" in w for w in want):
        return None
    mapping = {a.arg: w for a, w in zip(plain, want) if a.arg != w}
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {a.arg for a in plain}
    if any(w in used and w not in mapping for w in mapping.values()):
        return None
    for sub in ast.walk(node):
        if isinstance(sub, ast.arg) and sub.arg in mapping:
            sub.arg = mapping[sub.arg]
        elif isinstance(sub, ast.Name) and sub.id in mapping:
            sub.id = mapping[sub.id]
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and sub is not node:
            inner = {a.arg for a in sub.args.posonlyargs + sub.args.args + sub.args.kwonlyargs}
            if inner & set(mapping):  # a nested parameter of the same name: renaming would change it
                return None
    lines = code.splitlines()
    start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    return "\n".join(lines[:start] + ast.unparse(node).splitlines() + lines[node.end_lineno:]) + "\n"


def _parameters(args: ast.arguments) -> list[str]:
    names = [a.arg for a in args.posonlyargs + args.args]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    elif args.kwonlyargs:
        names.append("*")
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return names


def signature_parameters(signature: str) -> list[str] | None:
    """The parameter names of a Python ``def`` line (``*args``, ``*``, ``**kwargs`` marked); None if it is no
    ``def``."""
    text = textwrap.dedent(signature).strip()
    if not text:
        return None
    if not text.endswith(":"):
        text += ":"
    try:
        tree = ast.parse(text + "\n    ...\n")
    except SyntaxError:
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return _parameters(node.args)


def _context_names(problem) -> set[str]:
    """Top-level names the user's own module defines (the program runs after it, so it need not repeat them)."""
    try:
        tree = ast.parse(problem.context or "")
    except (SyntaxError, ValueError):
        return set()
    return {name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            for name in _bound(node)}


def _whole_program(problem) -> bool:
    examples = tuple(problem.examples) + tuple(problem.hidden_tests)
    return bool(examples) and all(e.kind == "io" for e in examples)


def _wrap_body(block: str, problem) -> str | None:
    """A reply that is only a function body (``return x + 1``) under the problem's own signature."""
    signature = textwrap.dedent(problem.signature or "").strip()
    if not signature.startswith(("def ", "async def ")) or not block.strip():
        return None
    try:
        compile(textwrap.dedent(block), "<reply>", "exec")
        return None  # a module of its own, not a body
    except SyntaxError as exc:
        if "outside function" not in (exc.msg or ""):
            return None
    body = textwrap.indent(textwrap.dedent(block).strip("\n"), "    ")
    code = f"{signature}\n{body}\n"
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    func = tree.body[0]
    if not any(isinstance(n, ast.Return) for n in ast.walk(func)):
        return None
    return code


def _python(text: str, problem) -> Reply:
    short = problem.short_name
    owner = problem.name.rsplit(".", 1)[0] if "." in problem.name else None
    blocks = code_blocks(text, "python")
    parsed = [(*_module(b), b) for b in blocks]
    found = None
    errors = []
    for tree, lines, error, block in [parsed[blocks.index(b)] for b in preferred(blocks, "python", text)]:
        if error:
            errors.append(error)
        if tree is None:
            continue
        node, cls = _find_def(tree, short, owner)
        if node is not None and (found is None or is_stub_def(found[2])):
            found = (tree, lines, node, cls)
            if not is_stub_def(node):
                break
    if found is None and _whole_program(problem):
        scripts = [b for tree, _, _, b in parsed if tree is not None and tree.body]
        if scripts:  # a program judged on stdin and stdout may be a plain script, as such programs often are
            return Reply(scripts[-1].strip("\n") + "\n")
    if found is None:
        for block in blocks:
            wrapped = _wrap_body(block, problem)
            if wrapped:
                return _check(wrapped, problem)
        return Reply(None, _no_function_reason(text, parsed, short, errors))
    tree, lines, entry, cls = found
    if cls is not None and owner is None:
        return Reply(None, f"the reply defines {short} only as a method of class {cls.name}, not as a function")

    # definitions from every block, the entry's own block last so its definitions win
    pool: dict[str, tuple[int, ast.stmt, list[str]]] = {}
    order = 0
    for other, other_lines, _, _ in [p for p in parsed if p[0] is not None and p[0] is not tree] + [found[:2] + (None, None)]:
        for node in other.body:
            if node is entry:
                continue
            for name in _bound(node):
                pool[name] = (order, node, other_lines)
            order += 1
    have = _context_names(problem) - {short}
    keep: dict[int, tuple[int, ast.stmt, list[str]]] = {}
    todo = list(_free_names(entry))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name == short:
            continue
        seen.add(name)
        if name not in pool or (name in have and not isinstance(pool[name][1], (ast.Import, ast.ImportFrom))):
            continue
        position, node, node_lines = pool[name]
        if _calls(node, short) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # ``result = f(3)``: an example of use, not something the function needs
        keep[id(node)] = (position, node, node_lines)
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            todo.extend(_free_names(node))
    kept = sorted(keep.values(), key=lambda item: item[0])
    futures = [_segment(lines, n) for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    imports = [_segment(l, n) for _, n, l in kept if isinstance(n, (ast.Import, ast.ImportFrom))
               and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    others = [_segment(l, n) for _, n, l in kept if not isinstance(n, (ast.Import, ast.ImportFrom))]
    # imports inside the class the method came from are not seen above; the module's imports are
    head = "\n".join(dict.fromkeys(futures + imports))
    parts = [p for p in (head, *others, _segment(lines, entry)) if p]
    return _check("\n\n\n".join(parts) + "\n", problem)


def _no_function_reason(text: str, parsed, short: str, errors: list[str]) -> str:
    named = re.search(rf"\bdef\s+{re.escape(short)}\s*\(", text)
    if named and errors:
        return f"the reply's {short} does not parse: {errors[0]}"
    others = sorted({n.name for tree, *_ in parsed if tree is not None for n in tree.body
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))})
    if others:
        return f"the reply defines no function {short} (it defines {', '.join(others[:4])})"
    if errors and any("```" in text or "def " in b for *_, b in parsed):
        return f"the reply's code does not parse: {errors[0]}"
    return f"the reply defines no function {short}"


def _check(code: str, problem) -> Reply:
    """The program if its entry point takes the parameters the problem's signature names."""
    want = signature_parameters(problem.signature or "")
    if want is None:
        return Reply(code)
    tree = ast.parse(code)
    node, _ = _find_def(tree, problem.short_name, None)
    got = _parameters(node.args) if node is not None else None
    if got is None or got == want:
        return Reply(code)
    renamed = _renamed(code, problem.short_name, want)
    if renamed is not None:  # the same function with its parameters named as the user named them
        return Reply(renamed)
    return Reply(None, f"the reply's {problem.short_name} takes ({', '.join(got)}) but the signature is "
                       f"({', '.join(want)})")
