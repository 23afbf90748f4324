"""pass@k: the unbiased estimator against values computed by hand from binomials."""

from math import comb

import pytest

from seidr.synth.bench.passk import mean_pass_at_k, pass_at_k


@pytest.mark.parametrize("n,c,k", [(10, 3, 1), (10, 3, 5), (20, 1, 10), (200, 37, 100), (5, 4, 2)])
def test_matches_the_binomial_definition(n, c, k):
    assert pass_at_k(n, c, k) == pytest.approx(1 - comb(n - c, k) / comb(n, k))


def test_edge_cases():
    assert pass_at_k(5, 0, 1) == 0.0
    assert pass_at_k(5, 5, 1) == 1.0
    assert pass_at_k(5, 2, 4) == 1.0  # any 4 of 5 must include a correct one
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_mean_leaves_out_problems_with_too_few_samples():
    assert mean_pass_at_k([(10, 3), (10, 0), (1, 1)], 5) == pytest.approx((pass_at_k(10, 3, 5) + 0.0) / 2)
    assert mean_pass_at_k([(1, 1)], 5) is None
