// Drives VS Code (code-server) in Debian's Chromium for tests/vscode: reads one JSON step per line on stdin,
// does it the way a person would (keyboard, clicks), and answers one JSON line per step on stdout.
// A step that fails answers {"ok": false, "error": ...} and leaves a screenshot beside the others.
import { createInterface } from "node:readline";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const STATUS_BAR = "#workbench\\.parts\\.statusbar";

let browser;
let page;
let results = ".";
let label = "driver";
let failures = 0;

/** Polls `probe` until it returns something other than undefined, or throws after `seconds`. */
async function until(what, seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last !== undefined) {
        return last;
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${seconds}s waiting for ${what}${last === undefined ? "" : `; last seen: ${JSON.stringify(last)}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function statusBarText() {
  return (await page.locator(STATUS_BAR).innerText()).replace(/\s+/g, " ").trim();
}

/** Focuses the active editor without moving its cursor (clicking its tab, not its text). */
async function focusEditor() {
  const focused = page.locator(".editor-instance .monaco-editor.focused");
  if ((await focused.count()) > 0) {
    return;
  }
  await page.keyboard.press("Escape");
  await page.locator(".tab.active").first().click();
  await focused.first().waitFor({ timeout: 10_000 });
}

async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await until(`the command "${title}" in the palette`, 20, async () => {
    const first = (await page.locator(".quick-input-list .monaco-list-row").first().innerText()).trim();
    return first.toLowerCase().includes(title.toLowerCase()) ? first : undefined;
  });
  await page.keyboard.press("Enter");
}

const steps = {
  /** Starts Chromium (no network of its own) and opens `url` until the workbench is up. */
  async open({ url, resultsDir, name }) {
    results = resultsDir;
    label = name ?? label;
    mkdirSync(results, { recursive: true });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.locator(STATUS_BAR).waitFor({ state: "visible", timeout: 90_000 });
    await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor({ timeout: 90_000 });
    return statusBarText();
  },

  /** Quick Open (Ctrl+P) by file name, then waits for its editor. */
  async openFile({ name }) {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill(name);
    await until(`${name} in Quick Open`, 20, async () => {
      const first = await page.locator(".quick-input-list .monaco-list-row").first().innerText();
      return first.includes(name) ? first : undefined;
    });
    await page.keyboard.press("Enter");
    await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 30_000 });
    await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor();
    return name;
  },

  /** Ctrl+S in the active editor, then waits until the tab no longer shows unsaved changes. */
  async save() {
    const dirty = page.locator(".tab.active.dirty");
    // The tab shows a fresh edit a moment after the text does; saving before that would save nothing new.
    await dirty.first().waitFor({ timeout: 5000 }).catch(() => undefined);
    await focusEditor();
    await page.keyboard.press("Control+S");
    await until("the file to be saved", 30, async () =>
      (await page.locator(".tab.active.dirty").count()) === 0 ? true : undefined,
    );
    return true;
  },

  /** Puts the cursor at a 1-based line (Ctrl+G). */
  async goToLine({ line }) {
    await focusEditor();
    await page.keyboard.press("Control+G");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill(`:${line}`);
    await page.keyboard.press("Enter");
    await until(`the cursor on line ${line}`, 10, async () => ((await statusBarText()).includes(`Ln ${line},`) ? true : undefined));
    return line;
  },

  /** The Problems view's text; with `expect`, waits until it shows that text. */
  async problems({ expect, seconds = 60 }) {
    const panel = page.locator(".markers-panel");
    if (!(await panel.isVisible())) {
      await page.keyboard.press("Control+Shift+M");
      await panel.waitFor({ state: "visible" });
    }
    const read = async () => (await panel.innerText()).replace(/\s+/g, " ").trim();
    if (!expect) {
      return read();
    }
    return until(`"${expect}" in the Problems view`, seconds, async () => {
      const text = await read();
      return text.includes(expect) ? text : undefined;
    });
  },

  /** Opens the code-action menu (Ctrl+.) at the cursor and runs the action whose title starts with `title`;
   * with `screenshot`, keeps a picture of the open menu under that name. */
  async codeAction({ title, screenshot }) {
    await until(`the code action "${title}"`, 60, async () => {
      await focusEditor();
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+.");
      const rows = page.locator(".action-widget .monaco-list-row");
      await rows.first().waitFor({ timeout: 5000 });
      const labels = await rows.allInnerTexts();
      const index = labels.findIndex((label) => label.trim().startsWith(title));
      if (index < 0) {
        await page.keyboard.press("Escape");
        return undefined;
      }
      if (screenshot) {
        await page.screenshot({ path: join(results, screenshot) });
      }
      await rows.nth(index).click();
      return labels;
    });
    return title;
  },

  /** Waits until the active editor shows `text` (the edit arrived), or until it shows none of it. */
  async editorText({ expect, seconds = 120 }) {
    const read = async () => (await page.locator(".editor-instance .monaco-editor .view-lines").first().innerText()).replace(/\u00a0/g, " ");
    if (!expect) {
      return read();
    }
    return until(`"${expect}" in the editor`, seconds, async () => {
      const text = await read();
      return text.includes(expect) ? text : undefined;
    });
  },

  /** The code lenses' titles in the active editor; with `expect`, waits until one shows that text. */
  async codeLens({ expect, seconds = 60 }) {
    const read = async () => (await page.locator(".editor-instance .codelens-decoration").allInnerTexts()).join("\n");
    if (!expect) {
      return read();
    }
    return until(`a code lens "${expect}"`, seconds, async () => {
      const text = await read();
      return text.includes(expect) ? text : undefined;
    });
  },

  /** The status bar's text; waits until it shows `expect` and none of `absent` (a list). */
  async statusBar({ expect, absent = [], seconds = 60 }) {
    if (!expect && absent.length === 0) {
      return statusBarText();
    }
    const what = [expect ? `"${expect}"` : "", ...absent.map((text) => `no "${text}"`)].filter(Boolean).join(" and ");
    return until(`${what} in the status bar`, seconds, async () => {
      const text = await statusBarText();
      return (!expect || text.includes(expect)) && !absent.some((gone) => text.includes(gone)) ? text : undefined;
    });
  },

  /** Clicks the status bar entry that shows `text`. */
  async clickStatusBar({ text }) {
    await page.locator(`${STATUS_BAR} .statusbar-item`, { hasText: text }).first().click();
    return text;
  },

  /** Clicks a visible button by its label (a dialog's, the Workspace Trust editor's). */
  async clickButton({ label }) {
    const button = page.getByRole("button", { name: label, exact: true }).first();
    await button.waitFor({ state: "visible", timeout: 30_000 });
    await button.click();
    return label;
  },

  /** Presses keys in the focused editor, e.g. "Control+End". */
  async press({ keys }) {
    await focusEditor();
    await page.keyboard.press(keys);
    return keys;
  },

  /** Types text in the focused editor. */
  async type({ text }) {
    await focusEditor();
    await page.keyboard.type(text);
    return text;
  },

  /** Types into the open quick pick or input box and accepts with Enter. */
  async quickInput({ text }) {
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 30_000 });
    await input.fill(text);
    await page.keyboard.press("Enter");
    return text;
  },

  async command({ title }) {
    await runCommand(title);
    return title;
  },

  /** The notifications' text; with `expect`, waits until one shows that text. */
  async notifications({ expect, seconds = 60 }) {
    const read = async () => (await page.locator(".notifications-toasts").allInnerTexts()).join("\n").replace(/\s+/g, " ");
    if (!expect) {
      return read();
    }
    return until(`a notification saying "${expect}"`, seconds, async () => {
      const text = await read();
      return text.includes(expect) ? text : undefined;
    });
  },

  async screenshot({ name }) {
    const path = join(results, name);
    await page.screenshot({ path });
    return path;
  },

  async close() {
    await browser?.close();
    browser = undefined;
    return true;
  },
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) {
    continue;
  }
  const request = JSON.parse(line);
  let answer;
  try {
    const step = steps[request.step];
    if (step === undefined) {
      throw new Error(`no step named ${request.step}`);
    }
    answer = { ok: true, value: await step(request) };
  } catch (error) {
    failures += 1;
    const shot = page ? join(results, `failure-${label}-${failures}-${request.step}.png`) : undefined;
    if (shot) {
      await page.screenshot({ path: shot }).catch(() => undefined);
    }
    answer = { ok: false, error: error instanceof Error ? error.message : String(error), screenshot: shot };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
  if (request.step === "close") {
    break;
  }
}
await browser?.close();
process.exit(0);
