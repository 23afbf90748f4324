/** The settings the server receives: only what the user set, nested as the server's schema reads them. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { contributedKeys, explicitValue, serverSettings } from "../../src/settings";

const packageJson: unknown = JSON.parse(readFileSync("package.json", "utf8"));

test("dotted keys become nested sections with camelCase names", () => {
  assert.deepEqual(
    serverSettings([
      ["model", "openai/gpt-4o-mini"],
      ["search.drafts", 8],
      ["search.beamWidth", 3],
      ["limits.exampleSeconds", 0.5],
      ["budget.costUsd", null],
    ]),
    {
      model: "openai/gpt-4o-mini",
      search: { drafts: 8, beamWidth: 3 },
      limits: { exampleSeconds: 0.5 },
      budget: { costUsd: null },
    },
  );
});

test("settings left at their default are not sent, so pyproject.toml still applies", () => {
  assert.deepEqual(serverSettings([["model", undefined], ["checkOnSave", false]]), { checkOnSave: false });
});

test("the extension's own settings never reach the server", () => {
  assert.deepEqual(serverSettings([["interpreter", "/usr/bin/python3"], ["trace.server", "verbose"], ["apiBase", "http://127.0.0.1:9/v1"]]), {
    apiBase: "http://127.0.0.1:9/v1",
  });
});

test("the most specific scope the user set wins", () => {
  assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3);
  assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2 }), 2);
  assert.equal(explicitValue({ globalValue: 1 }), 1);
  assert.equal(explicitValue({}), undefined);
  assert.equal(explicitValue(undefined), undefined);
});

test("package.json contributes the server's sections and the client's own keys", () => {
  const keys = contributedKeys(packageJson);
  for (const key of ["interpreter", "model", "apiBase", "strategy", "checkOnSave", "checkOnChange", "search.drafts", "budget.calls", "limits.exampleSeconds"]) {
    assert.ok(keys.includes(key), `package.json lacks seidr.${key}`);
  }
  const everything = serverSettings(keys.map((key) => [key, 0] as const));
  assert.equal("interpreter" in everything, false);
  assert.equal("trace" in everything, false);
  assert.deepEqual(Object.keys(everything.search as object).sort(), [
    "beamWidth", "depth", "drafts", "explanations", "extraInputs", "instruct", "keep", "ranking", "repairs", "temperature",
  ]);
});
