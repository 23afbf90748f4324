/** The Python extension's active environment, through its public API, when that extension is installed. */
import { PVSC_EXTENSION_ID, PythonExtension } from "@vscode/python-extension";
import * as vscode from "vscode";

export function pythonExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
}

export async function activeEnvironment(resource: vscode.Uri | undefined): Promise<string | undefined> {
  if (!pythonExtensionInstalled()) {
    return undefined;
  }
  const api = await PythonExtension.api();
  const environment = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
  return environment?.executable.uri?.fsPath;
}

/** Calls `listener` when the user picks another interpreter in the Python extension. */
export async function onActiveEnvironmentChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  if (!pythonExtensionInstalled()) {
    return undefined;
  }
  try {
    const api = await PythonExtension.api();
    return api.environments.onDidChangeActiveEnvironmentPath(() => listener());
  } catch {
    return undefined;
  }
}
