/** The seidr language server's life: started only in a trusted workspace, with the interpreter the user
 * chose and the stored API keys in its environment; stopped, restarted, and asked to run commands. */
import { execFile } from "node:child_process";
import * as os from "node:os";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ResponseError,
  RevealOutputChannelOn,
  State,
} from "vscode-languageclient/node";
import type { ApiKeys } from "./apiKeys";
import {
  type Interpreter,
  installCommand,
  PROBE_ARGS,
  PROBE_MISSING_SEIDR,
  resolveInterpreter,
  SERVER_ARGS,
} from "./interpreter";
import { activeEnvironment, onActiveEnvironmentChange } from "./pythonExtension";
import { contributedKeys, explicitValue, serverSettings, type SettingsObject } from "./settings";
import type { ServerStatus } from "./status";
import type { StatusBar } from "./statusBar";
import { stderrLevel } from "./stderr";

export const LANGUAGES: readonly string[] = ["python", "cpp", "rust"];

export class ServerNotRunning extends Error {}

/** Why the server cannot start, with what the user can do about it. */
interface StartProblem {
  kind: "no-interpreter" | "no-seidr" | "broken";
  message: string;
}

export class SeidrServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private interpreter: Interpreter | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly settingKeys: string[];
  private pythonListener: vscode.Disposable | undefined;

  constructor(
    extension: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    private readonly statusBar: StatusBar,
    private readonly keys: ApiKeys,
  ) {
    this.settingKeys = contributedKeys(extension.extension.packageJSON);
  }

  /** Starts the server unless it runs already; in Restricted Mode it only shows the hint. */
  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  get interpreterSource(): Interpreter["source"] | undefined {
    return this.interpreter?.source;
  }

  /** Runs one of the server's workspace commands with its single argument object (CONTRACTS.md). */
  async executeCommand(command: string, argument: object): Promise<unknown> {
    await this.queue;
    const client = this.client;
    if (client === undefined || client.state !== State.Running) {
      throw new ServerNotRunning("the seidr server is not running");
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
  }

  /** The settings object the server reads, from what the user set for `scope`. */
  settingsFor(scope: vscode.Uri | undefined): SettingsObject {
    const config = vscode.workspace.getConfiguration("seidr", scope ?? vscode.workspace.workspaceFolders?.[0]?.uri);
    return serverSettings(this.settingKeys.map((key) => [key, explicitValue(config.inspect(key))] as const));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doStart(): Promise<void> {
    if (this.client !== undefined) {
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.statusBar.setPhase("restricted");
      return;
    }
    this.statusBar.setPhase("starting");
    const folder = vscode.workspace.workspaceFolders?.[0];
    const interpreter = await resolveInterpreter({
      setting: vscode.workspace.getConfiguration("seidr", folder?.uri).get<string | null>("interpreter"),
      pythonExtension: () => activeEnvironment(folder?.uri),
      workspaceFolder: folder?.uri.fsPath,
      home: os.homedir(),
    });
    this.interpreter = interpreter;
    this.output.info(`Python interpreter: ${interpreter.command} (from ${interpreter.source})`);
    if (interpreter.source === "Python extension" && this.pythonListener === undefined) {
      this.pythonListener = await onActiveEnvironmentChange(() => {
        if (this.interpreter?.source === "Python extension") {
          void this.restart();
        }
      });
    }
    const cwd = folder?.uri.fsPath;
    const problem = await probe(interpreter.command, cwd);
    if (problem !== undefined) {
      this.output.error(problem.message);
      this.statusBar.setPhase("failed", problem.message);
      void offerFix(problem, interpreter, this);
      return;
    }
    const env = { ...process.env, ...(await this.keys.environment()) };
    const client = new LanguageClient(
      "seidr",
      "seidr",
      { command: interpreter.command, args: [...SERVER_ARGS], options: { env, cwd } },
      this.clientOptions(),
    );
    client.onNotification("seidr/status", (status: ServerStatus) => this.statusBar.update(status));
    // The client restarts a server that crashed by itself; the status bar follows it both ways.
    client.onDidChangeState((event) => {
      if (this.client !== client) {
        return;
      }
      if (event.newState === State.Stopped) {
        this.statusBar.setPhase("stopped");
      } else if (event.newState === State.Running) {
        this.statusBar.setPhase("running");
      }
    });
    this.client = client;
    try {
      await client.start();
      this.statusBar.setPhase("running");
    } catch (error) {
      const message = `The seidr server did not start: ${describe(error)}`;
      this.output.error(message);
      this.client = undefined;
      this.statusBar.setPhase("failed", message);
      await client.dispose().catch(() => undefined);
      void offerFix({ kind: "broken", message }, interpreter, this);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.dispose(5000);
      } catch (error) {
        this.output.warn(`Stopping the seidr server: ${describe(error)}`);
      }
    }
    this.statusBar.setPhase(vscode.workspace.isTrusted ? "stopped" : "restricted");
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => this.settingsFor(undefined),
      synchronize: { configurationSection: "seidr" },
      stdioOptions: {
        stdout: forwardLines,
        stderr: forwardLines,
      },
      middleware: {
        handleWorkDoneProgress: (token, params, next) => {
          this.statusBar.onProgress(token, params);
          next(token, params);
        },
        workspace: {
          // The server pulls section "seidr": answer with what the user set, without client-only keys.
          configuration: async (params, token, next) => {
            const answers: unknown = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers as ResponseError<void>;
            }
            return params.items.map((item, index): unknown =>
              item.section === "seidr"
                ? this.settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : answers[index],
            );
          },
          didChangeConfiguration: async () => {
            await this.client?.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { seidr: this.settingsFor(undefined) },
            });
          },
        },
      },
    };
  }

  dispose(): void {
    this.pythonListener?.dispose();
    void this.stop();
  }
}

function forwardLines(input: Readable, channel: vscode.LogOutputChannel): void {
  readline
    .createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 })
    .on("line", (line: string) => channel[stderrLevel(line)](line));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the interpreter once, where the server will run, to see that it exists and can import seidr's server.
 * A machine briefly out of processes (EAGAIN) gets a few more tries before it counts as a failure. */
async function probe(command: string, cwd: string | undefined): Promise<StartProblem | undefined> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await probeOnce(command, cwd);
    if (outcome === "busy" && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      continue;
    }
    return outcome === "busy" ? { kind: "broken", message: `${command} could not be started: the machine has no processes to spare (EAGAIN)` } : outcome;
  }
}

function probeOnce(command: string, cwd: string | undefined): Promise<StartProblem | undefined | "busy"> {
  return new Promise((resolve) => {
    execFile(command, [...PROBE_ARGS], { timeout: 60_000, cwd }, (error, _stdout, stderr) => {
      if (error === null) {
        resolve(undefined);
        return;
      }
      const code = (error as { code?: unknown }).code;
      if (code === "EAGAIN") {
        resolve("busy");
      } else if (code === "ENOENT" || code === "EACCES") {
        resolve({
          kind: "no-interpreter",
          message: `Python interpreter '${command}' was not found. Set seidr.interpreter to a Python that has seidr installed.`,
        });
      } else if (code === PROBE_MISSING_SEIDR) {
        resolve({
          kind: "no-seidr",
          message: `seidr is not installed for ${command}. Install it with: ${installCommand(command)}`,
        });
      } else {
        const last = String(stderr).trim().split("\n").pop();
        resolve({ kind: "broken", message: `${command} could not check for seidr: ${last || error.message}` });
      }
    });
  });
}

async function offerFix(problem: StartProblem, interpreter: Interpreter, server: SeidrServer): Promise<void> {
  const copy = "Copy command";
  const run = "Run in terminal";
  const choose = "Choose interpreter";
  const output = "Show output";
  const actions = problem.kind === "no-seidr" ? [copy, run, choose] : problem.kind === "no-interpreter" ? [choose] : [output, choose];
  const picked = await vscode.window.showErrorMessage(problem.message, ...actions);
  const command = installCommand(interpreter.command);
  if (picked === copy) {
    await vscode.env.clipboard.writeText(command);
  } else if (picked === run) {
    const terminal = vscode.window.createTerminal("seidr: install");
    terminal.show();
    terminal.sendText(command);
    const restart = "Restart server";
    if ((await vscode.window.showInformationMessage("When the install has finished, restart the seidr server.", restart)) === restart) {
      await server.restart();
    }
  } else if (picked === choose) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "seidr.interpreter");
  } else if (picked === output) {
    server.output.show(true);
  }
}
