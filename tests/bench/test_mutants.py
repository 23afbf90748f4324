"""Mutant pools: plausible single edits of a canonical solution, the same for the same seed."""

import ast

from seidr.synth.bench.mutants import mutants

CANONICAL = '''
def below_zero(operations):
    balance = 0
    for op in operations:
        balance += op
        if balance < 0:
            return True
    return False
'''


def test_same_seed_same_pool_and_other_seed_other_order():
    first = mutants(CANONICAL, count=10, seed=3)
    assert first == mutants(CANONICAL, count=10, seed=3)
    assert [c for _, c in mutants(CANONICAL, count=10, seed=4)] != [c for _, c in first]


def test_every_mutant_compiles_differs_and_is_unique():
    pool = mutants(CANONICAL, count=30, seed=0)
    codes = [code for _, code in pool]
    assert len(codes) == len(set(codes)) >= 6
    original = ast.unparse(ast.parse(CANONICAL))
    for code in codes:
        compile(code, "<mutant>", "exec")
        assert code != original


def test_mutants_change_behaviour_the_way_their_kind_says():
    pool = dict((code, kind) for kind, code in mutants(CANONICAL, count=50, seed=0))
    kinds = set(pool.values())
    assert {"operator", "comparison", "constant", "dropped-branch"} <= kinds
    namespace: dict = {}
    exec(next(c for c, k in pool.items() if "balance -= op" in c), namespace)
    assert namespace["below_zero"]([-1]) is False  # the swapped operator inverts the running balance
