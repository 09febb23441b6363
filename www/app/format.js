// Numbers and failures in words.

export function bytes(n) {
  if (n == null || !Number.isFinite(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

export function count(n) {
  if (n == null || !Number.isFinite(n)) return "–";
  return Math.round(n).toLocaleString("en-US");
}

export function rate(n) {
  if (n == null || !Number.isFinite(n)) return "–";
  return n >= 100 ? count(n) : n.toFixed(n < 10 && n > 0 ? 1 : 0);
}

export function clock(ms) {
  if (!ms) return "–";
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
}

/// "12:03:04", or "Mar 3, 12:03" for another day.
export function when(ms) {
  if (!ms) return "–";
  const d = new Date(ms);
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return clock(ms);
  return d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

export function duration(ms) {
  if (ms == null || !Number.isFinite(ms)) return "–";
  if (ms < 1) return "< 1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

const HEAP_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function validName(name) {
  return HEAP_NAME.test(name);
}

/// A valid heap name made from any text (a file name, say).
export function toName(text) {
  const name = text.replace(/\.vheap$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "").slice(0, 64);
  return name || "imported";
}

/// What went wrong, for a person: a failure of the runtime (a VHeapError
/// with its `code`) or anything else, never a stack trace. `context` names
/// what was being done ("open heap “x”").
export function explain(error, context = "") {
  const what = context ? `Could not ${context}: ` : "";
  const detail = error?.message ?? String(error);
  switch (error?.code) {
    case "LOCKED":
      return `${what}this heap is open in another tab or window of this browser. A heap runs in one place at a time: close it there (or stop it), then try again here.`;
    case "NOT_FOUND":
      return `${what}there is no such heap in this browser any more.`;
    case "EXISTS":
      return `${what}a heap with that name already exists.`;
    case "BAD_NAME":
      return `${what}heap names may use letters, digits, '.', '_' and '-' only.`;
    case "QUOTA":
      return `${what}the browser refused to store more data (its storage quota is used up). Delete heaps you no longer need, or use a smaller program.`;
    case "NOT_A_CHECKPOINT":
      return `${what}this file is not a vheap checkpoint file. Nothing was imported.`;
    case "CORRUPT_FILE":
      return `${what}this checkpoint file is damaged (${detail}). Nothing was imported.`;
    case "TRUNCATED":
      return `${what}this checkpoint file is incomplete: it ends too early, maybe an interrupted download. Nothing was imported.`;
    case "UNSUPPORTED_VERSION":
      return `${what}this checkpoint file was written by a newer version of vheap. Nothing was imported.`;
    case "TOO_LARGE":
      return `${what}this checkpoint file is larger than this browser accepts. Nothing was imported.`;
    case "CORRUPT":
      return `${what}the stored heap is damaged (${detail}).`;
    case "MEMORY_TOO_SMALL":
      return `${what}the memory budget is too small for what one instruction needs. Choose more memory and open it again.`;
    case "OUT_OF_MEMORY":
      return `${what}the heap reached its maximum size.`;
    case "CONFIG":
      return `${what}${detail}.`;
    case "IO":
      return `${what}the browser's storage failed (${detail}).`;
    default:
      return `${what}${detail}`;
  }
}
