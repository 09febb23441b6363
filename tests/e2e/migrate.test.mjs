// 4. Export in one browser, import in another with separate storage: the
//    program continues there and finishes with the same output.
// 6. A damaged checkpoint file and a file that is no checkpoint at all are
//    refused with the right message, and no heap is created.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startServer, launch, openPage, assertClean, reference, runExample, waitStatus, waitOutput, waitIdle,
  output, notice, listedHeaps, storedHeaps, LONG,
} from "./helpers.mjs";

const files = mkdtempSync(join(tmpdir(), "vheap-files-"));
let server;
const browsers = [];
after(async () => {
  for (const b of browsers) await b.close();
  server?.stop();
  rmSync(files, { recursive: true, force: true });
});

async function exportFile(page, path) {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: LONG }), page.click("#export")]);
  await download.saveAs(path);
  assert.match((await notice(page)).text, /Exported/);
  return path;
}

test("export in one browser, import in another: the program finishes there", { timeout: LONG * 2 }, async () => {
  const expected = reference("long.lua").stdout;
  server ??= await startServer();
  const a = await launch();
  browsers.push(a);
  const pageA = await openPage(a.context, server.url);
  await runExample(pageA, "long.lua", { memory: 4 });
  await waitOutput(pageA, "step  3/20");
  await pageA.click("#pause");
  assert.equal(await waitStatus(pageA, ["paused", "done"]), "paused");
  const printedA = await output(pageA);
  assert.ok(!printedA.includes("done:"), "paused before the end");
  const file = await exportFile(pageA, join(files, "long.vheap"));
  assertClean(pageA);

  const b = await launch();
  browsers.push(b);
  const pageB = await openPage(b.context, server.url);
  assert.deepEqual(await storedHeaps(pageB), [], "the second browser's storage is its own");
  await pageB.setInputFiles("#import-file", file);
  assert.equal(await waitStatus(pageB, ["paused", "done", "error", "none"]), "paused");
  assert.match((await notice(pageB)).text, /Imported .* Press Resume/);
  // The console shows what the program had printed in the first browser.
  assert.equal(await output(pageB), printedA);
  assert.deepEqual(await listedHeaps(pageB), ["long"]);

  await pageB.click("#resume");
  assert.equal(await waitStatus(pageB, ["done", "error"]), "done");
  assert.equal(await output(pageB), expected);
  assertClean(pageB);
});

/// Drops `path` on the page as a file dragged from the desktop would be.
async function dropFile(page, path, name) {
  const bytes = [...readFileSync(path)];
  const transfer = await page.evaluateHandle(({ bytes, name }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name));
    return data;
  }, { bytes, name });
  await page.dispatchEvent("body", "dragenter", { dataTransfer: transfer });
  await page.dispatchEvent("body", "drop", { dataTransfer: transfer });
}

test("damaged and foreign files are refused in words and create nothing", { timeout: LONG }, async () => {
  server ??= await startServer();
  const c = await launch();
  browsers.push(c);
  const page = await openPage(c.context, server.url);
  await runExample(page, "hello.lua");
  assert.equal(await waitStatus(page, ["done", "error"]), "done");
  const good = readFileSync(await exportFile(page, join(files, "hello.vheap")));
  const before = await storedHeaps(page);
  assert.deepEqual(before, ["hello"]);
  await page.waitForSelector("#heaps tr[data-name='hello']", { timeout: LONG });

  const flipped = Buffer.from(good);
  for (let i = Math.floor(flipped.length / 2); i < Math.floor(flipped.length / 2) + 8; i++) flipped[i] ^= 0x5a;
  writeFileSync(join(files, "flipped.vheap"), flipped);
  writeFileSync(join(files, "cut.vheap"), good.subarray(0, Math.floor(good.length * 0.6)));
  writeFileSync(join(files, "notes.vheap"), "These are my notes, not a heap.\n".repeat(40));

  const cases = [
    ["flipped.vheap", /damaged .*Nothing was imported/, "picker"],
    ["cut.vheap", /(incomplete|damaged).*Nothing was imported/, "drop"],
    ["notes.vheap", /not a vheap checkpoint file\. Nothing was imported/, "picker"],
  ];
  for (const [name, message, how] of cases) {
    await waitIdle(page);
    await page.click("#notice-close");
    if (how === "drop") await dropFile(page, join(files, name), name);
    else await page.setInputFiles("#import-file", join(files, name));
    const shown = await notice(page);
    assert.equal(shown.kind, "error", `${name}: ${shown.text}`);
    assert.match(shown.text, message, name);
    await waitIdle(page);
    assert.deepEqual(await storedHeaps(page), before, `${name} created nothing`);
    assert.deepEqual(await listedHeaps(page), before);
    // The heap that was open stays open.
    assert.equal(await page.locator("#status").getAttribute("data-status"), "done");
  }
  assert.equal(await page.isHidden("#drop"), true);
  assertClean(page);
});
