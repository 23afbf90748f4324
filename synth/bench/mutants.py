"""Pools of plausible wrong programs made from a canonical solution by single AST mutations.

Used by ``seidr bench mutants`` to measure rankings with no model: each ranking picks one program of the
pool from the visible examples alone, and the pick is judged on the hidden tests.
"""

from __future__ import annotations

import ast
import copy
import random
from typing import Callable, Iterator

_BINOP_SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.FloorDiv: ast.Mod, ast.Mod: ast.FloorDiv,
    ast.Div: ast.Mult, ast.Pow: ast.Mult,
}
_CMP_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}

# A site is (kind, index among nodes of a walk); each mutation edits one node of a fresh copy.
Mutation = Callable[[ast.AST], bool]


def _operators(node: ast.AST) -> bool:
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _BINOP_SWAPS:
        node.op = _BINOP_SWAPS[type(node.op)]()
        return True
    return False


def _comparisons(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare) and type(node.ops[0]) in _CMP_SWAPS:
        node.ops[0] = _CMP_SWAPS[type(node.ops[0])]()
        return True
    if isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return True
    return False


def _constants(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        node.value = node.value + 1 if node.value in (0, -1) else node.value - 1
        return True
    if isinstance(node, ast.Constant) and type(node.value) is bool:
        node.value = not node.value
        return True
    return False


def _off_by_one(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and node.args:
        last = node.args[-1] if len(node.args) < 3 else node.args[1]
        index = node.args.index(last)
        node.args[index] = ast.BinOp(left=last, op=ast.Sub(), right=ast.Constant(1))
        return True
    if isinstance(node, ast.Slice) and node.upper is not None:
        node.upper = ast.BinOp(left=node.upper, op=ast.Add(), right=ast.Constant(1))
        return True
    return False


def _dropped_branches(node: ast.AST) -> bool:
    if isinstance(node, ast.If) and node.orelse:
        node.orelse = []
        return True
    if isinstance(node, ast.If):
        node.test = ast.Constant(False)
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        node.op = ast.UAdd()
        return True
    return False


MUTATIONS: dict[str, Mutation] = {
    "operator": _operators,
    "comparison": _comparisons,
    "constant": _constants,
    "off-by-one": _off_by_one,
    "dropped-branch": _dropped_branches,
}


def _sites(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for index, node in enumerate(ast.walk(tree)):
        for kind, mutate in MUTATIONS.items():
            if mutate(copy.deepcopy(node)):
                yield kind, index


def _apply(tree: ast.AST, kind: str, index: int) -> ast.AST:
    fresh = copy.deepcopy(tree)
    for position, node in enumerate(ast.walk(fresh)):
        if position == index:
            MUTATIONS[kind](node)
            break
    return ast.fix_missing_locations(fresh)


def mutants(source: str, count: int = 20, seed: int = 0) -> list[tuple[str, str]]:
    """Up to ``count`` distinct single-mutation variants of ``source`` as (kind, code), the same for the
    same seed. Variants that no longer compile, or that print the same as the original, are left out."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    sites = list(_sites(tree))
    random.Random(seed).shuffle(sites)
    seen = {original}
    out: list[tuple[str, str]] = []
    for kind, index in sites:
        if len(out) >= count:
            break
        try:
            code = ast.unparse(_apply(tree, kind, index))
            compile(code, "<mutant>", "exec")
        except (SyntaxError, ValueError, RecursionError):
            continue
        if code not in seen:
            seen.add(code)
            out.append((kind, code))
    return out
