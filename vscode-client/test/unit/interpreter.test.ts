/** The interpreter that runs the server: setting, then the Python extension, then python3 on PATH. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { expandPath, installCommand, resolveInterpreter } from "../../src/interpreter";

const home = "/home/ada";
const folder = "/work/project";

function lookup(setting: string | null | undefined, fromExtension: string | undefined | Error) {
  let asked = 0;
  return {
    asked: () => asked,
    sources: {
      setting,
      pythonExtension: () => {
        asked += 1;
        return fromExtension instanceof Error ? Promise.reject(fromExtension) : Promise.resolve(fromExtension);
      },
      workspaceFolder: folder,
      home,
    },
  };
}

test("the seidr.interpreter setting wins, and the Python extension is not even asked", async () => {
  const { sources, asked } = lookup("/opt/py/bin/python", "/envs/active/bin/python");
  assert.deepEqual(await resolveInterpreter(sources), { command: "/opt/py/bin/python", source: "seidr.interpreter" });
  assert.equal(asked(), 0);
});

test("without the setting, the Python extension's active environment is used", async () => {
  const { sources } = lookup(undefined, "/envs/active/bin/python");
  assert.deepEqual(await resolveInterpreter(sources), { command: "/envs/active/bin/python", source: "Python extension" });
});

test("a blank setting counts as unset", async () => {
  const { sources } = lookup("   ", "/envs/active/bin/python");
  assert.equal((await resolveInterpreter(sources)).source, "Python extension");
});

test("without the setting and the Python extension, python3 on PATH", async () => {
  const { sources } = lookup(null, undefined);
  assert.deepEqual(await resolveInterpreter(sources), { command: "python3", source: "PATH" });
});

test("a Python extension that fails to answer falls through to python3", async () => {
  const { sources } = lookup(null, new Error("extension host busy"));
  assert.deepEqual(await resolveInterpreter(sources), { command: "python3", source: "PATH" });
});

test("~ and ${workspaceFolder} are expanded in the setting", async () => {
  assert.equal(expandPath("~/venv/bin/python", { workspaceFolder: folder, home }), "/home/ada/venv/bin/python");
  assert.equal(expandPath("${workspaceFolder}/.venv/bin/python", { workspaceFolder: folder, home }), "/work/project/.venv/bin/python");
  assert.equal(expandPath("~user/python", { workspaceFolder: folder, home }), "~user/python");
  const { sources } = lookup("${workspaceFolder}/.venv/bin/python", undefined);
  assert.equal((await resolveInterpreter(sources)).command, "/work/project/.venv/bin/python");
});

test("the install command names the interpreter, quoted for a shell when it must be", () => {
  assert.equal(installCommand("/usr/bin/python3"), "/usr/bin/python3 -m pip install seidr");
  assert.equal(installCommand("/My Envs/bin/python"), "'/My Envs/bin/python' -m pip install seidr");
  assert.equal(installCommand("/it's/python"), `'/it'"'"'s/python' -m pip install seidr`);
});
