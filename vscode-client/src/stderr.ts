/** The level at which one line of the server's stderr goes to the output channel. Pure. */

export type LogLevel = "error" | "warn" | "info" | "debug";

export function stderrLevel(line: string): LogLevel {
  const head = line.trimStart().slice(0, 16).toUpperCase();
  if (head.startsWith("ERROR") || head.startsWith("CRITICAL") || head.startsWith("TRACEBACK")) {
    return "error";
  }
  if (head.startsWith("WARNING") || head.startsWith("WARN")) {
    return "warn";
  }
  if (head.startsWith("DEBUG")) {
    return "debug";
  }
  return "info";
}
