// The worker that runs one heap (or, for `VHeap.list` and friends, none).
//
// The VM runs here so that the page never freezes: a run is a loop of
// slices (`machine.run(fuel)`), each awaiting IndexedDB whenever a page
// fault needs it. Between slices the worker answers messages, takes the
// automatic checkpoint when it is due, and reports output and statistics.
//
// Protocol: the page sends { id, op, args }; the worker answers
// { id, ok: true, value } or { id, ok: false, error: { code, message, line } },
// and posts events { event, ... } (output, stats, status, checkpoint).

import init, * as wasm from "./pkg/vheap.js";

const ready = init();
let machine = null;
let running = null;          // the promise of the run loop, while it runs
let pauseRequested = false;
let autoCheckpointSeconds = 10;
let lastCheckpoint = performance.now();
// Every call on the machine goes through this chain: the VM is one state
// machine and refuses overlapping calls.
let chain = Promise.resolve();

function serial(fn) {
  const result = chain.then(fn);
  chain = result.catch(() => {});
  return result;
}

function post(message) {
  self.postMessage(message);
}

// A trap inside the wasm module (a bug in the VM: panics abort) leaves the
// instance unusable. The heap's last checkpoint is intact in IndexedDB, so
// the worker refuses everything from then on and the page reopens the heap.
let broken = null;

function describe(error) {
  if (error instanceof WebAssembly.RuntimeError) {
    broken ??= {
      code: "INTERNAL",
      message: `the VM stopped on an internal error (${error.message}); close and reopen the heap to continue from its last checkpoint`,
    };
    return broken;
  }
  return {
    code: error?.code ?? "INTERNAL",
    message: error?.message ?? String(error),
    line: error?.line,
  };
}

async function stats() {
  return machine ? await serial(() => machine.stats()) : null;
}

async function checkpoint() {
  // The runtime's own timer restarts at each retry after an IndexedDB wait,
  // so it misses the transaction itself: time the whole call here.
  const report = await serial(async () => {
    const started = performance.now();
    const done = await machine.checkpoint();
    done.millis = performance.now() - started;
    return done;
  });
  lastCheckpoint = performance.now();
  post({ event: "checkpoint", report });
  return report;
}

// Yields to the event loop so queued messages (pause!) are handled; a
// MessageChannel round trip is not clamped like setTimeout.
const channel = new MessageChannel();
function yieldToMessages() {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// Runs until the program ends, fails, or is paused. Slices aim at ~25 ms.
async function runLoop() {
  let fuel = 20_000;
  let lastStats = 0;
  post({ event: "status", status: "running" });
  try {
    for (;;) {
      if (pauseRequested) {
        await serial(() => machine.flush());
        post({ event: "status", status: "paused" });
        return { status: "paused" };
      }
      const started = performance.now();
      // A slice ends after `fuel` instructions or ~40 ms of waiting for pages.
      const slice = await serial(() => machine.run(fuel, 40));
      const took = performance.now() - started;
      if (slice.output) post({ event: "output", text: slice.output });
      if (took < 10) fuel = Math.min(fuel * 2, 20_000_000);
      else if (took > 60) fuel = Math.max(Math.floor(fuel / 2), 1000);
      const now = performance.now();
      if (now - lastStats > 250 || slice.status !== "paused") {
        lastStats = now;
        post({ event: "stats", stats: await stats() });
      }
      if (slice.status !== "paused") {
        // The end is a checkpoint too: a reload then shows the finished program.
        await checkpoint();
        post({ event: "status", status: slice.status, error: slice.error });
        return { status: slice.status, error: slice.error };
      }
      if (autoCheckpointSeconds > 0 && now - lastCheckpoint > autoCheckpointSeconds * 1000) {
        await checkpoint();
      }
      await yieldToMessages();
    }
  } catch (error) {
    // The store failed (quota, I/O): the run stops; the last checkpoint is intact.
    post({ event: "status", status: "failed", error: describe(error) });
    throw error;
  } finally {
    running = null;
  }
}

function needMachine() {
  if (!machine) throw Object.assign(new Error("no heap is open in this worker"), { code: "CLOSED" });
}

const ops = {
  async open(name, options) {
    if (machine) throw Object.assign(new Error("this worker already has a heap open"), { code: "BUSY" });
    machine = await wasm.Machine.open(name, options ?? {});
    if (options?.autoCheckpoint !== undefined) autoCheckpointSeconds = Number(options.autoCheckpoint);
    lastCheckpoint = performance.now();
    const status = await serial(() => machine.status());
    return { name: machine.name, created: machine.created, status, transcript: await serial(() => machine.transcript()), stats: await stats() };
  },
  async load(source, chunkName) {
    needMachine();
    if (running) throw Object.assign(new Error("the program is running; pause it first"), { code: "BUSY" });
    await serial(() => machine.load(source, chunkName));
    await checkpoint();
    return serial(() => machine.status());
  },
  run() {
    needMachine();
    if (!running) {
      pauseRequested = false;
      running = runLoop();
    }
    return running;
  },
  pause() {
    pauseRequested = true;
    return running ?? { status: "paused" };
  },
  checkpoint() {
    needMachine();
    return checkpoint();
  },
  setAutoCheckpoint(seconds) {
    autoCheckpointSeconds = Math.max(0, Number(seconds) || 0);
  },
  status() {
    needMachine();
    return serial(() => machine.status());
  },
  stats,
  transcript() {
    needMachine();
    return serial(() => machine.transcript());
  },
  pageMap(cells) {
    needMachine();
    return serial(() => machine.pageMap(cells));
  },
  exportCheckpoint() {
    needMachine();
    return serial(() => machine.exportCheckpoint());
  },
  setGlobal(name, value) {
    needMachine();
    return serial(() => machine.setGlobal(name, value));
  },
  getGlobal(name) {
    needMachine();
    return serial(() => machine.getGlobal(name));
  },
  async close() {
    if (!machine || broken) return;
    pauseRequested = true;
    if (running) await running.catch(() => {});
    await serial(() => machine.close());
    machine = null;
  },
  list: () => wasm.listHeaps(),
  delete: (name) => wasm.deleteHeap(name),
  import: (file, name) => wasm.importCheckpoint(file, name),
  exportHeap: (name) => wasm.exportHeap(name),
  storage: () => wasm.storageEstimate(),
  persist: () => wasm.requestPersistence(),
};

self.onmessage = async ({ data }) => {
  const { id, op, args } = data;
  try {
    await ready;
    if (broken && op !== "close") throw Object.assign(new Error(broken.message), { code: broken.code });
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { code: "INTERNAL" });
    const value = await fn(...(args ?? []));
    post({ id, ok: true, value });
  } catch (error) {
    post({ id, ok: false, error: describe(error) });
  }
};
