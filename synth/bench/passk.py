"""The unbiased pass@k estimator of Chen et al. (2021): 1 - C(n-c, k) / C(n, k), computed stably."""

from __future__ import annotations

from typing import Iterable


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of ``k`` samples drawn from ``n`` (of which ``c`` are correct) passes."""
    if n < 1 or k < 1:
        raise ValueError("pass@k needs n >= 1 and k >= 1")
    if not 0 <= c <= n:
        raise ValueError(f"correct count {c} is outside 0..{n}")
    if k > n:
        raise ValueError(f"cannot estimate pass@{k} from {n} samples")
    if n - c < k:
        return 1.0
    # prod_{i=n-c+1}^{n} (1 - k/i), the product form avoids huge binomials.
    result = 1.0
    for i in range(n - c + 1, n + 1):
        result *= 1.0 - k / i
    return 1.0 - result


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float | None:
    """Mean pass@k over problems given as (n samples, c correct); problems with fewer than k samples are
    left out. None when no problem qualifies."""
    values = [pass_at_k(n, c, k) for n, c in counts if n >= k]
    return sum(values) / len(values) if values else None
