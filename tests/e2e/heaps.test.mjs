// The heaps panel and Stop: rename an open heap, stop a run (the heap goes
// back to its last checkpoint, as if the tab had closed), open it again and
// finish it, delete a heap; storage is reported.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, openPage, assertClean, reference, runExample, waitStatus, waitOutput, waitIdle,
  output, notice, listedHeaps, storedHeaps, LONG,
} from "./helpers.mjs";

let server;
let browser;
after(async () => {
  await browser?.close();
  server?.stop();
});

test("rename, stop, open, delete", { timeout: LONG * 2 }, async () => {
  server = await startServer();
  browser = await launch();
  const page = await openPage(browser.context, server.url);
  assert.match(await page.locator("#storage").textContent(), /Storage used by this site: .* of .* available/);

  await runExample(page, "hello.lua");
  assert.equal(await waitStatus(page, ["done", "error"]), "done");
  await page.waitForSelector("#heaps tr[data-name='hello'] button[data-action='rename']");
  await page.click("#heaps tr[data-name='hello'] button[data-action='rename']");
  await page.fill("#heaps tr[data-name='hello'] input", "greeting");
  await page.press("#heaps tr[data-name='hello'] input", "Enter");
  assert.match((await notice(page)).text, /Renamed “hello” to “greeting”/);
  await waitIdle(page);
  assert.deepEqual(await storedHeaps(page), ["greeting"]);
  assert.deepEqual(await listedHeaps(page), ["greeting"]);
  // The renamed heap is still the open one, with its output.
  assert.equal(await page.locator("#heap-name").inputValue(), "greeting");
  assert.match(await output(page), /Hello, world!/);

  // Stop drops what was done since the last checkpoint (here: the start).
  const expected = reference("long.lua").stdout;
  await runExample(page, "long.lua", { memory: 4 });
  await waitOutput(page, "step  2/20");
  await page.click("#stop");
  assert.equal(await waitStatus(page, ["stopped"]), "stopped");
  assert.match((await notice(page)).text, /Stopped\. The heap “long” is closed at its last checkpoint/);
  assert.equal(await page.isDisabled("#resume"), true);
  await page.click("#heaps tr[data-name='long'] button[data-action='open']");
  assert.equal(await waitStatus(page, ["paused", "done", "none"]), "paused");
  assert.equal(await output(page), "", "the last checkpoint was taken before the program printed anything");
  await page.click("#resume");
  assert.equal(await waitStatus(page, ["done", "error"]), "done");
  assert.equal(await output(page), expected);

  // Delete asks for a second click.
  await waitIdle(page);
  await page.click("#heaps tr[data-name='greeting'] button[data-action='delete']");
  assert.equal(await page.locator("#heaps tr[data-name='greeting'] button[data-action='delete']").textContent(), "Really delete?");
  await page.click("#heaps tr[data-name='greeting'] button[data-action='delete']");
  assert.match((await notice(page)).text, /Deleted heap “greeting”/);
  await waitIdle(page);
  assert.deepEqual(await storedHeaps(page), ["long"]);
  assert.deepEqual(await listedHeaps(page), ["long"]);
  assertClean(page);
});
