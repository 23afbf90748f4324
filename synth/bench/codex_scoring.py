"""Scoring Codex Runner results as the reference does: a test strategy scores one test case (``exact``,
``fuzzy``, ``fuzzy_w_cutoff``), a scoring strategy combines a question's completions (``basic``, ``expected``,
``finite-expected``, ``all-or-nothing``), and the CSV has one row per question with aggregate columns."""

from __future__ import annotations

import csv
import statistics
from typing import Callable, Sequence

from seidr.synth.bench.codex_batch import README, Completion, Question

FUZZY_CUTOFF = 90
# the penalty for each further attempt in the reference's Moodle-CodeRunner scheme
_PENALTIES = [1.0, 1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5]


def _lcs(a: str, b: str) -> int:
    """The longest common subsequence of two strings, by the bit-parallel method (one big-int pass per character)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    masks: dict[str, int] = {}
    for i, char in enumerate(a):
        masks[char] = masks.get(char, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for char in b:
        match = row & masks.get(char, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - bin(row).count("1")


def similarity(expected: str, got: str) -> float:
    """The normalised Indel similarity (0-100) that the reference's ``fuzz.ratio`` reports."""
    total = len(expected) + len(got)
    return 100.0 if total == 0 else 200.0 * _lcs(expected, got) / total


def exact(expected: str, got: str) -> float:
    return float(expected.strip() == got.strip())


def fuzzy(expected: str, got: str) -> float:
    return similarity(expected.strip(), got.strip()) / 100


def fuzzy_w_cutoff(expected: str, got: str) -> float:
    return float(similarity(expected.strip(), got.strip()) >= FUZZY_CUTOFF)


TEST_STRATEGIES: dict[str, Callable[[str, str], float]] = {
    "exact": exact, "fuzzy_w_cutoff": fuzzy_w_cutoff, "fuzzy": fuzzy}


def test_scores(completion: Completion, strategy: str) -> list[float]:
    """One score per test case; a README-format completion keeps only its booleans, which score as exact."""
    if completion.runs:
        score = TEST_STRATEGIES[strategy]
        return [score(r.testcase.expect, r.got) for r in completion.runs]
    return [float(r) for r in completion.results]


def basic(completions: Sequence[Completion], strategy: str) -> list[float]:
    return [statistics.fmean(s) if (s := test_scores(c, strategy)) else 0.0 for c in completions]


def basic_by_question(questions: Sequence[Question], strategy: str) -> list[list[float]]:
    return [basic(q.completions, strategy) for q in questions]


def all_or_nothing(completions: Sequence[Completion], strategy: str) -> list[float]:
    return [float(bool(s) and all(x == 1 for x in s)) for s in (test_scores(c, strategy) for c in completions)]


def _expected(completions: Sequence[Completion], strategy: str, attempts: int | None) -> list[float]:
    wins = all_or_nothing(completions, strategy)
    if not wins:
        return [0.0]
    p = sum(wins) / len(wins)
    count = attempts if attempts is not None else len(wins) * 10
    return [sum(((1 - p) ** i) * p * _PENALTIES[min(i, len(_PENALTIES) - 1)] for i in range(count))]


def expected(completions: Sequence[Completion], strategy: str) -> list[float]:
    """The expected mark with unlimited attempts under the penalty scheme, from the all-or-nothing pass rate."""
    return _expected(completions, strategy, None)


def finite_expected(completions: Sequence[Completion], strategy: str) -> list[float]:
    return _expected(completions, strategy, len(_PENALTIES))


SCORING_STRATEGIES = {"basic": basic, "expected": expected, "finite-expected": finite_expected,
                      "all-or-nothing": all_or_nothing}


def question_rows(questions: Sequence[Question], fmt: str, test: str = "exact",
                  scoring: str = "basic") -> tuple[list[str], list[list[str]]]:
    """The reference's CSV: ``qid``, ``response 1..N``, then average, median, (stdev in the README format's
    report), min and max of the responses, every number to four places."""
    scores = [SCORING_STRATEGIES[scoring](q.completions, test) for q in questions]
    width = max((len(s) for s in scores), default=0)
    aggregates = ["average", "median", *(["stdev"] if fmt == README else []), "min", "max"]
    header = ["qid", *(f"response {i + 1}" for i in range(width)), *aggregates]
    rows = []
    for q, s in zip(questions, scores):
        values = {"average": statistics.fmean(s) if s else 0.0, "median": statistics.median(s) if s else 0.0,
                  "stdev": statistics.stdev(s) if len(s) > 1 else 0.0, "min": min(s, default=0.0),
                  "max": max(s, default=0.0)}
        cells = [f"{v:.4f}" for v in s] + [""] * (width - len(s))
        rows.append([q.id, *cells, *(f"{values[a]:.4f}" for a in aggregates)])
    return header, rows


def completion_rows(questions: Sequence[Question], test: str = "exact") -> tuple[list[str], list[list]]:
    """seidr's own CSV: a row per completion (its basic score) beside its question's statistics."""
    header = ["id", "completion", "pass_ratio", "mean", "median", "stdev", "min", "max"]
    rows = []
    for q in questions:
        ratios = basic(q.completions, test)
        stats = [statistics.fmean(ratios) if ratios else 0.0, statistics.median(ratios) if ratios else 0.0,
                 statistics.stdev(ratios) if len(ratios) > 1 else 0.0, min(ratios, default=0.0),
                 max(ratios, default=0.0)]
        for index, ratio in enumerate(ratios):
            rows.append([q.id, index, round(ratio, 4), *(round(v, 4) for v in stats)])
        if not ratios:
            rows.append([q.id, "", "", *(round(v, 4) for v in stats)])
    return header, rows


def write_csv(path: str, header: list[str], rows: list[list]) -> None:
    from seidr.synth.bench.codex_batch import BatchError

    try:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        raise BatchError(f"{path}: cannot write it ({exc.strerror}); choose a folder you can write to") from None
