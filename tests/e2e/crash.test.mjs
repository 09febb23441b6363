// 3. The browser is killed (SIGKILL) while the long example runs, after a
//    checkpoint: a new browser on the same profile reopens the heap at that
//    checkpoint, and the program finishes with the right output.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import {
  startServer, launchKillable, freshProfile, openPage, assertClean, reference, runExample, waitStatus,
  waitOutput, output, notice, LONG,
} from "./helpers.mjs";

let server;
let chrome;
const profile = freshProfile();
after(async () => {
  await chrome?.kill().catch(() => {});
  server?.stop();
  rmSync(profile, { recursive: true, force: true });
});

test("killed mid-run, reopened in a new browser: resumes from the last checkpoint", { timeout: LONG * 2 }, async () => {
  const expected = reference("long.lua").stdout;
  server = await startServer();
  chrome = await launchKillable(profile);
  let page = await openPage(chrome.context, server.url, { page: chrome.context.pages()[0] });
  await runExample(page, "long.lua", { memory: 4 });
  await waitOutput(page, "step  2/20");
  await page.click("#checkpoint");
  assert.match((await notice(page)).text, /Checkpoint taken/);
  const atCheckpoint = await output(page);
  // Work goes on past the checkpoint, then the plug is pulled.
  const next = expected.split("\n").find((line) => !atCheckpoint.includes(line));
  await waitOutput(page, next);
  assert.equal(await page.locator("#status").getAttribute("data-status"), "running");
  assertClean(page);
  await chrome.kill();
  chrome = null;

  chrome = await launchKillable(profile);
  page = await openPage(chrome.context, server.url, { page: chrome.context.pages()[0] });
  // The page may remember the heap it had open (if the browser wrote that
  // down before it died); otherwise it is opened from the list.
  if (await waitStatus(page, ["paused", "none"]) === "none") {
    await page.click("#heaps tr[data-name='long'] button[data-action='open']");
  }
  assert.equal(await waitStatus(page, ["paused", "done", "error", "none"]), "paused");
  const restored = await output(page);
  assert.ok(restored.includes("step  2/20"), `restored output: ${restored}`);
  assert.ok(expected.startsWith(restored), "the restored output is a prefix of the whole");
  assert.ok(!restored.includes("done:"));

  await page.click("#resume");
  assert.equal(await waitStatus(page, ["done", "error"]), "done");
  assert.equal(await output(page), expected);
  assertClean(page);
});
