/** What the status bar item says: from the extension's own phase and the server's `seidr/status`. Pure. */

export interface Spend {
  calls: number;
  costUsd: number;
}

/** The `seidr/status` notification (CONTRACTS.md). */
export interface ServerStatus {
  state: "idle" | "checking" | "synthesizing";
  detail?: string | null;
  spend?: Spend | null;
  isolation?: string | null;
}

export type Phase = "restricted" | "starting" | "running" | "stopped" | "failed";

export interface StatusView {
  text: string;
  tooltip: string;
  /** Shown with the theme's warning background. */
  warning: boolean;
  /** Shown with the theme's error background. */
  error: boolean;
}

export const RESTRICTED_HINT =
  "seidr is off in Restricted Mode: it runs the examples in your files and the programs it writes. " +
  "Trust this folder to enable it.";

export function formatSpend(spend: Spend): string {
  const calls = `${spend.calls} call${spend.calls === 1 ? "" : "s"}`;
  const cost = spend.costUsd < 0.01 && spend.costUsd > 0 ? spend.costUsd.toFixed(4) : spend.costUsd.toFixed(2);
  return `${calls} · $${cost}`;
}

/** The server names its sandbox level first: `bwrap: ...`, `unshare: ...`, `none: ... (warning)`. */
export function isolationIsWeak(isolation: string | null | undefined): boolean {
  if (!isolation) {
    return false;
  }
  return isolation.trim().toLowerCase().startsWith("none") || isolation.includes("(warning)");
}

/** The latest `$/progress` of a running command: its title, message and percentage. */
export interface ProgressState {
  title: string;
  message?: string;
  percentage?: number;
}

export interface StatusInput {
  phase: Phase;
  status?: ServerStatus;
  isolation?: string;
  failure?: string;
  progress?: ProgressState;
}

export function statusView({ phase, status, isolation, failure, progress }: StatusInput): StatusView {
  const weak = isolationIsWeak(isolation);
  const sandbox = isolation ? `\n\nSandbox: ${isolation}` : "";
  const open = "\n\nClick to show seidr's output.";
  switch (phase) {
    case "restricted":
      return { text: "$(workspace-untrusted) seidr: trust this folder to enable", tooltip: RESTRICTED_HINT, warning: false, error: false };
    case "starting":
      return { text: "$(loading~spin) seidr: starting", tooltip: "Starting the seidr language server." + open, warning: false, error: false };
    case "stopped":
      return { text: "$(debug-stop) seidr: stopped", tooltip: "The seidr server is not running. Run 'seidr: Restart server' to start it." + open, warning: false, error: false };
    case "failed":
      return { text: "$(error) seidr", tooltip: (failure ?? "The seidr server could not start.") + open, warning: false, error: true };
    case "running":
      break;
  }
  const state = status?.state ?? "idle";
  const parts: string[] = [];
  let icon = weak ? "$(warning)" : "$(check)";
  if (state === "checking") {
    icon = "$(sync~spin)";
    parts.push("checking");
  } else if (state === "synthesizing") {
    icon = "$(loading~spin)";
    parts.push("synthesizing");
    if (progress?.percentage !== undefined) {
      parts.push(`${Math.round(progress.percentage)}%`);
    }
  }
  if (status?.spend) {
    parts.push(formatSpend(status.spend));
  }
  if (weak) {
    parts.push("no sandbox");
  }
  const text = `${icon} seidr${parts.length ? ": " + parts.join(" · ") : ""}`;
  const lines = [`seidr: ${state}${status?.detail ? ` (${status.detail})` : ""}`];
  if (progress) {
    lines.push(`${progress.title}${progress.message ? `: ${progress.message}` : ""}`);
  }
  if (status?.spend) {
    lines.push(`Spent so far: ${formatSpend(status.spend)}`);
  }
  if (weak) {
    lines.push("Warning: candidate programs run without sandbox isolation on this machine.");
  }
  return { text, tooltip: lines.join("\n") + sandbox + open, warning: weak, error: false };
}
