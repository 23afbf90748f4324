/** Stored API keys: kept as secrets, listed by name, handed to the server as environment variables. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Memento, SecretStorage } from "vscode";
import { ApiKeys, checkVariableName, PROVIDER_VARIABLES } from "../../src/apiKeys";

class MemorySecrets {
  readonly values = new Map<string, string>();
  get(key: string) {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string) {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string) {
    this.values.delete(key);
    return Promise.resolve();
  }
}

class MemoryState {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown) {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

function store() {
  const secrets = new MemorySecrets();
  const state = new MemoryState();
  return { secrets, state, keys: new ApiKeys(secrets as unknown as SecretStorage, state as unknown as Memento) };
}

test("a stored key reaches the server's environment under its variable name", async () => {
  const { keys, secrets, state } = store();
  await keys.set("OPENAI_API_KEY", "sk-one");
  await keys.set("ANTHROPIC_API_KEY", "sk-two");
  assert.deepEqual(await keys.environment(), { ANTHROPIC_API_KEY: "sk-two", OPENAI_API_KEY: "sk-one" });
  assert.deepEqual(keys.stored(), ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]);
  // Only the names are kept in plain state; the values live in the secret store.
  assert.equal(JSON.stringify([...state.values]).includes("sk-one"), false);
  assert.equal(secrets.values.get("seidr.env.OPENAI_API_KEY"), "sk-one");
});

test("setting a key twice keeps one entry, and removing it drops it from the environment", async () => {
  const { keys } = store();
  await keys.set("OPENAI_API_KEY", "sk-old");
  await keys.set("OPENAI_API_KEY", "sk-new");
  assert.deepEqual(await keys.environment(), { OPENAI_API_KEY: "sk-new" });
  await keys.remove("OPENAI_API_KEY");
  assert.deepEqual(await keys.environment(), {});
  assert.deepEqual(keys.stored(), []);
});

test("a key is only stored under an environment variable name", async () => {
  const { keys } = store();
  assert.equal(checkVariableName("OPENAI_API_KEY"), undefined);
  assert.match(checkVariableName("openai key") ?? "", /environment variable name/);
  await assert.rejects(keys.set("PATH=/tmp", "x"), /environment variable name/);
  assert.deepEqual(keys.stored(), []);
});

test("the provider list names litellm's variables", () => {
  const names = PROVIDER_VARIABLES.map((variable) => variable.name);
  assert.ok(names.includes("OPENAI_API_KEY") && names.includes("ANTHROPIC_API_KEY"));
  for (const name of names) {
    assert.equal(checkVariableName(name), undefined);
  }
});
