/** Which Python runs `python -m seidr serve`: the `seidr.interpreter` setting, then the Python
 * extension's active environment, then `python3` on PATH. Pure: the lookups are passed in. */

export type InterpreterSource = "seidr.interpreter" | "Python extension" | "PATH";

export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

export interface InterpreterLookup {
  /** The `seidr.interpreter` setting as the user wrote it. */
  setting: string | null | undefined;
  /** The Python extension's active environment; undefined when the extension is absent or has none. */
  pythonExtension: () => Promise<string | undefined>;
  workspaceFolder: string | undefined;
  home: string;
}

export const SERVER_ARGS: readonly string[] = ["-m", "seidr", "serve"];

/** Exit status 3 from this script means the interpreter runs but cannot import seidr's server. */
export const PROBE_ARGS: readonly string[] = [
  "-c",
  [
    "import importlib.util, sys",
    "try:",
    "    found = importlib.util.find_spec('seidr.commands.serve') is not None",
    "except ImportError:",
    "    found = False",
    "sys.exit(0 if found else 3)",
  ].join("\n"),
];
export const PROBE_MISSING_SEIDR = 3;

export async function resolveInterpreter(lookup: InterpreterLookup): Promise<Interpreter> {
  const configured = lookup.setting?.trim();
  if (configured) {
    return { command: expandPath(configured, lookup), source: "seidr.interpreter" };
  }
  let fromExtension: string | undefined;
  try {
    fromExtension = await lookup.pythonExtension();
  } catch {
    // A Python extension that fails to answer must not keep seidr from starting.
    fromExtension = undefined;
  }
  if (fromExtension) {
    return { command: fromExtension, source: "Python extension" };
  }
  return { command: "python3", source: "PATH" };
}

export function expandPath(value: string, where: { workspaceFolder: string | undefined; home: string }): string {
  let out = value;
  if (out === "~" || out.startsWith("~/")) {
    out = where.home + out.slice(1);
  }
  if (where.workspaceFolder !== undefined) {
    out = out.split("${workspaceFolder}").join(where.workspaceFolder);
  }
  return out;
}

/** The command a user runs in a shell to give this interpreter seidr. */
export function installCommand(interpreter: string): string {
  return `${shellQuote(interpreter)} -m pip install seidr`;
}

export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) {
    return word;
  }
  return `'${word.split("'").join(`'"'"'`)}'`;
}
