/** The extension's commands: synthesize / repair / candidates / apply-last at the cursor, cancel,
 * restart, show output, and storing an API key. */
import * as vscode from "vscode";
import { type ApiKeys, checkVariableName, PROVIDER_VARIABLES } from "./apiKeys";
import { LANGUAGES, type SeidrServer, ServerNotRunning } from "./server";
import { RESTRICTED_HINT } from "./status";

export function registerCommands(context: vscode.ExtensionContext, server: SeidrServer, keys: ApiKeys): void {
  const register = (id: string, run: () => Promise<void>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  register("seidr.synthesizeAtCursor", () => atCursor(server, "seidr.synthesize", true));
  register("seidr.repairAtCursor", () => atCursor(server, "seidr.repair", true));
  register("seidr.showCandidatesAtCursor", () => atCursor(server, "seidr.showCandidates", false));
  register("seidr.applyLastResultAtCursor", () => atCursor(server, "seidr.applyLastResult", false));
  register("seidr.cancelSyntheses", () => run(server, "seidr.cancel", {}));
  register("seidr.restartServer", async () => {
    if (!vscode.workspace.isTrusted) {
      await restricted();
      return;
    }
    await server.restart();
  });
  register("seidr.showOutput", () => {
    server.output.show(true);
    return Promise.resolve();
  });
  register("seidr.setApiKey", () => setApiKey(keys, server));
}

export function isSeidrDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === "file" && LANGUAGES.includes(document.languageId);
}

async function atCursor(server: SeidrServer, command: string, versioned: boolean): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    await restricted();
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || !isSeidrDocument(editor.document)) {
    await vscode.window.showInformationMessage(
      "seidr: open a Python, C++ or Rust file and put the cursor in a function with examples.",
    );
    return;
  }
  const { line, character } = editor.selection.active;
  await run(server, command, {
    uri: editor.document.uri.toString(),
    position: { line, character },
    ...(versioned ? { version: editor.document.version } : {}),
  });
}

/** The server reports failures itself (one message line); the result goes to the output channel. */
async function run(server: SeidrServer, command: string, argument: object): Promise<void> {
  try {
    const result = await server.executeCommand(command, argument);
    server.output.info(`${command}: ${JSON.stringify(result)}`);
  } catch (error) {
    if (error instanceof ServerNotRunning) {
      const restart = "Restart server";
      const output = "Show output";
      const picked = await vscode.window.showErrorMessage("seidr: the server is not running.", restart, output);
      if (picked === restart) {
        await server.restart();
      } else if (picked === output) {
        server.output.show(true);
      }
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    server.output.error(`${command}: ${message}`);
    await vscode.window.showErrorMessage(`seidr: ${message}`);
  }
}

async function restricted(): Promise<void> {
  const manage = "Manage Workspace Trust";
  if ((await vscode.window.showWarningMessage(RESTRICTED_HINT, manage)) === manage) {
    await vscode.commands.executeCommand("workbench.trust.manage");
  }
}

async function setApiKey(keys: ApiKeys, server: SeidrServer): Promise<void> {
  const stored = new Set(keys.stored());
  const other = "Another variable...";
  const known = new Set(PROVIDER_VARIABLES.map((variable) => variable.name));
  const items: vscode.QuickPickItem[] = [
    ...PROVIDER_VARIABLES.map((variable) => ({ label: variable.name, description: variable.provider })),
    ...[...stored].filter((name) => !known.has(name)).map((name) => ({ label: name })),
    { label: other, alwaysShow: true },
  ].map((item) => ({
    ...item,
    detail: stored.has(item.label)
      ? "A key is stored in VS Code's secret storage."
      : process.env[item.label]
        ? "Set in VS Code's environment; a stored key would take its place."
        : undefined,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: "seidr: Set API key",
    placeHolder: "Which environment variable does your model's provider read?",
    ignoreFocusOut: true,
  });
  if (picked === undefined) {
    return;
  }
  let name = picked.label;
  if (name === other) {
    const typed = await vscode.window.showInputBox({
      title: "seidr: Set API key",
      prompt: "The environment variable litellm reads for your provider",
      placeHolder: "OPENAI_API_KEY",
      validateInput: (value) => checkVariableName(value.trim()),
      ignoreFocusOut: true,
    });
    if (typed === undefined) {
      return;
    }
    name = typed.trim();
  }
  const value = await vscode.window.showInputBox({
    title: `seidr: ${name}`,
    prompt: `Kept in VS Code's secret storage and given to the seidr server as ${name}; never written to settings.${stored.has(name) ? " Leave empty to remove the stored key." : ""}`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) {
    return;
  }
  if (value.trim() === "") {
    if (!stored.has(name)) {
      return;
    }
    await keys.remove(name);
  } else {
    await keys.set(name, value.trim());
  }
  const what = value.trim() === "" ? `seidr: the stored ${name} was removed` : `seidr: ${name} is stored`;
  if (vscode.workspace.isTrusted) {
    await server.restart();
    void vscode.window.showInformationMessage(`${what}; the server restarted with it.`);
  } else {
    void vscode.window.showInformationMessage(`${what}; the server will use it once you trust this folder.`);
  }
}
