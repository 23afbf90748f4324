"""The one settings schema, shared by the command line, the engine and the server, and its loading.

Keys are camelCase as editors send them (``checkOnSave``); snake_case is accepted too (``check_on_save``),
as ``pyproject.toml`` users write it. A bad value never raises: it is reported naming the key, and the
default is used instead.
"""

from __future__ import annotations

import copy
import os
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from seidr.runners.limits import Limits
from seidr.synth.config_file import read_config_file  # noqa: F401  (read here without pydantic)
from seidr.synth.strategies import STRATEGIES as _REGISTRY

STRATEGIES = tuple(_REGISTRY)  # the names the strategies' registry knows, the only list of them


class _Section(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class LimitSettings(_Section):
    example_seconds: float = Field(2.0, gt=0, le=600)
    program_seconds: float = Field(10.0, gt=0, le=3600)
    memory_mb: int = Field(512, ge=16, le=65536)
    output_bytes: int = Field(64 * 1024, ge=256, le=64 * 1024 * 1024)
    file_size_mb: int = Field(16, ge=1, le=4096)
    processes: int = Field(64, ge=1, le=4096)
    open_files: int = Field(64, ge=8, le=65536)
    test_seconds: float = Field(30.0, gt=0, le=3600)

    def to_limits(self) -> Limits:
        return Limits(**self.model_dump())


class BudgetSettings(_Section):
    calls: int = Field(40, ge=1)
    tokens: int | None = Field(None, ge=1)
    cost_usd: float | None = Field(1.0, ge=0)
    seconds: float | None = Field(300.0, gt=0)


class SearchSettings(_Section):
    """Parameters of the search strategies; each strategy reads the ones it uses."""

    drafts: int = Field(10, ge=1, le=256)  # drafts per prompt (seidr), n (best-of-n, mbr); chosen by measurement
    beam_width: int = Field(2, ge=1, le=64)
    explanations: int = Field(1, ge=1, le=16)  # explanations per program
    repairs: int = Field(2, ge=1, le=64)  # repairs per explanation
    depth: int = Field(4, ge=0, le=64)  # rounds of repair
    ranking: Literal["score", "lexicase"] = "lexicase"
    instruct: Literal["static", "model"] = "static"
    keep: int = Field(1, ge=1, le=64)  # passing programs to collect before stopping
    extra_inputs: int = Field(10, ge=0, le=200)  # mbr: generated inputs
    temperature: float = Field(0.8, ge=0, le=2)


class Settings(_Section):
    check_on_save: bool = True
    check_on_change: bool = False
    change_debounce_ms: int = Field(400, ge=0, le=10000)
    limits: LimitSettings = LimitSettings()
    model: str | None = None
    api_base: str | None = None
    max_tokens: int = Field(1024, ge=16, le=200000)
    request_timeout: float = Field(120.0, gt=0)
    retries: int = Field(5, ge=0, le=20)  # retries of a rate-limited, failed or dropped request
    retry_wait: float = Field(1.0, ge=0, le=60)  # first backoff in seconds; doubles, with jitter
    retry_max_wait: float = Field(60.0, ge=0, le=600)  # the longest wait, a provider's Retry-After included
    concurrency: int = Field(8, ge=1, le=256)
    cache: bool = True
    cache_dir: str | None = None
    strategy: Literal[STRATEGIES] = "seidr"  # type: ignore[valid-type]
    search: SearchSettings = SearchSettings()
    budget: BudgetSettings = BudgetSettings()
    enumerate_first: bool = True
    enumerate_seconds: float = Field(1.0, ge=0, le=600)
    verus_path: str | None = None
    tests: bool = True  # include the workspace's pytest tests that exercise a function
    related_tests: dict[str, str | list[str]] = {}  # function (pkg.mod.f or pkg/mod.py::f) -> test ids, files or names

    def cache_folder(self) -> str:
        if self.cache_dir:
            return os.path.expanduser(self.cache_dir)
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return os.path.join(base, "seidr")


def _merge(base: dict, layer: Mapping) -> dict:
    out = dict(base)
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _key_path(loc: tuple) -> str:
    return "seidr." + ".".join(to_camel(str(p)) if isinstance(p, str) else str(p) for p in loc)


def _drop(data: dict, loc: tuple) -> bool:
    node: Any = data
    for part in loc[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, dict) and loc and loc[-1] in node:
        del node[loc[-1]]
        return True
    if isinstance(node, dict) is False and len(loc) > 1:
        return _drop(data, loc[:-1])
    return False


def _find_raw_key(data: dict, loc: tuple) -> tuple:
    """pydantic reports the alias it matched; map each part back to the key the user actually wrote."""
    out = []
    node: Any = data
    for part in loc:
        if isinstance(node, dict):
            for candidate in (part, to_camel(str(part)), _snake(str(part))):
                if candidate in node:
                    out.append(candidate)
                    node = node[candidate]
                    break
            else:
                out.append(part)
                node = None
        else:
            out.append(part)
    return tuple(out)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def load_settings(*layers: Mapping | None) -> tuple[Settings, list[str]]:
    """Merge layers (later wins) into validated settings. Returns the settings and one message per bad key;
    each bad key falls back to its default."""
    data: dict = {}
    problems: list[str] = []
    for layer in layers:
        if layer is None:
            continue
        if not isinstance(layer, Mapping):
            problems.append(f"seidr settings must be a table of keys, got {type(layer).__name__}; using defaults")
            continue
        data = _merge(data, layer)
    for _ in range(64):
        try:
            return Settings.model_validate(data), problems
        except ValidationError as exc:
            dropped = False
            for err in exc.errors():
                loc = _find_raw_key(data, tuple(err["loc"]))
                key = _key_path(tuple(err["loc"]))
                if err["type"] == "extra_forbidden":
                    problems.append(f"{key}: unknown setting; ignored")
                else:
                    shown = repr(err.get("input"))
                    if len(shown) > 60:
                        shown = shown[:57] + "..."
                    problems.append(f"{key}: {err['msg'].lower()} (got {shown}); using the default")
                dropped = _drop(data, loc) or dropped
            if not dropped:
                break
    return Settings(), problems
