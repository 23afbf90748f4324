"""Language models through litellm: ``Model.sample`` asks for n replies with retries (tenacity), a bound on
concurrent requests, one request for all n where the provider allows it, a disk cache of replies, and what
each request costs charged to a ``Budget``. litellm is imported on the first request, never before."""
from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import re
import threading
import time
import weakref
from dataclasses import replace

from seidr.synth.budget import Budget, BudgetExhausted
from seidr.synth.completion import Completion, ModelError  # noqa: F401  (their home for callers)
from seidr.synth.reply_cache import ReplyCache, reply_key

_litellm = None
_importing = threading.Lock()
_SLOTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> {(model, base, bound): semaphore}
# where the key is not PROVIDER_API_KEY, the variable litellm reads for it
_KEY_VARIABLES = {"together_ai": "TOGETHERAI_API_KEY", "gemini": "GEMINI_API_KEY", "azure": "AZURE_API_KEY",
                  "bedrock": "AWS_ACCESS_KEY_ID", "vertex_ai": "GOOGLE_APPLICATION_CREDENTIALS"}


def load_litellm():
    """Import litellm once, offline (its bundled price table) and quiet (no debug banners, no telemetry)."""
    global _litellm
    with _importing:  # one import, whether the background started it or a request needs it first
        if _litellm is None:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "true"
            import litellm

            litellm.suppress_debug_info = True
            litellm.telemetry = False
            litellm.disable_hf_tokenizer_download = True
            if not os.environ.get("LITELLM_LOG"):  # a user debugging litellm asked for its logs
                for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy"):
                    logging.getLogger(name).setLevel(logging.CRITICAL)
            _litellm = litellm
    return _litellm


def warm_up(settings) -> None:
    """Start importing litellm (about 4 s) while the file is read, the sandbox starts and the built-in search
    runs, unless this model's replies have been cached before: a replay from the cache then never pays for the
    import, nor shares the processor with it. A request that needs litellm waits only for the rest; a failed
    import is reported by that request."""
    def load() -> None:
        try:
            load_litellm()
        except Exception:
            pass

    if _litellm is not None or not settings.model:
        return
    model = Model.from_settings(settings)
    if isinstance(model, Model) and (model.cache is None or not model.cache.knows(model.name, model._cache_base())):
        threading.Thread(target=load, name="import litellm", daemon=True).start()


def _first_line(exc: BaseException) -> str:
    """The provider's message without litellm's class-name prefixes, on one line."""
    text = " ".join(str(exc).split())
    for _ in range(3):
        head, sep, rest = text.partition(": ")
        if sep and (head.startswith("litellm.") or head.endswith(("Error", "Exception"))):
            text = rest
    head, sep, rest = text.partition(" - ")
    if sep and head.endswith("Exception"):
        text = rest
    return (text[:197] + "...") if len(text) > 200 else text or type(exc).__name__


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _cut_short(exc: BaseException) -> str | None:
    """What the HTTP client said of a body that ended before its promised length, found under the wrapping
    that litellm and the OpenAI client put around it (they report it as a connection error)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = " ".join(str(exc).split())
        if "not enough data to satisfy content length" in text.lower() or "incomplete message body" in text.lower() \
                or type(exc).__name__ in ("ContentLengthError", "IncompleteRead", "RemoteProtocolError"):
            match = re.search(r"received \d+ of \d+ bytes", text)
            return match.group() if match else (text[:120] or type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    return None


def retry_after(exc: BaseException) -> float | None:
    """The seconds a provider asked us to wait (``Retry-After`` / ``retry-after-ms``), if it said."""
    headers = getattr(exc, "litellm_response_headers", None) or getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
    except (AttributeError, TypeError, ValueError):
        return None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


class Model:
    """A litellm model string with its settings. ``sample`` never raises anything but ``ModelError`` and
    ``BudgetExhausted``."""

    def __init__(self, name: str, *, api_base: str | None = None, api_key: str | None = None,
                 temperature: float = 0.8, max_tokens: int = 1024, timeout: float = 120.0, concurrency: int = 8,
                 cache_folder: str | None = None, retries: int = 5, retry_wait: float = 1.0,
                 retry_max_wait: float = 60.0):
        self.name, self.api_base, self.api_key = name, api_base, api_key
        self.temperature, self.max_tokens, self.timeout = temperature, max_tokens, timeout
        self.concurrency = max(1, concurrency)
        self.cache = ReplyCache(cache_folder) if cache_folder else None
        self.retries, self.retry_wait, self.retry_max_wait = max(0, retries), retry_wait, retry_max_wait
        self.provider: str | None = None  # litellm's provider of the model, once ``prepare`` ran
        self.n_in_one_request = False
        self._base: str | None = None

    @classmethod
    def from_settings(cls, settings) -> "Model":
        if not settings.model:
            raise ModelError("no model configured; set `model` (e.g. --model openai/gpt-4o-mini) or [tool.seidr] model")
        if settings.model.startswith("replay:"):  # recorded samples, answered without litellm
            from seidr.synth.replay import ReplayModel

            return ReplayModel(settings.model)
        cache = os.path.join(settings.cache_folder(), "replies") if settings.cache else None
        return cls(settings.model, api_base=settings.api_base, temperature=settings.search.temperature,
                   max_tokens=settings.max_tokens, timeout=settings.request_timeout, concurrency=settings.concurrency,
                   cache_folder=cache, retries=settings.retries, retry_wait=settings.retry_wait,
                   retry_max_wait=settings.retry_max_wait)

    # -- before the first request -------------------------------------------------------------------
    def prepare(self) -> None:
        """Import litellm and check the model name and its key, so a bad setup fails before any request."""
        if self.provider is not None:
            return
        try:
            litellm = load_litellm()
        except ImportError as exc:
            raise ModelError(f"litellm cannot be imported ({exc}); reinstall seidr (pip install seidr)") from None
        try:
            model, provider, _, base = litellm.get_llm_provider(self.name, api_base=self.api_base)
        except Exception:  # litellm raises its BadRequestError with a page of text
            raise ModelError(
                f"litellm does not know the model {self.name!r}: write provider/model, e.g. openai/gpt-4o-mini, "
                "anthropic/claude-3-5-haiku-latest, ollama/qwen2.5-coder, or openai/NAME with apiBase for an "
                "OpenAI-compatible server") from None
        if self.api_key is None:
            try:
                env = litellm.validate_environment(model=self.name, api_base=self.api_base)
            except Exception:  # a provider litellm cannot check: let the request say what is wrong
                env = {}
            missing = [k for k in env.get("missing_keys") or () if "KEY" in k or "TOKEN" in k]
            if missing and not env.get("keys_in_environment"):
                hint = " (any value will do for a local server)" if self.api_base else ""
                raise ModelError(f"no API key for {self.name}: set {' or '.join(missing)}{hint}")
        try:
            supported = litellm.get_supported_openai_params(model=model, custom_llm_provider=provider) or ()
        except Exception:  # an unknown route: ask one sample per request
            supported = ()
        self.n_in_one_request = "n" in supported
        self._base = self.api_base or base or os.environ.get(f"{provider.upper()}_API_BASE") or (
            os.environ.get("OPENAI_BASE_URL") if provider == "openai" else None)
        self.provider = provider

    def key_variable(self) -> str:
        provider = self.provider or self.name.split("/", 1)[0]
        return _KEY_VARIABLES.get(provider, f"{provider.upper()}_API_KEY")

    def check(self) -> None:
        """Stop on a setup that cannot work before anything runs. With a key at hand (given, or in the variable
        the provider's name points at) the name is checked when the first request needs litellm, so a run that
        the reply cache answers never waits for litellm's import."""
        if self.api_key is not None or os.environ.get(self.key_variable()):
            return
        self.prepare()

    def _cache_base(self) -> str | None:
        """The base URL a reply is cached under, known without litellm: the one given or set in the environment
        (litellm's default for a provider adds nothing the model name does not already say)."""
        provider = self.name.split("/", 1)[0].upper()
        return self.api_base or os.environ.get(f"{provider}_API_BASE") or (
            os.environ.get("OPENAI_BASE_URL") if provider == "OPENAI" else None)

    # -- sampling -----------------------------------------------------------------------------------
    async def sample(self, messages: list[dict], n: int = 1, *, temperature: float | None = None,
                     budget: Budget | None = None, salt: str = "", step: str = "", problem=None) -> list[Completion]:
        """``n`` replies to ``messages``, in sample-index order; cached ones first from disk. ``salt`` makes
        an otherwise identical request a different one (fresh samples); ``step`` and ``problem`` say what the
        request is for (a recorded model needs them; a live one reads the messages). Fewer than ``n`` come back only when
        some requests failed after others succeeded (what was paid for is kept)."""
        if n < 1:
            return []
        temperature = self.temperature if temperature is None else temperature
        request = {"model": self.name, "api_base": self._cache_base(), "messages": messages, "temperature": temperature,
                   "max_tokens": self.max_tokens, "salt": salt}
        keys = [reply_key(**request, index=i) for i in range(n)]
        out: list[Completion | None] = [None] * n
        if self.cache is not None:
            for i, key in enumerate(keys):
                entry = self.cache.get(key)
                if entry is not None:
                    out[i] = Completion(entry["text"], str(entry.get("model") or self.name), cached=True, index=i,
                                        finish_reason=str(entry.get("finish_reason") or ""))
            if budget is not None and any(out):
                budget.count_cached(sum(c is not None for c in out))
        missing = [i for i, c in enumerate(out) if c is None]
        if missing:
            self.prepare()
            if self.cache is not None:
                self.cache.remember(self.name, self._cache_base())
            for slot, completion in await self._fetch(messages, len(missing), temperature, budget):
                index = missing[slot]
                out[index] = replace(completion, index=index)
                if self.cache is not None:
                    self.cache.put(keys[index], {"text": completion.text, "model": completion.model,
                                                 "finish_reason": completion.finish_reason})
        return [c for c in out if c is not None]

    async def _fetch(self, messages, m: int, temperature: float, budget) -> list[tuple[int, Completion]]:
        """``m`` fresh samples as (slot, completion): one request when the provider takes ``n``, else ``m``
        concurrent ones; a provider that answers fewer choices than asked is asked for the rest."""
        got: list[Completion] = []
        if self.n_in_one_request and m > 1:
            got = await self._request(messages, m, temperature, budget)
        if len(got) >= m:
            return list(enumerate(got[:m]))
        outcomes = await asyncio.gather(*(self._request(messages, 1, temperature, budget) for _ in range(m - len(got))),
                                        return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, list):
                got += outcome[:1]
            elif not isinstance(outcome, (ModelError, BudgetExhausted)):
                raise outcome
        if not got:  # every request failed: say why (a budget stop first, it is not the model's fault)
            errors = [o for o in outcomes if isinstance(o, BaseException)]
            raise next((e for e in errors if isinstance(e, BudgetExhausted)), errors[0])
        return list(enumerate(got))

    def _lock(self) -> asyncio.Semaphore:
        """The bound on requests in flight, shared by every search in this event loop that asks the same
        model at the same place (the server's syntheses of several functions together stay under it)."""
        slots = _SLOTS.setdefault(asyncio.get_running_loop(), {})
        key = (self.name, self._base, self.concurrency)
        if key not in slots:
            slots[key] = asyncio.Semaphore(self.concurrency)
        return slots[key]

    async def _request(self, messages, n: int, temperature: float, budget) -> list[Completion]:
        """One request (with its retries) for ``n`` choices, its call reserved in the budget before it waits
        for a free slot and charged when the reply is in."""
        if budget is not None:
            budget.reserve()
        settled = False
        try:
            async with self._lock():
                if budget is not None:
                    budget.check(own=1)
                response = await self._send(messages, n, temperature, budget)
            completions, tokens, cost = self._completions(response, budget)
            if budget is not None:
                budget.charge(calls=1, tokens=tokens, cost=cost, reserved=True)
                settled = True
            if not completions:  # an answer that holds no reply is the server's fault, not an empty search
                where = f" at {self._base}" if self._base else ""
                raise ModelError(f"{self.name}{where} answered with an empty list of choices; check the server",
                                 service=True)
            return completions
        finally:
            if budget is not None and not settled:
                budget.release()

    async def _send(self, messages, n: int, temperature: float, budget):
        import tenacity

        litellm = load_litellm()
        options = {"model": self.name, "messages": messages, "temperature": temperature, "max_tokens": self.max_tokens,
                   "api_base": self.api_base, "api_key": self.api_key, "drop_params": True,
                   # our retries only: litellm's wrapper and the OpenAI client would multiply them
                   "num_retries": 0, "max_retries": 0}
        if n > 1:
            options["n"] = n
        attempts = 0

        def wait(state) -> float:
            backoff = tenacity.wait_random_exponential(multiplier=self.retry_wait, max=self.retry_max_wait)(state)
            asked = retry_after(state.outcome.exception())
            return min(max(backoff, asked or 0.0), self.retry_max_wait)

        async def attempt_all():
            nonlocal attempts
            retrying = tenacity.AsyncRetrying(
                retry=tenacity.retry_if_exception(self._transient), stop=tenacity.stop_after_attempt(self.retries + 1),
                wait=wait, reraise=True)
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    remaining = budget.remaining_seconds() if budget is not None else None
                    timeout = self.timeout if remaining is None else max(0.01, min(self.timeout, remaining))
                    return await litellm.acompletion(**options, timeout=timeout)

        remaining = budget.remaining_seconds() if budget is not None else None
        try:
            if remaining is None:
                return await attempt_all()
            return await asyncio.wait_for(attempt_all(), max(0.01, remaining))
        except asyncio.TimeoutError:
            if budget is not None and budget.remaining_seconds() is not None and budget.remaining_seconds() <= 0.05:
                raise BudgetExhausted(budget.limit_reached(own=1) or f"time {budget.limits['seconds']:g} s") from None
            raise self._error(TimeoutError("timed out"), attempts) from None
        except (BudgetExhausted, asyncio.CancelledError):
            raise
        except Exception as exc:  # every provider failure, mapped by litellm to its exception types
            if budget is not None and budget.remaining_seconds() is not None and budget.remaining_seconds() <= 0:
                raise BudgetExhausted(budget.limit_reached(own=1) or f"time {budget.limits['seconds']:g} s") from None
            raise self._error(exc, attempts) from None

    def _transient(self, exc: BaseException) -> bool:
        """Worth asking again: rate limits, 5xx, timeouts, dropped connections, garbled bodies."""
        litellm = load_litellm()
        final = (litellm.AuthenticationError, litellm.BadRequestError, litellm.NotFoundError,
                 litellm.PermissionDeniedError, litellm.UnprocessableEntityError, BudgetExhausted)
        if isinstance(exc, final):
            return False
        if isinstance(exc, (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                            litellm.InternalServerError, litellm.ServiceUnavailableError, litellm.BadGatewayError,
                            ConnectionError, TimeoutError)):
            return True
        status = getattr(exc, "status_code", None)
        return isinstance(status, int) and (status in (408, 429) or status >= 500)

    def _error(self, exc: BaseException, attempts: int) -> ModelError:
        litellm = load_litellm()
        text = _first_line(exc)
        where = f" at {self._base}" if self._base else ""
        tries = f" ({attempts} attempts)" if attempts > 1 else ""
        status = getattr(exc, "status_code", None)
        if isinstance(exc, litellm.AuthenticationError) or status == 401:
            return ModelError(f"the model rejected the API key for {self.name}{where}: set {self.key_variable()}")
        if isinstance(exc, litellm.PermissionDeniedError) or status == 403:
            return ModelError(f"{self.name}{where} refused the request ({text}): check the key's access to this model")
        if isinstance(exc, litellm.NotFoundError) or status == 404:
            return ModelError(f"{self.name} was not found{where} ({text}): check the model name")
        if isinstance(exc, litellm.ContextWindowExceededError):
            return ModelError(f"the prompt is longer than {self.name}'s context window: lower maxTokens or use a "
                              "model with a longer context")
        if isinstance(exc, (litellm.BadRequestError, litellm.UnprocessableEntityError)):
            return ModelError(f"{self.name} rejected the request: {text}")
        if isinstance(exc, litellm.RateLimitError) or status == 429:
            return ModelError(f"{self.name} is still rate limited{tries}: {text}; wait, or lower `concurrency`",
                              service=True)
        if isinstance(exc, (litellm.Timeout, TimeoutError)):
            return ModelError(f"{self.name}{where} did not answer within {self.timeout:g} s{tries}; "
                              "raise `requestTimeout` or check the server", service=True)
        if _caused_by(exc, json.JSONDecodeError):  # the decoder's error, under the client's wrapping
            return ModelError(f"{self.name}{where} answered with a body that is not JSON{tries}: {text}; check the "
                              "server", service=True)
        cut = _cut_short(exc)
        if cut:
            return ModelError(f"the answer from {self.name}{where} was cut short{tries}: {cut}; check the server "
                              "or a proxy in between", service=True)
        if isinstance(exc, (litellm.APIConnectionError, ConnectionError)) or "connection error" in text.lower():
            return ModelError(f"cannot reach {self.name}{where}{tries}: {text}; check apiBase and the network",
                              service=True)
        return ModelError(f"{self.name}{where} failed{tries}: {text}", service=True)

    def _completions(self, response, budget) -> tuple[list[Completion], int, float]:
        """The choices of a response with their share of its tokens and cost; and the request's totals."""
        litellm = load_litellm()
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        try:
            cost = float(litellm.completion_cost(completion_response=response, model=self.name) or 0.0)
        except Exception:  # litellm has no price for this model: count its tokens only
            cost = 0.0
            if budget is not None:
                budget.price_unknown(self.name)
        choices = sorted(getattr(response, "choices", None) or [], key=lambda c: getattr(c, "index", 0) or 0)
        k = max(1, len(choices))
        out = []
        for i, choice in enumerate(choices):
            message = getattr(choice, "message", None)
            text = getattr(message, "content", None) or ""
            out.append(Completion(
                text if isinstance(text, str) else str(text), str(getattr(response, "model", None) or self.name),
                tokens_in // k + (tokens_in % k if i == 0 else 0), tokens_out // k + (tokens_out % k if i == 0 else 0),
                cost / k, False, i, str(getattr(choice, "finish_reason", "") or "")))
        return out, tokens_in + tokens_out, cost


def model_problem(settings) -> str | None:
    """Why ``settings`` cannot reach a model (no model, an unknown name, a missing key), or None."""
    try:
        Model.from_settings(settings).check()
    except ModelError as exc:
        return str(exc)
    return None
