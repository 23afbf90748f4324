"""``seidr batch generate|test|report``: Codex-Runner-compatible TOML batches."""

from __future__ import annotations

import argparse

HELP = "generate, test and summarise Codex-Runner-style TOML batches"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="batch_command", metavar="STEP", required=True)
    gen = sub.add_parser("generate", help="sample completions for every question")
    gen.add_argument("questions", metavar="QUESTIONS.toml")
    gen.add_argument("out", metavar="OUT.toml")
    gen.add_argument("--n", type=int, default=10, help="completions per question (default 10)")
    gen.add_argument("--max-tokens", type=int, default=256)
    gen.add_argument("--temperature", type=float, default=0.9)
    gen.add_argument("--model", help="a litellm model name (default: the configured seidr.model)")
    gen.add_argument("--api-base", help="an OpenAI-compatible base URL")
    gen.add_argument("--no-cache", action="store_true", help="ask the model again even for cached prompts")
    test = sub.add_parser("test", help="run every completion against its question's test cases in the sandbox")
    test.add_argument("batch", metavar="BATCH.toml")
    test.add_argument("out", metavar="TESTED.toml")
    test.add_argument("--seconds", type=float, default=5.0, help="time limit per test case (default 5)")
    report = sub.add_parser("report", help="write each completion's pass ratio and per-question statistics")
    report.add_argument("tested", metavar="TESTED.toml")
    report.add_argument("csv", metavar="results.csv")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from seidr.cli import UsageError
    from seidr.synth.bench import codex_batch

    try:
        questions = codex_batch.load_questions(getattr(args, "questions", None) or getattr(args, "batch", None)
                                               or args.tested)
    except codex_batch.BatchError as exc:
        raise UsageError(str(exc)) from None

    if args.batch_command == "generate":
        asyncio.run(_generate(questions, args))
        codex_batch.dump_questions(questions, args.out)
        print(f"wrote {sum(len(q.completions) for q in questions)} completions to {args.out}")
    elif args.batch_command == "test":
        from seidr.runners.limits import Limits

        asyncio.run(codex_batch.test_questions(questions, Limits(program_seconds=args.seconds)))
        codex_batch.dump_questions(questions, args.out)
        passed = sum(all(c.results) and bool(c.results) for q in questions for c in q.completions)
        total = sum(len(q.completions) for q in questions)
        print(f"{passed}/{total} completions pass every test case; wrote {args.out}")
    else:
        rows = codex_batch.write_report(questions, args.csv)
        for q in questions:
            ratios = [c.pass_ratio for c in q.completions]
            mean = sum(ratios) / len(ratios) if ratios else 0.0
            print(f"{q.id}: {len(ratios)} completions, mean pass ratio {mean:.2f}")
        print(f"wrote {len(rows)} rows to {args.csv}")
    return 0


def _model_layer():
    """The model class and its error: ``seidr.synth.models`` once it is in the tree, the stopgap before."""
    import importlib

    try:
        module = importlib.import_module("seidr.synth.models")
    except ModuleNotFoundError as exc:
        if exc.name != "seidr.synth.models":
            raise
        from seidr.synth.fallbacks import part

        return part("Model"), part("ModelError")
    return module.Model, module.ModelError


async def _generate(questions, args) -> None:
    from seidr.cli import UsageError
    from seidr.synth.bench.codex_batch import Completion, completion_text
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
    Model, ModelError = _model_layer()
    model = Model.from_settings(settings)
    try:
        for q in questions:
            replies = await model.sample([{"role": "user", "content": q.prompt}], args.n,
                                         temperature=args.temperature, salt=q.id)
            q.completions.extend(Completion(completion_text(getattr(r, "text", r))) for r in replies)
    except ModelError as exc:
        raise UsageError(str(exc)) from None
