/** The status bar item: idle / checking / synthesizing with the spend so far, Restricted Mode, failures. */
import * as vscode from "vscode";
import type { ProgressToken, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from "vscode-languageclient/node";
import { type Phase, type ProgressState, type ServerStatus, statusView } from "./status";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private phase: Phase = "stopped";
  private status: ServerStatus | undefined;
  private isolation: string | undefined;
  private failure: string | undefined;
  private readonly progress = new Map<ProgressToken, ProgressState>();

  constructor() {
    this.item = vscode.window.createStatusBarItem("seidr.status", vscode.StatusBarAlignment.Left, 0);
    this.item.name = "seidr";
    this.render();
    this.item.show();
  }

  setPhase(phase: Phase, failure?: string): void {
    this.phase = phase;
    this.failure = failure;
    if (phase !== "running") {
      this.status = undefined;
      this.progress.clear();
    }
    this.render();
  }

  update(status: ServerStatus): void {
    this.status = status;
    if (status.isolation) {
      this.isolation = status.isolation;
    }
    this.render();
  }

  onProgress(token: ProgressToken, params: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void {
    if (params.kind === "begin") {
      this.progress.set(token, { title: params.title, message: params.message, percentage: params.percentage });
    } else if (params.kind === "report") {
      const known = this.progress.get(token);
      if (known) {
        this.progress.set(token, {
          title: known.title,
          message: params.message ?? known.message,
          percentage: params.percentage ?? known.percentage,
        });
      }
    } else {
      this.progress.delete(token);
    }
    this.render();
  }

  private render(): void {
    const latest = [...this.progress.values()].pop();
    const view = statusView({
      phase: this.phase,
      status: this.status,
      isolation: this.isolation,
      failure: this.failure,
      progress: latest,
    });
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command =
      this.phase === "restricted"
        ? { title: "Manage Workspace Trust", command: "workbench.trust.manage" }
        : { title: "Show seidr output", command: "seidr.showOutput" };
    this.item.backgroundColor = view.error
      ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : view.warning
        ? new vscode.ThemeColor("statusBarItem.warningBackground")
        : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
