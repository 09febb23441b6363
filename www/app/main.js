// The demo page: an editor, the controls of one open heap, its console and
// live view, and the heaps stored in this browser.
//
// One heap is open in this tab at a time (`current`). Run starts the
// editor's program from the beginning in the heap named in the settings,
// replacing what that heap held; Pause and Checkpoint commit it; a reload
// reopens it at its last checkpoint, with what it had printed until then.
import { VHeap } from "../vheap.js";
import { createEditor } from "../build/editor.js";
import { HeapView } from "./heapview.js";
import { bytes, when, clock, explain, validName, toName } from "./format.js";

const EXAMPLES = [
  { file: "hello.lua", title: "Hello, world", memory: 8 },
  { file: "big-tree.lua", title: "Big live heap (48 MiB in 3 MiB)", memory: 3 },
  { file: "long.lua", title: "Long computation, with progress", memory: 4 },
  { file: "coroutines.lua", title: "Coroutines", memory: 8 },
  { file: "error.lua", title: "A program that fails", memory: 8 },
];

const $ = (id) => document.getElementById(id);

// localStorage may be unavailable (privacy settings); the page works without it.
const saved = {
  get(key, fallback = null) {
    try { return localStorage.getItem(`vheap.${key}`) ?? fallback; } catch { return fallback; }
  },
  set(key, value) {
    try { if (value == null) localStorage.removeItem(`vheap.${key}`); else localStorage.setItem(`vheap.${key}`, value); } catch { /* not kept */ }
  },
};

const view = new HeapView();
let editor = null;
/// The open heap: { vm, name, status, run (promise while running), source, closing }.
let current = null;
let busy = false;
let heaps = [];

// ---------------------------------------------------------------- messages

let noticeTimer = 0;
function notify(text, kind = "info") {
  clearTimeout(noticeTimer);
  const box = $("notice");
  box.className = `notice ${kind}`;
  box.dataset.kind = kind;
  $("notice-text").textContent = text;
  box.hidden = false;
  // Errors stay until dismissed or replaced; news fades.
  if (kind !== "error") noticeTimer = setTimeout(() => { box.hidden = true; }, 15_000);
}

function hideNotice() {
  clearTimeout(noticeTimer);
  $("notice").hidden = true;
}

const STATUS_TEXT = {
  none: "no program running", opening: "opening…", empty: "no program", running: "running", pausing: "pausing…",
  paused: "paused", done: "finished", error: "stopped by an error", failed: "storage failed", stopped: "stopped",
};

function showStatus(status = current?.status ?? "none", text = STATUS_TEXT[status] ?? status) {
  const badge = $("status");
  badge.dataset.status = status;
  badge.textContent = text;
  document.body.dataset.status = status;
  view.setRunning(status === "running");
  updateButtons();
}

function updateButtons() {
  const s = current?.status;
  const open = Boolean(current);
  $("run").disabled = busy;
  $("pause").disabled = busy || s !== "running";
  $("resume").disabled = busy || s !== "paused";
  $("stop").disabled = busy || !(s === "running" || s === "paused");
  $("checkpoint").disabled = busy || !open || s === "empty" || s === "failed";
  $("export").disabled = busy || !open || s === "empty";
  document.body.dataset.busy = busy ? "1" : "";
  for (const b of document.querySelectorAll("#heaps button")) b.disabled = busy || (b.dataset.action === "open" && current?.name === b.closest("tr").dataset.name);
}

/// Runs one user action at a time; a failure becomes a message in words.
async function act(what, fn) {
  if (busy) return;
  busy = true;
  updateButtons();
  try {
    await fn();
  } catch (error) {
    notify(explain(error, what), "error");
    if (!current) showStatus("none");
  } finally {
    busy = false;
    updateButtons();
  }
}

// ---------------------------------------------------------------- console

function clearConsole() {
  $("output").textContent = "";
  clearError();
}

function appendOutput(text) {
  const out = $("output");
  const stick = out.scrollTop + out.clientHeight >= out.scrollHeight - 8;
  out.append(text);
  // Long-running output is trimmed at the top so the page stays light.
  while (out.childNodes.length > 2000) out.firstChild.remove();
  if (stick) out.scrollTop = out.scrollHeight;
}

function markConsole(label) {
  const mark = document.createElement("span");
  mark.className = "mark";
  mark.dataset.label = label;
  $("output").append(mark);
}

function clearError() {
  $("error").hidden = true;
  editor?.markError(null);
}

/// Shows an error of the program (or of its compilation) and marks its line
/// if it is in the program now in the editor.
function showError({ message, traceback, line }, { syntax = false } = {}) {
  $("error-lead").textContent = syntax
    ? `The program does not compile${line ? ` (line ${line})` : ""}:`
    : `The program stopped with an error${line ? ` on line ${line}` : ""}:`;
  $("error-message").textContent = message;
  $("error-trace").textContent = traceback ?? "";
  $("error-trace-box").hidden = !traceback;
  $("error").hidden = false;
  const ours = current ? message.startsWith(`${current.name}.lua:`) : syntax;
  if (line && ours && (!current?.source || current.source === editor.getText())) editor.markError(line);
}

// ---------------------------------------------------------------- heap life

function options() {
  return {
    memory: `${Number($("memory").value)}MiB`,
    pageSize: Number($("page-size").value),
    autoCheckpoint: Number($("auto-checkpoint").value),
  };
}

/// Opens `name`; a heap just closed by a reload may stay locked a moment.
async function openWithRetry(name, attempts) {
  for (let i = 1; ; i++) {
    try {
      return await VHeap.open({ name, ...options() });
    } catch (error) {
      if (error.code !== "LOCKED" || i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function attach(vm, name) {
  const cur = { vm, name, status: "empty", run: null, source: saved.get(`source:${name}`), closing: false };
  current = cur;
  vm.onOutput((text) => { if (current === cur) appendOutput(text); });
  vm.addEventListener("stats", (e) => { if (current === cur) view.update(e.detail.stats); });
  vm.addEventListener("checkpoint", (e) => {
    if (current !== cur) return;
    view.checkpointed(e.detail.report);
    refreshHeapsSoon();
  });
  view.reset(name);
  view.update(vm.stats());
  $("heap-name").value = name;
  saved.set("current", name);
  return cur;
}

/// Pauses, checkpoints (if asked) and closes the open heap.
async function closeCurrent({ checkpoint }) {
  const cur = current;
  if (!cur) return;
  cur.closing = true;
  try {
    if (cur.status === "running") {
      await cur.vm.pause();
      await cur.run;
    }
    if (checkpoint && !["empty", "failed"].includes(cur.status)) await cur.vm.checkpoint();
  } finally {
    current = null;
    await cur.vm.close().catch(() => {});
  }
}

function startRun() {
  const cur = current;
  cur.status = "running";
  showStatus();
  cur.run = cur.vm.run().then(
    (result) => finished(cur, result),
    (error) => {
      if (current !== cur) return;
      cur.status = "failed";
      showStatus();
      notify(explain(error, "go on running the program"), "error");
    },
  ).finally(() => { cur.run = null; });
}

function finished(cur, { status, error }) {
  if (current !== cur) return;
  cur.status = status;
  if (status === "error" && error) showError(error);
  showStatus();
  refreshView();
  refreshHeapsSoon();
}

async function runProgram() {
  const name = $("heap-name").value.trim();
  if (!validName(name)) {
    notify("A heap name may use letters, digits, '.', '_' and '-' (and not start with '.').", "error");
    $("heap-name").focus();
    return;
  }
  hideNotice();
  const source = editor.getText();
  clearError();
  await closeCurrent({ checkpoint: current?.name !== name });
  clearConsole();
  view.reset(name);
  showStatus("opening");
  // Run starts afresh: the heap is made anew, so the page size chosen now
  // applies and nothing of an earlier run lingers in it.
  if ((await VHeap.list()).some((h) => h.name === name)) await VHeap.delete(name);
  const cur = attach(await VHeap.open({ name, ...options() }), name);
  cur.source = source;
  try {
    await cur.vm.load(source, `=${name}.lua`);
  } catch (error) {
    if (error.code !== "SYNTAX") throw error;
    showError({ message: error.message, line: error.line }, { syntax: true });
    await closeCurrent({ checkpoint: false });
    await VHeap.delete(name).catch(() => {});
    saved.set("current", null);
    view.reset();
    showStatus("error", "does not compile");
    refreshHeapsSoon();
    return;
  }
  saved.set(`source:${name}`, source);
  startRun();
  refreshHeapsSoon(0);
}

async function pauseProgram() {
  const cur = current;
  if (cur?.status !== "running") return;
  showStatus("pausing");
  await cur.vm.pause();
  await cur.run;
  if (cur.status !== "paused") return;
  await checkpointNow();
  notify("Paused and checkpointed. You can Resume, reload the page, or export the heap: it goes on from here.", "ok");
}

function resumeProgram() {
  if (current?.status !== "paused") return;
  hideNotice();
  clearError();
  startRun();
}

async function stopProgram() {
  const cur = current;
  if (!cur) return;
  const at = view.checkpointAt;
  await closeCurrent({ checkpoint: false });
  view.reset();
  showStatus("stopped");
  notify(`Stopped. The heap “${cur.name}” is closed at its last checkpoint${at ? ` (${clock(at)})` : ""}, as if the tab had been closed: `
    + "Open it from the list below to go on from there, or Run to start over.");
  refreshHeapsSoon(0);
}

async function checkpointNow() {
  const cur = current;
  if (!cur) return;
  const report = await cur.vm.checkpoint();
  if (current === cur) view.checkpointed(report);
  await refreshView();
}

/// Opens a stored heap: the console shows what its program had printed up
/// to its checkpoint, and Resume continues it.
async function openHeap(name, { auto = false } = {}) {
  hideNotice();
  await closeCurrent({ checkpoint: true });
  clearConsole();
  view.reset(name);
  showStatus("opening");
  let vm;
  try {
    vm = await openWithRetry(name, auto ? 6 : 2);
  } catch (error) {
    view.reset();
    showStatus("none");
    if (auto) saved.set("current", error.code === "LOCKED" ? name : null);
    throw error;
  }
  const cur = attach(vm, name);
  showRestored(cur);
  refreshHeapsSoon(0);
}

function showRestored(cur) {
  const { vm, name } = cur;
  const status = vm.status === "ready" ? "paused" : vm.status;
  cur.status = status;
  if (cur.source && cur.source !== editor.getText()) {
    editor.setText(cur.source);
    selectExample(null);
  }
  const info = heaps.find((h) => h.name === name);
  if (info?.updated) view.checkpointed(null, info.updated);
  const transcript = vm.transcript ?? "";
  $("output").textContent = transcript;
  const at = info?.updated ? ` (${when(info.updated)})` : "";
  if (status === "paused") {
    if (transcript) markConsole(`restored from the checkpoint${at}; Resume continues from here`);
    notify(`“${name}” is open at its last checkpoint${at}. Press Resume to continue the program.`, "ok");
  } else if (status === "done") {
    markConsole("the program had finished");
  } else if (status === "error") {
    markConsole("the program had stopped with an error");
  }
  showStatus();
  refreshView();
}

// ---------------------------------------------------------------- live view

async function refreshView() {
  const cur = current;
  if (!cur || cur.closing) return;
  try {
    const [stats, map] = await Promise.all([cur.vm.refreshStats(), cur.vm.pageMap(view.cells())]);
    if (current !== cur || cur.closing) return;
    view.update(stats);
    view.showPageMap(map);
  } catch {
    // The heap closed meanwhile; the next one draws itself.
  }
}

let lastMapPoll = 0;
setInterval(async () => {
  const cur = current;
  if (!cur || cur.closing || busy || document.hidden) return;
  const now = performance.now();
  if (cur.status === "running") {
    if (now - lastMapPoll < 450) return;
    lastMapPoll = now;
    try {
      const map = await cur.vm.pageMap(view.cells());
      if (current === cur) view.showPageMap(map);
    } catch { /* closed meanwhile */ }
  } else {
    view.drawChart();
  }
}, 250);

// ---------------------------------------------------------------- heaps list

// Checkpoints come in bursts: the list is refreshed once they pause, but
// at least every few seconds while they keep coming.
let heapsTimer = 0;
let heapsDue = 0;
function refreshHeapsSoon(delay = 800) {
  const now = performance.now();
  if (!heapsTimer) heapsDue = now + 3000;
  clearTimeout(heapsTimer);
  heapsTimer = setTimeout(() => {
    heapsTimer = 0;
    refreshHeaps().catch(() => {});
  }, Math.max(0, Math.min(delay, heapsDue - now)));
}

async function refreshHeaps({ force = false } = {}) {
  // A name being edited is not swept away by a refresh that a checkpoint asked for.
  if (!force && $("heaps").querySelector("input")) return refreshHeapsSoon();
  heaps = await VHeap.list();
  heaps.sort((a, b) => (b.updated ?? 0) - (a.updated ?? 0));
  const body = $("heaps");
  body.textContent = "";
  for (const h of heaps) body.append(heapRow(h));
  $("heaps-empty").hidden = heaps.length > 0;
  $("heaps-table").hidden = heaps.length === 0;
  updateButtons();
  try {
    const { usage, quota, persisted } = await VHeap.storage();
    $("storage").textContent = `Storage used by this site: ${bytes(usage)} of ${bytes(quota)} available`
      + (persisted ? " · kept even when the browser needs room." : " · the browser may clear it when it needs room.");
  } catch {
    $("storage").textContent = "";
  }
}

function cell(className, text) {
  const td = document.createElement("td");
  td.className = className;
  td.textContent = text;
  return td;
}

function actionButton(action, text, title) {
  const b = document.createElement("button");
  b.className = "small";
  b.dataset.action = action;
  b.textContent = text;
  b.title = title;
  return b;
}

function heapRow(h) {
  const tr = document.createElement("tr");
  tr.dataset.name = h.name;
  const name = cell("name", h.name);
  if (current?.name === h.name) {
    tr.classList.add("current");
    const here = document.createElement("span");
    here.className = "here";
    here.textContent = "open here";
    name.append(here);
  }
  const size = cell("size", bytes(h.bytesInUse));
  size.title = `virtual size ${bytes(h.virtualSize)}, pages of ${bytes(h.pageSize)}`;
  const actions = document.createElement("td");
  actions.className = "actions";
  const list = document.createElement("div");
  list.className = "action-list";
  actions.append(list);
  list.append(
    actionButton("open", "Open", "Open this heap here; Resume continues its program"),
    actionButton("export", "Export", "Download its last checkpoint as a file"),
    actionButton("rename", "Rename", "Give this heap another name"),
    actionButton("delete", "Delete", "Delete this heap from this browser"),
  );
  list.lastChild.classList.add("danger");
  tr.append(name, cell("label", h.label || "–"), size, cell("updated", when(h.updated)), actions);
  return tr;
}

$("heaps").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const name = button.closest("tr").dataset.name;
  const action = button.dataset.action;
  if (action === "open") act(`open heap “${name}”`, () => openHeap(name));
  if (action === "export") act(`export heap “${name}”`, () => exportHeap(name));
  if (action === "rename") startRename(button.closest("tr"), name);
  if (action === "delete") {
    // A second click within a few seconds confirms.
    if (button.dataset.confirm) {
      act(`delete heap “${name}”`, () => deleteHeap(name));
    } else {
      button.dataset.confirm = "1";
      button.textContent = "Really delete?";
      setTimeout(() => { if (button.isConnected) { delete button.dataset.confirm; button.textContent = "Delete"; } }, 4000);
    }
  }
});

async function deleteHeap(name) {
  if (current?.name === name) {
    await closeCurrent({ checkpoint: false });
    view.reset();
    clearConsole();
    showStatus("none");
    saved.set("current", null);
  }
  await VHeap.delete(name);
  saved.set(`source:${name}`, null);
  notify(`Deleted heap “${name}”.`, "ok");
  await refreshHeaps();
}

function startRename(tr, name) {
  const td = tr.querySelector("td.name");
  const input = document.createElement("input");
  input.value = name;
  input.setAttribute("aria-label", `New name for ${name}`);
  td.textContent = "";
  td.append(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (commit) => {
    if (done) return;
    done = true;
    const to = input.value.trim();
    const redraw = () => refreshHeaps({ force: true }).catch(() => {});
    if (!commit || to === name) return void redraw();
    act(`rename heap “${name}”`, () => renameHeap(name, to)).then(redraw);
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") finish(true);
    if (e.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
}

/// A heap is renamed by copying its checkpoint under the new name and
/// deleting the old one (the store has no rename).
async function renameHeap(from, to) {
  if (!validName(to)) throw Object.assign(new Error("bad name"), { code: "BAD_NAME" });
  if (heaps.some((h) => h.name === to)) throw Object.assign(new Error("exists"), { code: "EXISTS" });
  const wasOpen = current?.name === from;
  if (wasOpen) await closeCurrent({ checkpoint: true });
  const file = await VHeap.exportHeap(from);
  const copy = await VHeap.import(file, { name: to, ...options() });
  try {
    await VHeap.delete(from);
  } catch (error) {
    // The old heap is in use elsewhere: undo the copy rather than keep two.
    await copy.close();
    await VHeap.delete(to).catch(() => {});
    throw error;
  }
  saved.set(`source:${to}`, saved.get(`source:${from}`));
  saved.set(`source:${from}`, null);
  if (wasOpen) {
    const cur = attach(copy, to);
    await refreshHeaps({ force: true });
    showRestored(cur);
  } else {
    await copy.close();
  }
  notify(`Renamed “${from}” to “${to}”.`, "ok");
}

// ---------------------------------------------------------------- migration

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function exportHeap(name) {
  let blob;
  if (current?.name === name) {
    // The file holds the last checkpoint: make that now, so it is up to date.
    if (["running", "paused", "done", "error"].includes(current.status)) await checkpointNow();
    blob = await current.vm.exportCheckpoint();
  } else {
    blob = await VHeap.exportHeap(name);
  }
  download(blob, `${name}.vheap`);
  notify(`Exported “${name}” as ${name}.vheap (${bytes(blob.size)}). Import it in another browser, or on the command line: `
    + `vheap import ${name}.vheap ${name} && vheap resume ${name}`, "ok");
}

async function importFile(file) {
  if (!file) return;
  hideNotice();
  const taken = new Set((await VHeap.list()).map((h) => h.name));
  const base = toName(file.name);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  // Imported and opened before the open heap is closed: a bad file changes nothing.
  const vm = await VHeap.import(file, { name, ...options() });
  await closeCurrent({ checkpoint: true });
  clearConsole();
  await refreshHeaps();
  const cur = attach(vm, name);
  showRestored(cur);
  if (cur.status === "paused") notify(`Imported “${file.name}” as heap “${name}”. Press Resume: the program continues where it stopped.`, "ok");
  else notify(`Imported “${file.name}” as heap “${name}”.`, "ok");
  await refreshHeaps();
}

$("import-file").addEventListener("change", (e) => {
  const file = e.target.files[0];
  e.target.value = "";
  act(`import “${file?.name}”`, () => importFile(file));
});

// A file dragged anywhere over the page can be dropped to import it.
let dragDepth = 0;
const carriesFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes("Files");
window.addEventListener("dragenter", (e) => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  dragDepth++;
  $("drop").hidden = false;
});
window.addEventListener("dragover", (e) => { if (carriesFiles(e)) e.preventDefault(); });
window.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) $("drop").hidden = true;
});
window.addEventListener("drop", (e) => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  $("drop").hidden = true;
  const file = e.dataTransfer.files[0];
  act(`import “${file?.name}”`, () => importFile(file));
});

// ---------------------------------------------------------------- examples

function selectExample(file) {
  $("example").value = EXAMPLES.some((e) => e.file === file) ? file : "";
  saveDraftSoon();
}

let draftTimer = 0;
function saveDraftSoon() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    saved.set("draft", editor.getText());
    saved.set("draft-example", $("example").value);
    saved.set("draft-name", $("heap-name").value);
  }, 300);
}

async function loadExample(file) {
  const example = EXAMPLES.find((e) => e.file === file);
  if (!example) return;
  const response = await fetch(`examples/${file}`);
  if (!response.ok) throw new Error(`the example ${file} could not be loaded (${response.status})`);
  editor.setText(await response.text());
  clearError();
  $("heap-name").value = file.replace(/\.lua$/, "");
  $("memory").value = String(example.memory);
  saved.set("memory", $("memory").value);
  selectExample(file);
}

function fillExamples() {
  const select = $("example");
  const custom = document.createElement("option");
  custom.value = "";
  custom.textContent = "(your program)";
  custom.hidden = true;
  select.append(custom);
  for (const e of EXAMPLES) {
    const option = document.createElement("option");
    option.value = e.file;
    option.textContent = e.title;
    select.append(option);
  }
  select.addEventListener("change", () => act("load the example", () => loadExample(select.value)));
}

// ---------------------------------------------------------------- controls

function wire() {
  $("run").addEventListener("click", () => act("run the program", runProgram));
  $("pause").addEventListener("click", () => act("pause the program", pauseProgram));
  $("resume").addEventListener("click", () => act("resume the program", async () => resumeProgram()));
  $("stop").addEventListener("click", () => act("stop the program", stopProgram));
  $("checkpoint").addEventListener("click", () => act("take a checkpoint", async () => {
    await checkpointNow();
    notify(`Checkpoint taken: reloading the page or exporting the heap now goes on from ${clock(view.checkpointAt)}.`, "ok");
  }));
  $("export").addEventListener("click", () => { if (current) act(`export heap “${current.name}”`, () => exportHeap(current.name)); });
  $("refresh-heaps").addEventListener("click", () => act("list the heaps", refreshHeaps));
  $("notice-close").addEventListener("click", hideNotice);
  for (const id of ["memory", "page-size", "auto-checkpoint"]) {
    const select = $(id);
    const kept = saved.get(id);
    if (kept && [...select.options].some((o) => o.value === kept)) select.value = kept;
    select.addEventListener("change", () => saved.set(id, select.value));
  }
  $("auto-checkpoint").addEventListener("change", () => {
    current?.vm.setAutoCheckpoint(Number($("auto-checkpoint").value)).catch(() => {});
  });
  // Shortcuts are caught before the editor sees them (Ctrl-Enter would insert a line there).
  window.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    let handled = true;
    if (key === "enter" && e.shiftKey) $("resume").click();
    else if (key === "enter") $("run").click();
    else if (key === "." && !e.shiftKey) $("pause").click();
    else if (key === "s" && !e.shiftKey) $("checkpoint").click();
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, { capture: true });
}

// ---------------------------------------------------------------- start

window.addEventListener("unhandledrejection", (e) => notify(explain(e.reason), "error"));
window.addEventListener("error", (e) => {
  // Browsers report a ResizeObserver that had to wait a frame as an error; nothing is wrong then.
  if (/ResizeObserver loop/.test(e.message)) return;
  notify(`Something went wrong in the page: ${e.message}`, "error");
});

async function start() {
  if (!("locks" in navigator) || !("indexedDB" in window)) {
    notify("This browser lacks IndexedDB or the Web Locks API that vheap needs (they need https or localhost). Try a current Chrome, Firefox or Safari.", "error");
  }
  fillExamples();
  editor = createEditor($("editor"), {
    onChange: () => {
      if ($("example").value) selectExample(null);
      saveDraftSoon();
    },
  });
  wire();
  showStatus("none");
  // The editor comes back as it was left: text, example and heap name.
  const draft = saved.get("draft");
  if (draft != null) {
    editor.setText(draft);
    $("heap-name").value = saved.get("draft-name", "program");
    selectExample(saved.get("draft-example", ""));
  } else {
    await loadExample(EXAMPLES[0].file);
  }
  $("heap-name").addEventListener("change", saveDraftSoon);
  await act("list the heaps", refreshHeaps);
  const last = saved.get("current");
  if (last && heaps.some((h) => h.name === last)) {
    await act(`open heap “${last}”`, () => openHeap(last, { auto: true }));
  }
  document.body.dataset.ready = "1";
}

start();
