"""``seidr batch generate|test|report``: Codex Runner's question files, under its command names old and new
(``gen``/``test``/``summary`` and ``generate-completions``/``run-tests``/``write-results``)."""

from __future__ import annotations

import argparse

HELP = "generate, test and summarise Codex-Runner-style TOML batches"
# each step, with the names Codex Runner's README and its current version give it
STEPS = {"generate": ("gen", "generate-completions"), "test": ("run-tests", "check"),
         "report": ("summary", "write-results")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="batch_command", metavar="STEP", required=True)
    gen = sub.add_parser("generate", aliases=STEPS["generate"], help="sample completions for every question")
    gen.add_argument("questions", metavar="QUESTIONS.toml")
    gen.add_argument("out", metavar="OUT.toml")
    gen.add_argument("--n", type=int, default=10, help="completions per question (default 10)")
    gen.add_argument("--max-tokens", type=int, default=256)
    gen.add_argument("--temperature", "--temp", dest="temperature", type=float, default=0.9)
    gen.add_argument("--model", help="a litellm model name (default: the configured seidr.model)")
    gen.add_argument("--api-base", help="an OpenAI-compatible base URL")
    gen.add_argument("--no-cache", action="store_true", help="ask the model again even for cached prompts")
    test = sub.add_parser("test", aliases=STEPS["test"],
                          help="run every completion against its question's test cases in the sandbox")
    test.add_argument("batch", metavar="BATCH.toml")
    test.add_argument("out", metavar="TESTED.toml")
    test.add_argument("--seconds", type=float, default=5.0, help="time limit per test case (default 5)")
    report = sub.add_parser("report", aliases=STEPS["report"],
                            help="write a CSV of scores: a row per question (Codex Runner's), or per completion")
    report.add_argument("tested", metavar="TESTED.toml")
    report.add_argument("csv", metavar="results.csv")
    report.add_argument("--test-strat", choices=["exact", "fuzzy_w_cutoff", "fuzzy"], default="exact",
                        help="how one test case is scored (default exact)")
    report.add_argument("--scoring-strat", choices=["basic", "expected", "finite-expected", "all-or-nothing"],
                        default="basic", help="how a question's completions are combined (default basic)")
    report.add_argument("--per-completion", action="store_true",
                        help="seidr's CSV instead: a row per completion beside its question's statistics")


def _step(name: str) -> str:
    return next(step for step, aliases in STEPS.items() if name == step or name in aliases)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from seidr.cli import UsageError
    from seidr.synth.bench import codex_batch

    step = _step(args.batch_command)
    try:
        batch = codex_batch.load_batch(getattr(args, "questions", None) or getattr(args, "batch", None)
                                       or args.tested)
        if step == "generate":
            if batch.format is None:  # the README spelled the step this way and stored completions its way
                batch.format = codex_batch.README if args.batch_command in ("generate", "generate-completions") \
                    else codex_batch.CURRENT
            asyncio.run(_generate(batch.questions, args))
            codex_batch.dump_batch(batch, args.out)
            print(f"wrote {sum(len(q.completions) for q in batch.questions)} completions to {args.out}")
        elif step == "test":
            from seidr.runners.limits import Limits
            from seidr.synth.bench.codex_run import test_questions

            batch.format = batch.format or codex_batch.CURRENT
            asyncio.run(test_questions(batch.questions, Limits(program_seconds=args.seconds)))
            codex_batch.dump_batch(batch, args.out)
            passed = sum(all(c.results) and bool(c.results) for q in batch.questions for c in q.completions)
            total = sum(len(q.completions) for q in batch.questions)
            print(f"{passed}/{total} completions pass every test case; wrote {args.out}")
        else:
            _report(batch, args)
    except codex_batch.BatchError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _report(batch, args) -> None:
    from seidr.synth.bench import codex_scoring

    if args.per_completion:
        header, rows = codex_scoring.completion_rows(batch.questions, args.test_strat)
    else:
        header, rows = codex_scoring.question_rows(batch.questions, batch.format or "current", args.test_strat,
                                                   args.scoring_strat)
    codex_scoring.write_csv(args.csv, header, rows)
    for q, scores in zip(batch.questions, codex_scoring.basic_by_question(batch.questions, args.test_strat)):
        mean = sum(scores) / len(scores) if scores else 0.0
        print(f"{q.id}: {len(scores)} completions, mean score {mean:.2f} ({args.test_strat})")
    print(f"wrote {len(rows)} rows to {args.csv}")


async def _generate(questions, args) -> None:
    from seidr.cli import UsageError
    from seidr.synth.bench.codex_batch import Completion, completion_text
    from seidr.synth.models import Model, ModelError
    from seidr.synth.settings import load_settings, read_config_file

    file_layer, problems = read_config_file(".")
    overrides = {"maxTokens": args.max_tokens, "cache": not args.no_cache}
    if args.model:
        overrides["model"] = args.model
    if args.api_base:
        overrides["apiBase"] = args.api_base
    settings, bad = load_settings(file_layer, overrides)
    for message in bad:
        if message.startswith(("seidr.maxTokens", "seidr.model", "seidr.apiBase")):
            raise UsageError(message)
    if not settings.model:
        raise UsageError("no model configured; pass --model (e.g. openai/gpt-4o-mini) or set [tool.seidr] model")
    model = Model.from_settings(settings)
    try:
        for q in questions:
            replies = await model.sample([{"role": "user", "content": q.model_prompt()}], args.n,
                                         temperature=args.temperature, salt=q.id)
            q.completions.extend(Completion(q.with_preload(completion_text(getattr(r, "text", r))))
                                 for r in replies)
    except ModelError as exc:
        raise UsageError(str(exc)) from None
