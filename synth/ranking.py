"""Ranking of judged programs: score or lexicase selection, test anchors, ties to simpler programs."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from seidr.runners.program import Program
from seidr.runners.verdict import Verdict


@dataclass(frozen=True)
class Candidate:
    program: Program
    verdict: Verdict
    # True when this repair fails an example its parent passed (a broken test anchor).
    broke_anchor: bool = False

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    @property
    def score(self) -> float:
        return self.verdict.score

    def explain(self) -> str:
        """One line: how many examples pass and the first failure."""
        v = self.verdict
        if v.error:
            return f"does not run: {v.error.strip().splitlines()[-1] if v.error.strip() else 'error'}"
        head = f"{v.n_passed}/{v.n_total} examples pass"
        if v.failures:
            first = v.failures[0]
            head += f"; {first.example.describe()}: {first.summary()}"
        if self.broke_anchor:
            head += "; breaks an example its parent passed"
        return head


@dataclass
class Ranking:
    """The programs a search judged, best first, why it stopped and what it spent."""

    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    spend: dict = field(default_factory=dict)
    # program id -> how many candidates behaved the same on extra inputs (mbr only)
    agreement: dict = field(default_factory=dict)
    # set when programs that pass every example behave differently elsewhere (``seidr.synth.ambiguity``)
    ambiguity: object | None = None
    # the model service failed (unreachable, timing out, erring), as opposed to a setup it refused
    service_failed: bool = False

    @property
    def ambiguous(self) -> bool:
        return self.ambiguity is not None

    @property
    def pinned(self) -> bool:
        """Solved, and the examples pin the program down: what "solved" promises."""
        return self.solved and not self.ambiguous

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def solved(self) -> bool:
        return bool(self.candidates) and self.candidates[0].passed

    @property
    def passing(self) -> list[Candidate]:
        return [c for c in self.candidates if c.passed]


def simplicity(program: Program) -> tuple[int, int]:
    """Smaller is simpler: non-blank lines, then characters."""
    lines = [l for l in program.code.splitlines() if l.strip()]
    return (len(lines), len(program.code))


def broke_anchor(child: Verdict, parent: Verdict | None) -> bool:
    if parent is None or parent.error is not None:
        return False
    before = {i for i, r in enumerate(parent.results) if r.passed}
    return any(i < len(child.results) and not child.results[i].passed for i in before) or (
        bool(before) and child.error is not None
    )


def _key(c: Candidate) -> tuple:
    return (not c.passed, c.broke_anchor, -c.score, simplicity(c.program))


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Passing first, then programs that kept their test anchors, then score, then the simpler one.

    An anchor-breaking repair thus always ranks below a parent with the same or lower score."""
    return sorted(candidates, key=_key)


def lexicase(candidates: list[Candidate], k: int, rng: random.Random) -> list[Candidate]:
    """Pick ``k`` distinct parents by lexicase selection over per-example outcomes."""
    pool = [c for c in candidates if c.verdict.results]
    if not pool:
        return rank(candidates)[:k]
    chosen: list[Candidate] = []
    n = len(pool[0].verdict.results)
    for _ in range(k * 4):
        if len(chosen) >= k or len(chosen) >= len(pool):
            break
        survivors = [c for c in pool if c not in chosen] or pool
        order = list(range(n))
        rng.shuffle(order)
        for i in order:
            keep = [c for c in survivors if i < len(c.verdict.results) and c.verdict.results[i].passed]
            if keep:
                survivors = keep
            if len(survivors) == 1:
                break
        pick = rank(survivors)[0]
        if pick not in chosen:
            chosen.append(pick)
    for c in rank(candidates):  # fill up deterministically if lexicase kept picking the same
        if len(chosen) >= k:
            break
        if c not in chosen:
            chosen.append(c)
    return chosen


def select(candidates: list[Candidate], k: int, method: str, rng: random.Random) -> list[Candidate]:
    return lexicase(candidates, k, rng) if method == "lexicase" else rank(candidates)[:k]
