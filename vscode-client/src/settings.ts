/** Turns the `seidr.*` settings the user set into the object the server's schema reads
 * (`synth/settings.py`: camelCase keys, nested sections). Pure. */

/** Settings read by the extension itself; the server would reject them as unknown. */
export const CLIENT_ONLY_SETTINGS: ReadonlySet<string> = new Set(["interpreter", "trace.server"]);

export type SettingsObject = { [key: string]: unknown };

/** `entries` are keys relative to `seidr.` (`search.drafts`) with the value the user set. Keys left at
 * their default are not sent, so `[tool.seidr]` in pyproject.toml still applies to them. */
export function serverSettings(entries: Iterable<readonly [string, unknown]>): SettingsObject {
  const out: SettingsObject = {};
  for (const [key, value] of entries) {
    if (value === undefined || CLIENT_ONLY_SETTINGS.has(key)) {
      continue;
    }
    const path = key.split(".");
    let node = out;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object" || next === null || Array.isArray(next)) {
        node[part] = {};
      }
      node = node[part] as SettingsObject;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}

/** The setting keys (relative to `seidr.`) that package.json contributes. */
export function contributedKeys(packageJson: unknown): string[] {
  const properties = (packageJson as { contributes?: { configuration?: { properties?: object } } })?.contributes
    ?.configuration?.properties;
  return Object.keys(properties ?? {})
    .filter((key) => key.startsWith("seidr."))
    .map((key) => key.slice("seidr.".length));
}

/** The most specific value a user set in one of VS Code's scopes, or undefined when left at the default. */
export function explicitValue<T>(inspected: {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
} | undefined): T | undefined {
  if (inspected === undefined) {
    return undefined;
  }
  return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
}
