// The live heap view: size against memory, counters, a chart of the last
// minute and a picture of the page table.
import { bytes, count, rate, clock, duration } from "./format.js";

const WINDOW_MS = 60_000;
const $ = (id) => document.getElementById(id);

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/// Sizes a canvas's backing store to its CSS box (sharp on high-DPI screens).
function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width: canvas.clientWidth, height: canvas.clientHeight };
}

export class HeapView {
  constructor() {
    this.chart = $("chart");
    this.pagemap = $("pagemap");
    this.reset();
    new ResizeObserver(() => { this.drawChart(); this.drawPageMap(); }).observe(this.chart);
  }

  reset(name = "") {
    this.samples = [];      // { t, faults, evictions, resident, frames }
    this.marks = [];        // times of checkpoints, drawn across the chart
    this.last = null;       // the previous stats, for rates
    this.stats = null;
    this.map = null;
    this.checkpointAt = 0;
    this.checkpointMillis = null;
    this.checkpointPages = null;
    $("st-checkpoint-took").textContent = "";
    $("view-name").textContent = name ? `· ${name}` : "";
    for (const id of ["st-resident", "st-dirty", "st-faults", "st-evictions", "st-read", "st-written", "st-checkpoint", "heap-size", "mem-size"]) {
      $(id).textContent = "–";
    }
    $("bar-heap").style.width = "0";
    $("bar-mem").style.width = "0";
    $("ratio-text").textContent = name ? "Opening…" : "Run a program to see its heap. The “Big live heap” example shows paging best.";
    $("pagemap-scale").textContent = "";
    this.drawChart();
    this.drawPageMap();
  }

  /// A checkpoint just finished (`report`: { epoch, pagesWritten, millis }).
  checkpointed(report, at = Date.now()) {
    this.checkpointAt = at;
    if (report) {
      this.marks.push(performance.now());
      if (this.marks.length > 100) this.marks.shift();
      this.checkpointMillis = report.millis;
      this.checkpointPages = report.pagesWritten;
    }
    this.showCheckpoint();
  }

  showCheckpoint() {
    $("st-checkpoint").textContent = this.checkpointAt ? clock(this.checkpointAt) : "–";
    $("st-checkpoint-took").textContent = this.checkpointMillis == null ? ""
      : `· ${duration(this.checkpointMillis)}${this.checkpointPages != null ? `, ${count(this.checkpointPages)} pages` : ""}`;
    const epoch = this.stats?.epoch;
    $("st-checkpoint").title = epoch ? `checkpoint number ${epoch}` : "";
  }

  update(stats) {
    if (!stats) return;
    const now = performance.now();
    let faultRate = null;
    let evictionRate = null;
    if (this.last && now - this.last.t > 0) {
      const secs = (now - this.last.t) / 1000;
      faultRate = Math.max(0, stats.faults - this.last.stats.faults) / secs;
      evictionRate = Math.max(0, stats.evictions - this.last.stats.evictions) / secs;
    }
    // Rates need two samples some time apart; closer ones would be noise.
    if (this.running && (!this.last || now - this.last.t >= 400)) {
      this.last = { t: now, stats };
      if (faultRate != null) {
        this.samples.push({ t: now, faults: faultRate, evictions: evictionRate, resident: stats.residentFrames, frames: stats.frames });
        while (this.samples.length && now - this.samples[0].t > WINDOW_MS) this.samples.shift();
        this.rates = { faults: faultRate, evictions: evictionRate };
      }
    }
    if (!this.running) this.rates = { faults: 0, evictions: 0 };
    this.stats = stats;
    const heap = stats.bytesInUse;
    const memory = stats.physicalSize;
    const top = Math.max(heap, memory, 1);
    $("heap-size").textContent = bytes(heap);
    $("heap-size").title = `virtual address space ${bytes(stats.virtualSize)}`;
    $("mem-size").textContent = bytes(memory);
    $("mem-size").title = `${count(stats.frames)} frames of ${bytes(stats.pageSize)}`;
    $("bar-heap").style.width = `${(heap / top) * 100}%`;
    $("bar-mem").style.width = `${Math.max(0.5, (memory / top) * 100)}%`;
    const times = heap / Math.max(memory, 1);
    const ratio = $("ratio-text");
    ratio.textContent = "";
    if (times >= 1.5) {
      ratio.append("The heap is ");
      const strong = document.createElement("strong");
      strong.textContent = `${times >= 10 ? Math.round(times) : times.toFixed(1)}× larger`;
      ratio.append(strong, ` than the memory it runs in; ${bytes(stats.pageSize)} pages move to and from IndexedDB.`);
    } else {
      ratio.append(`The heap fits in memory so far (${bytes(stats.pageSize)} pages). Try the big-heap example with 2–4 MiB.`);
    }
    $("st-resident").textContent = `${count(stats.residentFrames)} / ${count(stats.frames)}`;
    $("st-dirty").textContent = count(stats.dirtyFrames);
    $("st-faults").textContent = this.rates ? rate(this.rates.faults) : "0";
    $("st-faults").title = `${count(stats.faults)} in all`;
    $("st-evictions").textContent = this.rates ? rate(this.rates.evictions) : "0";
    $("st-evictions").title = `${count(stats.evictions)} in all`;
    $("st-read").textContent = bytes(stats.bytesRead);
    $("st-written").textContent = bytes(stats.bytesWritten);
    this.showCheckpoint();
    this.drawChart();
  }

  /// Whether the program runs: rates are zero, and not sampled, when it does not.
  setRunning(running) {
    if (running === this.running) return;
    this.running = running;
    this.last = null;
    if (!running) this.rates = { faults: 0, evictions: 0 };
  }

  drawChart() {
    const { ctx, width, height } = fit(this.chart);
    ctx.clearRect(0, 0, width, height);
    const now = performance.now();
    const pad = { l: 4, r: 4, t: 16, b: 4 };
    const w = width - pad.l - pad.r;
    const h = height - pad.t - pad.b;
    // A young run fills the chart rather than being a sliver at its edge.
    const span = Math.min(WINDOW_MS, Math.max(10_000, now - (this.samples[0]?.t ?? now)));
    const x = (t) => pad.l + w - ((now - t) / span) * w;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = css("--muted");
    if (!this.samples.length) {
      ctx.fillText("faults, evictions and memory use while the program runs", pad.l + 4, pad.t + 14);
      return;
    }
    // Memory in use (resident frames of all frames) as a background area.
    ctx.fillStyle = css("--resident");
    ctx.beginPath();
    ctx.moveTo(x(this.samples[0].t), pad.t + h);
    for (const s of this.samples) ctx.lineTo(x(s.t), pad.t + h - (s.resident / Math.max(1, s.frames)) * h);
    ctx.lineTo(x(this.samples[this.samples.length - 1].t), pad.t + h);
    ctx.closePath();
    ctx.fill();
    ctx.strokeStyle = css("--ok");
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    for (const t of this.marks) {
      if (now - t > span) continue;
      ctx.beginPath();
      ctx.moveTo(Math.round(x(t)) + 0.5, pad.t);
      ctx.lineTo(Math.round(x(t)) + 0.5, pad.t + h);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    const top = Math.max(10, ...this.samples.map((s) => Math.max(s.faults, s.evictions)));
    for (const [key, color] of [["evictions", css("--evictions")], ["faults", css("--faults")]]) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      this.samples.forEach((s, i) => {
        const y = pad.t + h - (s[key] / top) * h;
        if (i === 0) ctx.moveTo(x(s.t), y); else ctx.lineTo(x(s.t), y);
      });
      ctx.stroke();
    }
    ctx.fillStyle = css("--muted");
    ctx.fillText(`${rate(top)}/s`, pad.l + 2, 11);
    ctx.textAlign = "right";
    ctx.fillText("now", width - pad.r - 2, 11);
    ctx.textAlign = "left";
  }

  /// How many cells the page-table picture has room for.
  cells() {
    const width = this.pagemap.clientWidth || 300;
    return Math.max(16, Math.floor(width / 9)) * 12;
  }

  /// `map`: one byte per cell, 0 store only, 1 resident, 2 dirty.
  showPageMap(map) {
    this.map = map;
    if (this.stats && map?.length) {
      const pages = Math.max(1, Math.round(this.stats.virtualSize / this.stats.pageSize));
      const per = pages / map.length;
      $("pagemap-scale").textContent = `· ${count(pages)} pages${per > 1.05 ? `, ${per < 10 ? per.toFixed(1) : count(per)} per cell` : ""}`;
    }
    this.drawPageMap();
  }

  drawPageMap() {
    const { ctx, width, height } = fit(this.pagemap);
    ctx.clearRect(0, 0, width, height);
    const map = this.map;
    if (!map?.length) {
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = css("--muted");
      ctx.fillText("each cell is a group of pages of the heap's address space", 4, 16);
      return;
    }
    const cols = Math.max(16, Math.floor(width / 9));
    const rows = Math.max(1, Math.ceil(map.length / cols));
    const cw = width / cols;
    const ch = Math.min(height / rows, cw * 1.4);
    const colors = [css("--store"), css("--clean"), css("--dirty")];
    for (let i = 0; i < map.length; i++) {
      ctx.fillStyle = colors[map[i]] ?? colors[0];
      const cx = (i % cols) * cw;
      const cy = Math.floor(i / cols) * ch;
      ctx.fillRect(cx + 0.5, cy + 0.5, Math.max(1, cw - 1.5), Math.max(1, ch - 1.5));
    }
  }
}
