"""Stopgap model-layer pieces (budget, completion, model error, prompt, reply parsing) used only while the
real modules (``budget``, ``models``, ``prompting``, ``replies``) are not in the tree; ``part`` prefers them."""
from __future__ import annotations

import importlib
import os
import re
import time
from dataclasses import dataclass
from string import Template

_REAL = {
    "Budget": "budget", "BudgetExhausted": "budget", "Completion": "models", "ModelError": "models",
    "render": "prompting", "parse_reply": "replies", "Model": "models",
}


def part(name: str):
    """The real ``seidr.synth.<module>.<name>`` when that module exists, else the stopgap below."""
    module = f"seidr.synth.{_REAL[name]}"
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return globals()[name]


class BudgetExhausted(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ModelError(Exception):
    """The model cannot be used (bad key, bad request); the message is one line for the user."""


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    cached: bool = False
    index: int = 0


class Budget:
    def __init__(self, calls=None, tokens=None, cost_usd=None, seconds=None):
        self.limits = {"calls": calls, "tokens": tokens, "cost_usd": cost_usd, "seconds": seconds}
        self.used = {"calls": 0, "tokens": 0, "cost_usd": 0.0}
        self.start = time.monotonic()

    @classmethod
    def from_settings(cls, budget):
        return cls(budget.calls, budget.tokens, budget.cost_usd, budget.seconds)

    def _spent(self) -> dict:
        return {**self.used, "seconds": time.monotonic() - self.start}

    @property
    def exhausted(self) -> str | None:
        spent = self._spent()
        for key, limit in self.limits.items():
            if limit is not None and spent[key] >= limit:
                return f"{key.replace('_usd', '')} {spent[key]:g} of {limit:g}"
        return None

    def check(self) -> None:
        reason = self.exhausted
        if reason:
            raise BudgetExhausted(reason)

    def charge(self, calls: int = 0, tokens: int = 0, cost: float = 0.0) -> None:
        self.used["calls"] += calls
        self.used["tokens"] += tokens
        self.used["cost_usd"] += cost

    def fraction(self) -> float:
        spent = self._spent()
        return max((spent[k] / v for k, v in self.limits.items() if v), default=0.0)

    def summary(self) -> dict:
        return {k: round(v, 4) for k, v in self._spent().items()}


def render(step: str, problem, **fields) -> list[dict]:
    folder = os.path.join(os.path.dirname(__file__), "prompts")
    with open(os.path.join(folder, "fallback.md"), encoding="utf-8") as fh:
        system, _, user = fh.read().partition("\n---\n")
    examples = "\n".join(f">>> {e.source}\n{(e.expected or '').rstrip()}" for e in problem.checked_examples())
    asks = {
        "draft": "Write the function.",
        "explain": "Explain in two sentences what is wrong with this code:\n$code\nFeedback: $feedback",
        "repair": "This code is wrong:\n$code\n$instruction\nWrite the corrected function.",
        "tests": f"List {fields.get('count', 10)} new calls of {problem.short_name}, one a line, no results.",
    }
    text = Template(user).safe_substitute(
        signature=problem.signature or problem.short_name, description=problem.description, examples=examples,
        context=problem.context[:4000], ask=Template(asks[step]).safe_substitute({k: str(v) for k, v in fields.items()}),
    )
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": text.strip()}]


@dataclass(frozen=True)
class Reply:
    code: str | None
    reason: str | None = None


def parse_reply(text: str, problem) -> Reply:
    blocks = re.findall(r"```[\w+-]*\n(.*?)```", text, re.S) or [text]
    name = re.escape(problem.short_name)
    for block in blocks:
        if re.search(rf"^\s*(async\s+)?def\s+{name}\s*\(", block, re.M):
            return Reply(block.strip() + "\n")
    return Reply(None, f"the reply defines no function {problem.short_name}")


class Model:
    """litellm ``acompletion`` with ``n`` in one request; no cache and no retries (the real module adds them)."""

    def __init__(self, name, *, api_base=None, api_key=None, temperature=0.8, max_tokens=1024, timeout=120.0, **_):
        self.name, self.api_base, self.api_key = name, api_base, api_key
        self.temperature, self.max_tokens, self.timeout = temperature, max_tokens, timeout

    @classmethod
    def from_settings(cls, settings):
        return cls(settings.model, api_base=settings.api_base, temperature=settings.search.temperature,
                   max_tokens=settings.max_tokens, timeout=settings.request_timeout)

    async def sample(self, messages, n=1, *, temperature=None, budget=None, salt=""):
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "true")
        import litellm

        if budget is not None:
            budget.check()
        try:
            response = await litellm.acompletion(
                model=self.name, messages=messages, n=n, api_base=self.api_base, api_key=self.api_key,
                temperature=self.temperature if temperature is None else temperature,
                max_tokens=self.max_tokens, timeout=self.timeout,
            )
        except litellm.AuthenticationError:
            key = f"{self.name.split('/', 1)[0].upper()}_API_KEY"
            raise ModelError(f"the model rejected the API key for {self.name}: set {key}") from None
        except Exception as exc:  # litellm maps every provider failure to its own exception types
            raise ModelError(f"{self.name}: {str(exc).splitlines()[0][:200]}") from None
        usage = getattr(response, "usage", None)
        tokens_in = getattr(usage, "prompt_tokens", 0) or 0
        tokens_out = getattr(usage, "completion_tokens", 0) or 0
        try:
            cost = float(litellm.completion_cost(completion_response=response) or 0.0)
        except Exception:  # unknown price: count tokens only
            cost = 0.0
        if budget is not None:
            budget.charge(calls=1, tokens=tokens_in + tokens_out, cost=cost)
        return [Completion(c.message.content or "", self.name, tokens_in, tokens_out, cost, False, i)
                for i, c in enumerate(response.choices)]
