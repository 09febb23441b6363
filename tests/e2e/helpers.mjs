// Shared by the end-to-end tests: the demo server (the one `npm start`
// runs), Debian's Chromium driven by playwright-core, the page's controls,
// and lua5.4's outputs of the examples as the reference.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const EXAMPLES = join(ROOT, "www", "examples");
export const ARTIFACTS = join(ROOT, "test-artifacts");
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
/// Generous: the machine may be shared, and nothing here measures speed.
export const LONG = 300_000;

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// The server `npm start` uses, on a free port.
export async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "scripts", "serve.mjs"), join(ROOT, "www"), String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the server exited (${code})`)));
    child.stdout.on("data", (chunk) => { if (String(chunk).includes("vheap demo:")) resolve(); });
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

export function freshProfile() {
  return mkdtempSync(join(tmpdir(), "vheap-e2e-"));
}

/// Chromium with a fresh (or the given) profile, through playwright-core.
export async function launch(profile = freshProfile(), viewport = { width: 1280, height: 900 }) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport, acceptDownloads: true,
  });
  return { context, profile, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/// Chromium started as a process of our own (so that it can be killed
/// outright), driven over the DevTools protocol.
export async function launchKillable(profile) {
  const port = await freePort();
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, `--remote-debugging-port=${port}`, "about:blank"], {
    stdio: "ignore", detached: true,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let browser;
  for (let i = 0; !browser; i++) {
    try {
      browser = await chromium.connectOverCDP(endpoint);
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    browser,
    context: browser.contexts()[0],
    /// SIGKILL to the whole process group: the browser gets no chance to clean up.
    async kill() {
      process.kill(-child.pid, "SIGKILL");
      await exited;
    },
  };
}

/// A page whose console errors and uncaught exceptions are collected: the
/// tests end by asserting there were none.
export async function openPage(context, url, { page } = {}) {
  page ??= await context.newPage();
  const problems = [];
  page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console error: ${msg.text()}`); });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("crash", () => problems.push("the page crashed"));
  // Each heap runs in a worker, whose console is its own.
  page.on("worker", (worker) => worker.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`worker console error: ${msg.text()}`);
  }));
  page.problems = problems;
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']", { timeout: LONG });
  return page;
}

export function assertClean(page) {
  assert.deepEqual(page.problems, [], "the browser console had errors");
}

/// lua5.4's stdout, and the first line of its error (without "lua5.4: "), for an example.
export function reference(file) {
  const run = spawnSync("lua5.4", [file], { cwd: EXAMPLES, encoding: "utf8" });
  if (run.error) throw run.error;
  const error = run.status === 0 ? null : run.stderr.split("\n")[0].replace(/^lua5\.4: /, "");
  return { stdout: run.stdout, error };
}

export const output = (page) => page.locator("#output").textContent();
export const status = (page) => page.locator("#status").getAttribute("data-status");

export async function waitStatus(page, wanted, timeout = LONG) {
  const list = [].concat(wanted);
  await page.waitForFunction(
    (list) => list.includes(document.querySelector("#status").dataset.status) && !document.body.dataset.busy,
    list, { timeout, polling: 100 },
  );
  return status(page);
}

export async function waitOutput(page, text, timeout = LONG) {
  await page.waitForFunction((text) => document.querySelector("#output").textContent.includes(text), text, { timeout, polling: 100 });
}

export async function waitIdle(page, timeout = LONG) {
  await page.waitForFunction(() => !document.body.dataset.busy, null, { timeout, polling: 100 });
}

/// Picks an example and the settings, and presses Run.
export async function runExample(page, file, { memory, autoCheckpoint = "0", keyboard = false } = {}) {
  await waitIdle(page);
  await page.selectOption("#example", file);
  await page.waitForFunction((name) => document.querySelector("#heap-name").value === name, file.replace(/\.lua$/, ""));
  if (memory) await page.selectOption("#memory", String(memory));
  await page.selectOption("#auto-checkpoint", autoCheckpoint);
  if (keyboard) {
    await page.click(".cm-content");
    await page.keyboard.press("Control+Enter");
  } else {
    await page.click("#run");
  }
  await waitStatus(page, ["running", "done", "error"]);
}

export async function notice(page) {
  await page.waitForSelector("#notice:not([hidden])", { timeout: LONG });
  return {
    kind: await page.locator("#notice").getAttribute("data-kind"),
    text: await page.locator("#notice-text").textContent(),
  };
}

/// The heaps the page lists, by name.
export async function listedHeaps(page) {
  await waitIdle(page);
  return page.locator("#heaps tr").evaluateAll((rows) => rows.map((r) => r.dataset.name));
}

/// The heaps stored in this browser, asked of the runtime itself.
export function storedHeaps(page) {
  return page.evaluate(async () => (await import("/vheap.js")).VHeap.list().then((l) => l.map((h) => h.name).sort()));
}

export function artifactsDir() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
