/** The seidr extension: starts the language server in trusted workspaces and wires its commands,
 * status bar item and output channel. */
import * as vscode from "vscode";
import { ApiKeys } from "./apiKeys";
import { registerCommands } from "./commands";
import { LANGUAGES, SeidrServer } from "./server";
import { StatusBar } from "./statusBar";

let server: SeidrServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("seidr", { log: true });
  const statusBar = new StatusBar();
  const keys = new ApiKeys(context.secrets, context.globalState);
  server = new SeidrServer(context, output, statusBar, keys);
  const running = server;
  context.subscriptions.push(output, statusBar, running);
  void vscode.commands.executeCommand("setContext", "seidr.languages", LANGUAGES);
  registerCommands(context, running, keys);
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void running.start()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("seidr.interpreter")) {
        void running.restart();
      }
    }),
  );
  void running.start();
}

export function deactivate(): Promise<void> | undefined {
  return server?.stop();
}
