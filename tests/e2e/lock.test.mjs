// 5. A heap runs in one tab at a time: a second page that opens it is told
//    that it is in use, in words; once the first lets go, it opens.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, openPage, assertClean, runExample, waitStatus, waitIdle, notice, LONG,
} from "./helpers.mjs";

let server;
let browser;
after(async () => {
  await browser?.close();
  server?.stop();
});

test("the second page is told the heap is in use", { timeout: LONG }, async () => {
  server = await startServer();
  browser = await launch();
  const first = await openPage(browser.context, server.url);
  await runExample(first, "hello.lua");
  assert.equal(await waitStatus(first, ["done", "error"]), "done");

  // The second page tries to reopen the heap the first has open.
  const second = await openPage(browser.context, server.url);
  let message = await notice(second);
  assert.equal(message.kind, "error");
  assert.match(message.text, /open in another tab or window/);
  assert.equal(await second.locator("#status").getAttribute("data-status"), "none");

  // Opening it from the list says the same.
  await second.click("#notice-close");
  await second.click("#heaps tr[data-name='hello'] button[data-action='open']");
  message = await notice(second);
  assert.match(message.text, /open in another tab or window/);

  // Once the first page is gone, the heap opens here.
  await first.close();
  await waitIdle(second);
  await second.click("#heaps tr[data-name='hello'] button[data-action='open']");
  assert.equal(await waitStatus(second, ["done", "paused", "none"]), "done");
  assert.match(await second.locator("#output").textContent(), /Hello, world!/);
  assertClean(first);
  assertClean(second);
});
