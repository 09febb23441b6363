// vheap for web pages: a Lua 5.4 program whose heap lives in IndexedDB,
// larger than the memory it runs in, surviving reloads, movable as a file.
//
//   const vm = await VHeap.open({ name: "my-heap", memory: "8MiB" });
//   vm.onOutput((text) => console.log(text));
//   await vm.load(source);
//   const { status } = await vm.run();      // "done", "error" or "paused"
//   vm.pause(); await vm.checkpoint();
//   const blob = await vm.exportCheckpoint();
//   const copy = await VHeap.import(file, { name: "copy" }); await copy.run();
//   await VHeap.list(); await VHeap.delete("my-heap");
//
// Each open heap runs in its own dedicated worker (the page never freezes);
// no special server headers are needed. Failures reject with a VHeapError
// whose `code` says what happened: LOCKED (open in another tab), NOT_FOUND,
// EXISTS, SYNTAX (with `line`), QUOTA, NOT_A_CHECKPOINT, CORRUPT_FILE,
// TRUNCATED, UNSUPPORTED_VERSION, TOO_LARGE, CORRUPT, CONFIG, VALUE, BUSY, IO.

const workerUrl = new URL("./worker.js", import.meta.url);

export class VHeapError extends Error {
  constructor({ code, message, line }) {
    super(message);
    this.name = "VHeapError";
    this.code = code;
    if (line !== undefined) this.line = line;
  }
}

/// A worker and the calls waiting for its answers.
class Channel {
  constructor(onEvent) {
    this.worker = new Worker(workerUrl, { type: "module" });
    this.pending = new Map();
    this.nextId = 1;
    this.worker.onmessage = ({ data }) => {
      if (data.event) return onEvent?.(data);
      const call = this.pending.get(data.id);
      if (!call) return;
      this.pending.delete(data.id);
      if (data.ok) call.resolve(data.value);
      else call.reject(new VHeapError(data.error));
    };
    this.worker.onerror = (event) => {
      const error = new VHeapError({ code: "INTERNAL", message: `the worker failed: ${event.message ?? "unknown error"}` });
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
  }

  call(op, ...args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args });
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

// Static operations share one worker that has no heap open.
let utility = null;
function utilityCall(op, ...args) {
  utility ??= new Channel();
  return utility.call(op, ...args);
}

export class VHeap extends EventTarget {
  /// Opens heap `name`, creating it if it does not exist.
  /// options: { name, memory = "8MiB", pageSize = 16384, maxSize = "64GiB",
  ///            autoCheckpoint = 10 (seconds; 0 turns it off), wait = false }
  static async open(options = {}) {
    const vm = new VHeap();
    const { name = "default", ...rest } = options;
    try {
      const opened = await vm.#channel.call("open", name, rest);
      vm.#name = opened.name;
      vm.#created = opened.created;
      vm.#stats = opened.stats;
      vm.#status = opened.status === "running" ? "ready" : opened.status;
      vm.#transcript = opened.transcript;
      return vm;
    } catch (error) {
      vm.#channel.terminate();
      throw error;
    }
  }

  /// Imports a checkpoint file (File or Blob) as the new heap `options.name`
  /// and opens it; the program continues where it was checkpointed.
  static async import(file, options = {}) {
    const name = options.name ?? "imported";
    await utilityCall("import", file, name);
    return VHeap.open({ ...options, name });
  }

  /// The heaps stored in this browser: [{ name, label, virtualSize, bytesInUse, epoch, updated, ... }].
  static list() {
    return utilityCall("list");
  }

  /// Deletes a heap (refused with LOCKED while a tab has it open).
  static delete(name) {
    return utilityCall("delete", name);
  }

  /// The last checkpoint of a heap that need not be open here, as a file.
  static exportHeap(name) {
    return utilityCall("exportHeap", name);
  }

  /// { usage, quota, persisted } of this origin's storage.
  static storage() {
    return utilityCall("storage");
  }

  /// Asks the browser to keep this origin's data under storage pressure.
  static requestPersistence() {
    return utilityCall("persist");
  }

  #channel = new Channel((event) => this.#onEvent(event));
  #name = "";
  #created = false;
  #status = "empty";
  #stats = null;
  #transcript = "";

  get name() { return this.#name; }
  /// Whether `open` created the heap (rather than reopening a stored one).
  get created() { return this.#created; }
  /// "empty" (no program), "ready" (loaded or paused), "running", "paused", "done", "error", "failed".
  get status() { return this.#status; }
  /// The latest statistics (updated a few times a second while running).
  stats() { return this.#stats; }
  /// What the program had printed when the heap was opened (kept in the heap).
  get transcript() { return this.#transcript; }

  #onEvent(event) {
    if (event.event === "stats") this.#stats = event.stats;
    if (event.event === "status") this.#status = event.status;
    this.dispatchEvent(new CustomEvent(event.event, { detail: event }));
  }

  /// Calls `callback(text)` with the program's output as it is printed.
  onOutput(callback) {
    this.addEventListener("output", (e) => callback(e.detail.text));
    return this;
  }

  /// Compiles `source` as the heap's program (replacing any other).
  async load(source, chunkName = "=input") {
    await this.#channel.call("load", source, chunkName);
    this.#status = "ready";
  }

  /// Runs the program until it ends, fails or is paused.
  /// Resolves to { status: "done" | "error" | "paused", error? }.
  run() {
    return this.#channel.call("run");
  }

  /// Stops a run after its current slice; `run()` then resolves with "paused".
  pause() {
    return this.#channel.call("pause");
  }

  /// Makes the current state the checkpoint. Resolves to { epoch, pagesWritten, millis }.
  checkpoint() {
    return this.#channel.call("checkpoint");
  }

  /// Automatic checkpoints every `seconds` while running (0: off).
  setAutoCheckpoint(seconds) {
    return this.#channel.call("setAutoCheckpoint", seconds);
  }

  /// Fresh statistics.
  async refreshStats() {
    this.#stats = await this.#channel.call("stats");
    return this.#stats;
  }

  /// The page table in `cells` cells: 0 on the store only, 1 resident, 2 dirty.
  pageMap(cells = 256) {
    return this.#channel.call("pageMap", cells);
  }

  /// Gives the program an input: sets Lua global `name` to `value` (null,
  /// booleans, numbers, strings, arrays, plain objects; no functions or cycles).
  setGlobal(name, value) {
    return this.#channel.call("setGlobal", name, value);
  }

  /// Reads a result: the value of Lua global `name` (tables become arrays or objects).
  getGlobal(name) {
    return this.#channel.call("getGlobal", name);
  }

  /// The last checkpoint as a checkpoint file (Blob), which `VHeap.import`
  /// and the CLI's `vheap import` read.
  exportCheckpoint() {
    return this.#channel.call("exportCheckpoint");
  }

  /// Closes the heap (work since the last checkpoint is dropped) and its worker.
  async close() {
    try {
      await this.#channel.call("close");
    } finally {
      this.#channel.terminate();
    }
  }
}
