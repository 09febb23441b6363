// 1. Every example runs in the page to lua5.4's output; the failing one
//    shows lua5.4's error message and marks its line in the editor.
// 7. Screenshots at desktop and phone width, taken while the big-heap
//    example pages (test-artifacts/desktop.png, phone.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import {
  startServer, launch, openPage, assertClean, reference, runExample, waitStatus, output,
  artifactsDir, EXAMPLES, LONG,
} from "./helpers.mjs";

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launch();
  page = await openPage(browser.context, server.url);
  // What a first visitor sees: no heap yet, the first example in the editor.
  await page.screenshot({ path: join(artifactsDir(), "first-visit.png"), fullPage: true });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

for (const file of ["hello.lua", "coroutines.lua", "long.lua"]) {
  test(`${file} prints what lua5.4 prints`, { timeout: LONG }, async () => {
    const expected = reference(file);
    // Ctrl-Enter in the editor runs the program (and inserts no line there).
    const keyboard = file === "hello.lua";
    await runExample(page, file, { keyboard });
    assert.equal(await waitStatus(page, ["done", "error"]), "done");
    if (keyboard) {
      const lines = readFileSync(join(EXAMPLES, file), "utf8").split("\n").length;
      assert.equal(await page.locator(".cm-line").count(), lines);
    }
    assert.equal(await output(page), expected.stdout);
    assert.equal(await page.isVisible("#error"), false);
    assertClean(page);
  });
}

test("a program that does not compile: its line is marked, no heap is left", { timeout: LONG }, async () => {
  await page.selectOption("#example", "hello.lua");
  await page.waitForFunction(() => !document.body.dataset.busy);
  await page.fill("#heap-name", "broken");
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\nlocal x = = 1\n");
  await page.click("#run");
  assert.equal(await waitStatus(page, ["error", "done"]), "error");
  assert.match(await page.locator("#error-lead").textContent(), /does not compile \(line 9\)/);
  assert.match(await page.locator("#error-message").textContent(), /^broken\.lua:9: /);
  assert.equal(await page.locator(".cm-gutterElement.cm-error-gutter").textContent(), "9");
  await page.waitForFunction(() => !document.body.dataset.busy);
  const stored = await page.evaluate(async () => (await import("/vheap.js")).VHeap.list().then((l) => l.map((h) => h.name)));
  assert.ok(!stored.includes("broken"), `heaps: ${stored}`);
  assertClean(page);
});

test("error.lua shows lua5.4's error and marks its line", { timeout: LONG }, async () => {
  const expected = reference("error.lua");
  assert.ok(expected.error, "lua5.4 reports an error for error.lua");
  await runExample(page, "error.lua");
  assert.equal(await waitStatus(page, ["done", "error"]), "error");
  assert.equal(await output(page), expected.stdout);
  assert.equal(await page.locator("#error-message").textContent(), expected.error);
  const line = expected.error.match(/^error\.lua:(\d+):/)[1];
  assert.match(await page.locator("#error-lead").textContent(), new RegExp(`on line ${line}`));
  // The editor's marked line is the error's: its gutter number and its text.
  assert.equal(await page.locator(".cm-gutterElement.cm-error-gutter").textContent(), line);
  assert.equal(await page.locator(".cm-line.cm-error-line").count(), 1);
  assertClean(page);
});

test("big-tree.lua pages a heap many times its memory, prints what lua5.4 prints; screenshots", { timeout: LONG * 2 }, async () => {
  const expected = reference("big-tree.lua");
  await runExample(page, "big-tree.lua", { memory: 3, autoCheckpoint: "5" });
  // Mid-run: the heap has outgrown memory and pages are moving.
  await page.waitForFunction(() => {
    const mib = (id) => {
      const [n, unit] = document.getElementById(id).textContent.split(" ");
      return Number(n) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 }[unit] ?? 0);
    };
    return mib("heap-size") > 10 * mib("mem-size") && Number(document.getElementById("st-faults").textContent.replace(/,/g, "")) > 0;
  }, null, { timeout: LONG, polling: 250 });
  const dir = artifactsDir();
  await page.waitForTimeout(1500); // a few chart samples
  await page.screenshot({ path: join(dir, "desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(dir, "phone.png"), fullPage: true });
  await page.screenshot({ path: join(dir, "phone-top.png") });
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal(await waitStatus(page, ["done", "error"], LONG * 2), "done");
  assert.equal(await output(page), expected.stdout);
  // The whole heap is far larger than the memory it ran in.
  const heap = await page.locator("#heap-size").textContent();
  const memory = await page.locator("#mem-size").textContent();
  assert.match(heap, /MiB$/);
  assert.ok(parseFloat(heap) >= 40, `heap ${heap}`);
  assert.ok(parseFloat(heap) >= 10 * parseFloat(memory), `heap ${heap}, memory ${memory}`);
  await page.screenshot({ path: join(dir, "desktop-done.png"), fullPage: true });
  assertClean(page);
});
