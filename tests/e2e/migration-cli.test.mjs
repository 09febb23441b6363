// One checkpoint file format for the browser and the CLI: a program
// checkpointed in the browser continues natively (`vheap import`, `vheap
// resume`), and one stopped natively continues in the browser; either way
// the output is exactly lua5.4's. Also: a heap that runs out of storage quota
// stops with QUOTA and keeps its last checkpoint.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, ROOT, LONG } from "./helpers.mjs";

// Prints a line per round, so a stop in the middle splits the output; each
// round also spins a while, so that the browser is mid-program when it pauses.
const PROGRAM = `
local items = {}
for round = 1, 30 do
  for i = 1, 300 do
    items[#items + 1] = { round = round, i = i, name = "item" .. i }
  end
  local sum = 0
  for _, item in ipairs(items) do sum = sum + item.i * item.round + #item.name end
  local spin = 0
  for k = 1, 300000 do spin = (spin + k * round) % 1000003 end
  print(round, #items, sum, spin)
end
`;

const VHEAP = join(ROOT, "target", "release", "vheap");
let server;
let browser;
let work;
let expected;

function vheap(...args) {
  const run = spawnSync(VHEAP, args, { cwd: work, encoding: "utf8" });
  if (run.error) throw run.error;
  assert.equal(run.status, 0, `vheap ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/// Runs `fn` in the page with the vheap API imported, as `api`.
function inPage(page, fn, arg) {
  return page.evaluate(
    async ({ source, arg }) => {
      const api = await import("/vheap.js");
      return new Function("api", "arg", `return (${source})(api, arg);`)(api, arg);
    },
    { source: fn.toString(), arg },
  );
}

before(async () => {
  const build = spawnSync("cargo", ["build", "--locked", "--release", "--bin", "vheap"], { cwd: ROOT, stdio: "inherit" });
  assert.equal(build.status, 0, "cargo build of the CLI");
  work = mkdtempSync(join(tmpdir(), "vheap-migrate-"));
  writeFileSync(join(work, "prog.lua"), PROGRAM);
  const reference = spawnSync("lua5.4", ["prog.lua"], { cwd: work, encoding: "utf8" });
  expected = reference.stdout;
  assert.equal(expected.trim().split("\n").length, 30);
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("a program checkpointed in the browser finishes with `vheap resume`", { timeout: LONG }, async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  const { before, file } = await inPage(page, async ({ VHeap }, source) => {
    const vm = await VHeap.open({ name: "to-cli", memory: "1MiB", pageSize: 4096 });
    let printed = "";
    vm.onOutput((text) => { printed += text; });
    await vm.load(source, "@prog.lua");
    const running = vm.run();
    // Stop once a few rounds are out: somewhere in the middle.
    while (printed.split("\n").length < 8) await new Promise((r) => setTimeout(r, 20));
    await vm.pause();
    await running;
    await vm.checkpoint();
    const blob = await vm.exportCheckpoint();
    await vm.close();
    return { before: printed, file: Array.from(new Uint8Array(await blob.arrayBuffer())) };
  }, PROGRAM);
  assert.ok(before.length > 0 && before.length < expected.length, "stopped in the middle");
  writeFileSync(join(work, "from-browser.vheap"), Buffer.from(file));
  vheap("import", "from-browser.vheap", "moved");
  const rest = vheap("resume", "moved");
  assert.equal(before + rest, expected);
  await page.close();
});

test("a program stopped by the CLI finishes in the browser", { timeout: LONG }, async () => {
  const before = vheap("run", "prog.lua", "--heap", "native", "--page-size", "4K", "--mem", "512K", "--stop-after", "2000000");
  assert.ok(before.length > 0 && before.length < expected.length, "stopped in the middle");
  vheap("export", "native", "from-cli.vheap");
  const file = Array.from(readFileSync(join(work, "from-cli.vheap")));
  const page = await browser.context.newPage();
  await page.goto(server.url);
  const rest = await inPage(page, async ({ VHeap }, bytes) => {
    const vm = await VHeap.import(new Blob([new Uint8Array(bytes)]), { name: "from-cli", memory: "1MiB" });
    let printed = "";
    vm.onOutput((text) => { printed += text; });
    const { status } = await vm.run();
    await vm.close();
    return status === "done" ? printed : `status ${status}`;
  }, file);
  assert.equal(before + rest, expected);
  await page.close();
});

test("running out of storage quota stops the run with QUOTA; the last checkpoint survives", { timeout: LONG }, async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  const cdp = await browser.context.newCDPSession(page);
  const origin = new URL(server.url).origin;
  const big = `
    local keep = {}
    for i = 1, 150000 do keep[i] = { i, tostring(i) } end
    print(#keep)
  `;
  const first = await inPage(page, async ({ VHeap }, source) => {
    const vm = await VHeap.open({ name: "quota", memory: "1MiB", pageSize: 4096, autoCheckpoint: 0 });
    await vm.load(source, "=big");
    await vm.checkpoint();
    await vm.close();
    return (await VHeap.list()).find((h) => h.name === "quota").epoch;
  }, big);
  const { usage } = await inPage(page, ({ VHeap }) => VHeap.storage());
  // Room for a little more than what is stored now, far less than the program needs.
  await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: usage + (1 << 20) });
  const outcome = await inPage(page, async ({ VHeap }) => {
    const vm = await VHeap.open({ name: "quota", memory: "1MiB", autoCheckpoint: 0 });
    try {
      const result = await vm.run();
      return { status: result.status };
    } catch (error) {
      return { code: error.code, message: error.message };
    } finally {
      await vm.close().catch(() => {});
    }
  });
  assert.equal(outcome.code, "QUOTA", JSON.stringify(outcome));
  assert.match(outcome.message, /storage is full/);
  await cdp.send("Storage.overrideQuotaForOrigin", { origin });
  // The checkpoint taken before the run is intact: reopen and finish.
  const finished = await inPage(page, async ({ VHeap }) => {
    const epoch = (await VHeap.list()).find((h) => h.name === "quota").epoch;
    const vm = await VHeap.open({ name: "quota", memory: "8MiB", autoCheckpoint: 0 });
    let printed = "";
    vm.onOutput((text) => { printed += text; });
    const { status } = await vm.run();
    await vm.close();
    return { epoch, status, printed };
  });
  assert.equal(finished.epoch, first, "the failed run committed nothing");
  assert.deepEqual([finished.status, finished.printed], ["done", "150000\n"]);
  await page.close();
});
