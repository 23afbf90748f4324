"""Reports over benchmark runs: pass@k, hidden-test pass rate of the offered program, overfit rate, the precision
of "solved" (hidden pass rate among attempts reported solved), spend;
as a terminal table, CSV and JSON files, and a PNG plot of pass rate against model calls spent."""

from __future__ import annotations

import csv
import json
import os
import statistics
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

from seidr.synth.bench.passk import mean_pass_at_k

RESULTS = "results.jsonl"


def read_records(folder: str) -> list[dict]:
    """Every finished attempt of a run folder, one per (problem, sample)."""
    path = os.path.join(folder, RESULTS)
    if not os.path.isfile(path):
        return []
    records = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut short by an interrupted run: that attempt runs again
                continue
    return records


@dataclass
class RunSummary:
    run: str
    strategy: str
    model: str
    problems: int
    attempts: int
    pass_at: dict[int, float | None] = field(default_factory=dict)
    hidden_pass_rate: float = 0.0  # of the offered (top-ranked) program, over attempts
    visible_pass_rate: float = 0.0
    overfit_rate: float = 0.0  # passed the visible examples, failed hidden tests, over those visible passes
    mean_cost: float = 0.0  # per problem, all its attempts together
    mean_seconds: float = 0.0
    mean_calls: float = 0.0
    reported_solved: int = 0  # attempts whose program seidr reported solved (not ambiguous, not unsolved)
    solved_precision: float | None = None  # hidden pass rate among those: what "solved" is worth
    curve: list[tuple[int, float]] = field(default_factory=list)  # (model calls, share of problems solved)


def summarize(folder: str, ks: Sequence[int] = (1, 10, 100)) -> RunSummary:
    records = read_records(folder)
    per_problem: dict[str, list[dict]] = {}
    for r in records:
        per_problem.setdefault(r["task_id"], []).append(r)
    counts = [(len(rs), sum(bool(r.get("hidden_passed")) for r in rs)) for rs in per_problem.values()]
    visible = [r for r in records if r.get("visible_passed")]
    first = records[0] if records else {}
    summary = RunSummary(
        run=os.path.basename(os.path.abspath(folder)),
        strategy=first.get("strategy", "?"),
        model=first.get("model", "?"),
        problems=len(per_problem),
        attempts=len(records),
        pass_at={k: mean_pass_at_k(counts, k) for k in ks},
        hidden_pass_rate=_share(r.get("hidden_passed") for r in records),
        visible_pass_rate=_share(r.get("visible_passed") for r in records),
        overfit_rate=_share(not r.get("hidden_passed") for r in visible),
        mean_cost=_per_problem(per_problem, "cost"),
        mean_seconds=_per_problem(per_problem, "seconds"),
        mean_calls=_per_problem(per_problem, "calls"),
    )
    solved = [r for r in records if r.get("solved")]
    summary.reported_solved = len(solved)
    summary.solved_precision = _share(r.get("hidden_passed") for r in solved) if solved else None
    summary.curve = _curve(records)
    return summary


def _per_problem(per_problem: dict[str, list[dict]], key: str) -> float:
    """What a problem cost in all its attempts, averaged over problems."""
    return _mean(sum(float(r.get(key) or 0) for r in rs) for rs in per_problem.values())


def _share(flags: Iterable) -> float:
    values = [bool(f) for f in flags]
    return sum(values) / len(values) if values else 0.0


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.fmean(values) if values else 0.0


def _curve(records: Sequence[dict]) -> list[tuple[int, float]]:
    """Share of attempts whose offered program passes hidden tests when the search is cut at N calls."""
    if not records:
        return []
    solved_at = [r.get("solved_at_calls") for r in records if r.get("hidden_passed")]
    top = max([r.get("calls", 0) for r in records] + [c for c in solved_at if c is not None] + [1])
    return [(n, sum(1 for c in solved_at if c is not None and c <= n) / len(records)) for n in range(0, top + 1)]


def write_reports(summaries: Sequence[RunSummary], out: str) -> list[str]:
    """CSV, JSON and a PNG plot into ``out``; returns the paths written."""
    os.makedirs(out, exist_ok=True)
    ks = sorted({k for s in summaries for k in s.pass_at})
    csv_path = os.path.join(out, "report.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["run", "strategy", "model", "problems", "attempts", *[f"pass@{k}" for k in ks],
                         "hidden_pass_rate", "overfit_rate", "reported_solved", "solved_precision", "mean_cost_usd",
                         "mean_seconds", "mean_calls"])
        for s in summaries:
            writer.writerow([s.run, s.strategy, s.model, s.problems, s.attempts,
                             *["" if s.pass_at.get(k) is None else round(s.pass_at[k], 4) for k in ks],
                             round(s.hidden_pass_rate, 4), round(s.overfit_rate, 4), s.reported_solved,
                             "" if s.solved_precision is None else round(s.solved_precision, 4), round(s.mean_cost, 6),
                             round(s.mean_seconds, 3), round(s.mean_calls, 2)])
    json_path = os.path.join(out, "report.json")
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump([asdict(s) for s in summaries], fh, indent=2)
    png_path = os.path.join(out, "pass_rate_vs_calls.png")
    _plot(summaries, png_path)
    return [csv_path, json_path, png_path]


def _plot(summaries: Sequence[RunSummary], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for s in summaries:
        if s.curve:
            xs, ys = zip(*s.curve)
            ax.step(xs, ys, where="post", marker="o", markersize=3, label=f"{s.run} ({s.strategy})")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("model calls spent")
    ax.set_ylabel("hidden-test pass rate")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def table(summaries: Sequence[RunSummary]) -> "rich.table.Table":  # noqa: F821
    from rich.table import Table

    ks = sorted({k for s in summaries for k in s.pass_at})
    t = Table(title="seidr bench report")
    for column in ["run", "strategy", "problems", *[f"pass@{k}" for k in ks], "hidden pass", "overfit",
                   "solved (precision)", "cost/problem", "time/problem", "calls/problem"]:
        t.add_column(column, justify="left" if column in ("run", "strategy") else "right")
    for s in summaries:
        t.add_row(s.run, s.strategy, str(s.problems),
                  *["-" if s.pass_at.get(k) is None else f"{s.pass_at[k]:.3f}" for k in ks],
                  f"{s.hidden_pass_rate:.3f}", f"{s.overfit_rate:.3f}",
                  f"{s.reported_solved} ({'-' if s.solved_precision is None else f'{s.solved_precision:.3f}'})",
                  f"${s.mean_cost:.4f}",
                  f"{s.mean_seconds:.1f}s", f"{s.mean_calls:.1f}")
    return t
