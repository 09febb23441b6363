// 2. The long example, checkpointed mid-run, survives a reload: the page
//    reopens its heap with what it had printed, and Resume finishes it
//    with exactly the output of an uninterrupted run.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, openPage, assertClean, reference, runExample, waitStatus, waitOutput, output,
  notice, LONG,
} from "./helpers.mjs";

let server;
let browser;
after(async () => {
  await browser?.close();
  server?.stop();
});

test("checkpoint, reload, resume: the same output as an uninterrupted run", { timeout: LONG * 2 }, async () => {
  const expected = reference("long.lua").stdout;
  server = await startServer();
  browser = await launch();
  let page = await openPage(browser.context, server.url);
  await runExample(page, "long.lua", { memory: 4 });
  await waitOutput(page, "step  2/20");
  await page.click("#checkpoint");
  assert.match((await notice(page)).text, /Checkpoint taken/);
  assertClean(page);

  await page.reload();
  await page.waitForSelector("body[data-ready='1']", { timeout: LONG });
  // The page reopened the heap by itself, paused at the checkpoint.
  assert.equal(await waitStatus(page, ["paused", "done", "none"]), "paused");
  const restored = await output(page);
  assert.ok(restored.includes("step  2/20"), `restored output: ${restored}`);
  assert.ok(!restored.includes("done:"), "the program was interrupted before its end");
  assert.ok(expected.startsWith(restored), "what was printed up to the checkpoint is a prefix of the whole");
  assert.equal(await page.isEnabled("#resume"), true);

  await page.click("#resume");
  assert.equal(await waitStatus(page, ["done", "error"]), "done");
  assert.equal(await output(page), expected);
  assertClean(page);
});
