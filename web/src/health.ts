// System health: per-topic throughput, consumer lag, pipeline latency, CPU and memory, from
// /v1/topics and /metrics, as rolling five-minute charts.
import uPlot from "uplot";
import * as api from "./api";

const WINDOW = 300;  // samples (seconds) kept
const PALETTE = ["#4fc3f7", "#ffb020", "#b57bff", "#ff4d4f", "#66d19e", "#f06292", "#9ccc65", "#ffd54f"];

class RollingChart {
  private chart: uPlot | null = null;
  private names: string[] = [];
  private xs: number[] = [];
  private ys: number[][] = [];
  constructor(private box: HTMLElement, private axisLabels: string[] = []) {}

  push(time: number, values: Record<string, number>): void {
    const names = Object.keys(values).sort();
    if (names.join("\u0000") !== this.names.join("\u0000")) {
      // A new series (a topic or pipeline appeared): start the chart over with it.
      this.names = names;
      this.xs = [];
      this.ys = names.map(() => []);
      this.chart?.destroy();
      this.chart = null;
    }
    this.xs.push(time);
    names.forEach((n, i) => this.ys[i].push(values[n]));
    if (this.xs.length > WINDOW) { this.xs.shift(); this.ys.forEach((y) => y.shift()); }
    this.render();
  }

  resize(): void { this.render(); }

  private render(): void {
    if (this.box.offsetParent === null) return;  // hidden page
    const width = this.box.getBoundingClientRect().width || 400;
    const data = [this.xs, ...this.ys] as uPlot.AlignedData;
    if (!this.chart) {
      this.chart = new uPlot({
        width, height: 180,
        series: [{}, ...this.names.map((n, i) => ({ label: this.axisLabels[i] ?? n, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false } }))],
        axes: [{ stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" } }, { stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" }, size: 60 }],
        scales: { x: { time: true } },
      }, data, this.box);
    } else {
      this.chart.setSize({ width, height: 180 });
      this.chart.setData(data);
    }
  }
}

export class HealthPage {
  private topics = new RollingChart(document.getElementById("h-topics")!);
  private lag = new RollingChart(document.getElementById("h-lag")!);
  private latency = new RollingChart(document.getElementById("h-latency")!);
  private process = new RollingChart(document.getElementById("h-process")!, ["CPU (cores)", "RSS (MiB)"]);
  private last: { time: number; records: Map<string, number>; cpu: number; latencySum: number; latencyCount: number } | null = null;

  resize(): void { [this.topics, this.lag, this.latency, this.process].forEach((c) => c.resize()); }

  async update(topicList: api.TopicInfo[]): Promise<void> {
    const samples = api.parseMetrics(await api.metricsText());
    const now = Date.now() / 1000;
    const records = new Map(topicList.map((t) => [t.name, t.partitions.reduce((a, p) => a + p.end_offset, 0)]));
    const cpu = api.sum(samples, "process_cpu_seconds_total");
    const latencySum = api.sum(samples, "caudal_pipeline_processing_seconds_sum");
    const latencyCount = api.sum(samples, "caudal_pipeline_processing_seconds_count");
    const rss = api.sum(samples, "process_resident_memory_bytes") / (1 << 20);
    const rates: Record<string, number> = {};
    const table: string[] = [];
    for (const t of topicList) {
      const before = this.last?.records.get(t.name);
      const rate = this.last && before !== undefined ? (records.get(t.name)! - before) / (now - this.last.time) : 0;
      if (!t.name.endsWith(".dead_letter")) rates[t.name] = Math.max(0, rate);
      table.push(`<tr><td>${t.name}</td><td>${t.partitions.length}</td><td>${t.records.toLocaleString()}</td><td>${(t.size_bytes / (1 << 20)).toFixed(1)} MiB</td><td>${Math.round(rate).toLocaleString()}/s</td></tr>`);
    }
    document.getElementById("h-topic-table")!.innerHTML = table.join("");
    const lag: Record<string, number> = {};
    for (const s of samples) {
      if (s.name === "caudal_pipeline_lag_offsets") lag[s.labels.pipeline] = (lag[s.labels.pipeline] ?? 0) + s.value;
    }
    if (this.last) {
      const dt = now - this.last.time;
      this.topics.push(now, rates);
      this.lag.push(now, lag);
      const batches = latencyCount - this.last.latencyCount;
      this.latency.push(now, { "per batch": batches > 0 ? ((latencySum - this.last.latencySum) / batches) * 1000 : 0 });
      this.process.push(now, { a: (cpu - this.last.cpu) / dt, b: rss });
    }
    this.last = { time: now, records, cpu, latencySum, latencyCount };
  }
}
