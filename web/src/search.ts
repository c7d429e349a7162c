// The search page (Kibana Discover's role): pick an index and a time range, type a query in
// query-string syntax, see a histogram of matches over time and the newest matching documents;
// click a document to expand it, click a field's value to add it to the query. It reads the
// Elasticsearch-compatible API that Caudal also serves on its main HTTP listener
// (docs/search.md): _cat/indices, _mapping and _search.
import uPlot from "uplot";
import * as api from "./api";
import { escapeHtml } from "./map";

const RANGES: Record<string, number> = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440, "7d": 10080 };
const PAGE_SIZE = 50;

// A bucket width that gives the range about 60 bars.
function intervalFor(spanMs: number): { label: string; ms: number } {
  const steps: [string, number][] = [["1s", 1e3], ["5s", 5e3], ["10s", 1e4], ["30s", 3e4], ["1m", 6e4], ["5m", 3e5],
    ["10m", 6e5], ["30m", 18e5], ["1h", 36e5], ["3h", 108e5], ["12h", 432e5], ["1d", 864e5]];
  for (const [label, ms] of steps) if (spanMs / ms <= 90) return { label, ms };
  return { label: "1d", ms: 864e5 };
}

// Every leaf of a document as [dotted path, value], in document order.
function flatten(value: unknown, prefix = "", out: [string, unknown][] = []): [string, unknown][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

// A value as a query-string term: quoted unless it is a plain number or boolean.
function term(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `"${String(value).replace(/["\\]/g, "\\$&")}"`;
}

export class SearchPage {
  private chart: uPlot | null = null;
  private timeField = "";
  private ranOnce = false;
  private readonly $ = (id: string) => document.getElementById(id)!;

  attach(): void {
    this.$("search-form").addEventListener("submit", (e) => { e.preventDefault(); this.run(); });
    this.$("search-index").addEventListener("change", () => this.pickIndex().then(() => this.run()));
    this.$("search-range").addEventListener("change", () => this.run());
    this.$("search-results").addEventListener("click", (e) => this.onResultsClick(e));
  }

  // Called when the page is shown: the first time, list the indexes and search everything.
  async shown(): Promise<void> {
    if (this.ranOnce) return;
    this.ranOnce = true;
    await this.listIndexes();
    await this.pickIndex();
    await this.run();
  }

  private async listIndexes(): Promise<void> {
    const select = this.$("search-index") as HTMLSelectElement;
    try {
      const indexes = (await api.searchIndexes()).map((i) => i.index).sort();
      const wanted = select.value || "alarms";
      select.innerHTML = indexes.map((i) => `<option${i === wanted ? " selected" : ""}>${escapeHtml(i)}</option>`).join("");
    } catch (e) {
      this.$("search-status").textContent = `cannot list the indexes: ${(e as Error).message}`;
    }
  }

  // The index's time field: @timestamp when it has one, else its first date field.
  private async pickIndex(): Promise<void> {
    const index = (this.$("search-index") as HTMLSelectElement).value;
    this.timeField = "";
    try {
      const dates = await api.searchDateFields(index);
      this.timeField = dates.includes("@timestamp") ? "@timestamp" : dates[0] ?? "";
    } catch {
      this.timeField = "";
    }
    this.$("search-time-field").textContent = this.timeField ? `time field: ${this.timeField}` : "no time field";
  }

  private async run(): Promise<void> {
    const index = (this.$("search-index") as HTMLSelectElement).value;
    if (!index) return;
    const text = (this.$("search-query") as HTMLInputElement).value.trim();
    const range = (this.$("search-range") as HTMLSelectElement).value;
    const status = this.$("search-status");
    status.textContent = "searching…";
    const filters: unknown[] = [text ? { query_string: { query: text, default_operator: "AND" } } : { match_all: {} }];
    const now = Date.now();
    let from = RANGES[range] ? now - RANGES[range] * 60000 : NaN;
    if (this.timeField && Number.isFinite(from)) {
      filters.push({ range: { [this.timeField]: { gte: new Date(from).toISOString(), lte: new Date(now).toISOString() } } });
    }
    const query = { bool: { filter: filters } };
    try {
      const sort = this.timeField ? [{ [this.timeField]: { order: "desc" } }] : ["_doc"];
      const aggs: Record<string, unknown> = {};
      // All time spans the index's first to its last document, which may be dated ahead of now.
      if (this.timeField && !Number.isFinite(from)) {
        aggs.first = { min: { field: this.timeField } };
        aggs.last = { max: { field: this.timeField } };
      }
      const result = await api.search(index, { size: PAGE_SIZE, query, sort, track_total_hits: true, aggs });
      let buckets: { key: number; doc_count: number }[] = [];
      let interval = "";
      if (this.timeField) {
        let to = now;
        if (!Number.isFinite(from)) {
          from = result.aggregations?.first?.value ?? now;
          to = Math.max(now, result.aggregations?.last?.value ?? now);
        }
        const step = intervalFor(Math.max(to - from, 60000));
        interval = step.label;
        const histogram = await api.search(index, {
          size: 0, query,
          aggs: { over_time: { date_histogram: { field: this.timeField, fixed_interval: step.label, min_doc_count: 0 } } },
        });
        // The whole range, with the bars that have no match.
        const counts = new Map<number, number>();
        for (const b of histogram.aggregations?.over_time?.buckets ?? []) counts.set(b.key, b.doc_count);
        for (let key = Math.floor(from / step.ms) * step.ms; key <= to; key += step.ms) {
          buckets.push({ key, doc_count: counts.get(key) ?? 0 });
        }
      }
      const total = typeof result.hits?.total === "object" ? result.hits.total.value : result.hits?.total ?? 0;
      const hits = result.hits?.hits ?? [];
      status.innerHTML = `<b>${Number(total).toLocaleString()}</b> matching documents` +
        (hits.length < total ? ` · the newest ${hits.length} below` : "") +
        (interval ? ` · bars of ${interval}` : "") + ` · ${result.took ?? "?"} ms`;
      this.$("search-histogram").dataset.total = String(buckets.reduce((a, b) => a + b.doc_count, 0));
      this.$("search-results").dataset.hits = String(hits.length);
      this.histogram(buckets);
      this.results(hits);
    } catch (e) {
      status.textContent = `search failed: ${(e as Error).message}`;
      this.$("search-results").innerHTML = "";
      this.histogram([]);
    }
  }

  private results(hits: any[]): void {
    const rows = hits.map((h) => {
      const source = h._source ?? {};
      const fields = flatten(source);
      const time = this.timeField ? fields.find(([k]) => k === this.timeField)?.[1] : undefined;
      const when = time ? new Date(String(time)).toLocaleString() : h._id;
      // The document's own fields before those of nested objects (an alarm's reading before
      // its customer): the row shows what the document is about.
      const depth = (k: string) => k.split(".").length;
      const summary = fields.filter(([k]) => k !== this.timeField)
        .map((f, i) => ({ f, i })).sort((a, b) => depth(a.f[0]) - depth(b.f[0]) || a.i - b.i).map(({ f }) => f)
        .slice(0, 12)
        .map(([k, v]) => `<span class="kv"><b>${escapeHtml(k)}</b> ${escapeHtml(show(v))}</span>`).join("");
      const detail = fields.map(([k, v]) =>
        `<tr><th>${escapeHtml(k)}</th><td><a class="add" data-field="${escapeHtml(k)}" data-value="${escapeHtml(JSON.stringify(v))}" title="add to the query">${escapeHtml(show(v))}</a></td></tr>`).join("");
      return `<tr class="hit"><td class="when">${escapeHtml(when)}</td><td><div class="summary">${summary}</div>` +
        `<div class="doc hidden"><div class="doc-head muted small">_id ${escapeHtml(h._id)} · click a value to search for it</div>` +
        `<table class="fields">${detail}</table></div></td></tr>`;
    });
    this.$("search-results").innerHTML = rows.join("") ||
      `<tr><td colspan="2" class="muted empty">No documents match. Try a wider time range or fewer terms.</td></tr>`;
  }

  private onResultsClick(e: Event): void {
    const target = e.target as HTMLElement;
    const add = target.closest("a.add") as HTMLElement | null;
    if (add) {
      const input = this.$("search-query") as HTMLInputElement;
      const clause = `${add.dataset.field}:${term(JSON.parse(add.dataset.value!))}`;
      input.value = input.value.trim() ? `${input.value.trim()} AND ${clause}` : clause;
      this.run();
      return;
    }
    const row = target.closest("tr.hit");
    if (row) {
      row.querySelector(".doc")!.classList.toggle("hidden");
      row.classList.toggle("open");
    }
  }

  private histogram(buckets: { key: number; doc_count: number }[]): void {
    const box = this.$("search-histogram");
    const data: uPlot.AlignedData = [buckets.map((b) => b.key / 1000), buckets.map((b) => b.doc_count)];
    const width = box.getBoundingClientRect().width || 900;
    if (!this.chart) {
      this.chart = new uPlot({
        width, height: 170,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        series: [{}, { label: "matches", stroke: "#4fc3f7", fill: "#4fc3f766", width: 1,
          paths: uPlot.paths.bars!({ size: [0.85, 60] }), points: { show: false } }],
        axes: [{ stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" }, ticks: { stroke: "#1c2b3a" } },
          { stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" }, ticks: { stroke: "#1c2b3a" }, size: 50 }],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      }, data, box);
    } else {
      this.chart.setSize({ width, height: 170 });
      this.chart.setData(data);
    }
  }
}
