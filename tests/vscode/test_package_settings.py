"""The settings VS Code shows (vscode-client/package.json) mirror the server's one schema (synth/settings.py):
the same keys, types, defaults, choices and bounds, each with a description."""

from __future__ import annotations

import json
from pathlib import Path

from seidr.synth.settings import Settings

PACKAGE = Path(__file__).resolve().parents[2] / "vscode-client" / "package.json"
CLIENT_ONLY = {"interpreter", "trace.server"}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def server_leaves() -> dict[str, dict]:
    """Each leaf of the server's JSON schema by dotted camelCase key, with ``nullable`` unwrapped."""
    schema = Settings.model_json_schema(by_alias=True)
    sections = schema["$defs"]
    out: dict[str, dict] = {}

    def walk(properties: dict, prefix: str) -> None:
        for name, spec in properties.items():
            ref = spec.get("$ref") or next((part["$ref"] for part in spec.get("allOf", []) if "$ref" in part), None)
            if ref:
                walk(sections[ref.rsplit("/", 1)[1]]["properties"], f"{prefix}{name}.")
                continue
            leaf = dict(spec)
            variants = leaf.pop("anyOf", None)
            if variants:
                kinds = [variant for variant in variants if variant.get("type") != "null"]
                assert len(kinds) == 1, f"{prefix}{name}: one type or null expected"
                leaf.update(kinds[0])
                leaf["nullable"] = len(kinds) < len(variants)
            out[prefix + name] = leaf

    walk(schema["properties"], "")
    return out


def package_settings() -> dict[str, dict]:
    properties = json.loads(PACKAGE.read_text())["contributes"]["configuration"]["properties"]
    assert all(key.startswith("seidr.") for key in properties)
    return {key.removeprefix("seidr."): spec for key, spec in properties.items()}


def test_vscode_offers_exactly_the_server_settings_and_its_own():
    server, package = server_leaves(), package_settings()
    assert set(package) - CLIENT_ONLY == set(server), "package.json and synth/settings.py name different settings"
    assert CLIENT_ONLY <= set(package)


def test_each_setting_has_the_server_type_default_choices_and_bounds():
    package = package_settings()
    for key, leaf in server_leaves().items():
        spec = package[key]
        types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
        expected = [leaf["type"], "null"] if leaf.get("nullable") else [leaf["type"]]
        assert types == expected, f"seidr.{key}: type {types}, the server reads {expected}"
        assert spec.get("default") == leaf.get("default"), f"seidr.{key}: default {spec.get('default')!r}, server {leaf.get('default')!r}"
        assert set(spec.get("enum", [])) == set(leaf.get("enum", [])), f"seidr.{key}: choices differ"
        for bound in BOUNDS:
            assert spec.get(bound) == leaf.get(bound), f"seidr.{key}: {bound} {spec.get(bound)} vs server {leaf.get(bound)}"


def test_each_setting_says_what_it_does():
    for key, spec in package_settings().items():
        text = spec.get("markdownDescription") or spec.get("description") or ""
        assert len(text) > 15, f"seidr.{key} has no description"
        if "enum" in spec:
            assert len(spec.get("enumDescriptions", [])) == len(spec["enum"]), f"seidr.{key}: describe each choice"


def test_no_setting_holds_an_api_key():
    for key in package_settings():
        assert "key" not in key.lower() and "token" not in key.lower().replace("tokens", ""), key
