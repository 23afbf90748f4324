/** What the status bar says in each phase and server state, and where stderr lines land. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSpend, isolationIsWeak, statusView } from "../../src/status";
import { stderrLevel } from "../../src/stderr";

const bwrap = "bwrap: network, pid, mount namespaces";
const none = "none: rlimits and a clean environment only (warning)";

test("idle shows a check mark and no spend until the server reports one", () => {
  const view = statusView({ phase: "running", status: { state: "idle" }, isolation: bwrap });
  assert.equal(view.text, "$(check) seidr");
  assert.equal(view.warning, false);
  assert.match(view.tooltip, /Sandbox: bwrap/);
});

test("checking and synthesizing show the state and the spend so far", () => {
  assert.equal(statusView({ phase: "running", status: { state: "checking" } }).text, "$(sync~spin) seidr: checking");
  const view = statusView({
    phase: "running",
    status: { state: "synthesizing", detail: "inc", spend: { calls: 3, costUsd: 0.0042 } },
    progress: { title: "seidr: synthesize inc", message: "repairing, best 2/3", percentage: 37.5 },
  });
  assert.equal(view.text, "$(loading~spin) seidr: synthesizing · 38% · 3 calls · $0.0042");
  assert.match(view.tooltip, /seidr: synthesizing \(inc\)/);
  assert.match(view.tooltip, /repairing, best 2\/3/);
});

test("no sandbox isolation is a warning in every running state", () => {
  assert.equal(isolationIsWeak(none), true);
  assert.equal(isolationIsWeak(bwrap), false);
  assert.equal(isolationIsWeak(undefined), false);
  const view = statusView({ phase: "running", status: { state: "idle" }, isolation: none });
  assert.equal(view.text, "$(warning) seidr: no sandbox");
  assert.equal(view.warning, true);
  assert.match(view.tooltip, /without sandbox isolation/);
});

test("Restricted Mode says that trusting the folder enables seidr", () => {
  const view = statusView({ phase: "restricted" });
  assert.equal(view.text, "$(workspace-untrusted) seidr: trust this folder to enable");
  assert.match(view.tooltip, /Restricted Mode/);
  assert.match(view.tooltip, /Trust this folder to enable it/);
});

test("a failed start is an error that carries the reason", () => {
  const view = statusView({ phase: "failed", failure: "seidr is not installed for python3. Install it with: python3 -m pip install seidr" });
  assert.equal(view.error, true);
  assert.match(view.tooltip, /python3 -m pip install seidr/);
});

test("spend reads as calls and dollars", () => {
  assert.equal(formatSpend({ calls: 1, costUsd: 0 }), "1 call · $0.00");
  assert.equal(formatSpend({ calls: 12, costUsd: 1.5 }), "12 calls · $1.50");
});

test("stderr lines keep the level Python's logging gave them", () => {
  assert.equal(stderrLevel("ERROR:pygls:boom"), "error");
  assert.equal(stderrLevel("Traceback (most recent call last):"), "error");
  assert.equal(stderrLevel("WARNING:seidr:slow"), "warn");
  assert.equal(stderrLevel("DEBUG:seidr:x"), "debug");
  assert.equal(stderrLevel("seidr serving on stdio"), "info");
});
