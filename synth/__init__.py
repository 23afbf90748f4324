"""The engine, editor-agnostic: the problem model, example extraction, models, prompts, strategies, ranking."""
