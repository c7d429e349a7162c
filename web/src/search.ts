// The search page (Kibana Discover's role): a query-string box, a histogram of matches over
// time and the matching documents, expandable, from the Elasticsearch-compatible _search.
import uPlot from "uplot";
import * as api from "./api";
import { escapeHtml } from "./map";

export class SearchPage {
  private chart: uPlot | null = null;

  attach(): void {
    document.getElementById("search-form")!.addEventListener("submit", (e) => { e.preventDefault(); this.run(); });
  }

  private async run(): Promise<void> {
    const index = (document.getElementById("search-index") as HTMLInputElement).value.trim() || "_all";
    const query = (document.getElementById("search-query") as HTMLInputElement).value.trim();
    const status = document.getElementById("search-status")!;
    status.textContent = "searching…";
    try {
      const result = await api.search(index, {
        size: 50,
        query: query ? { query_string: { query } } : { match_all: {} },
        sort: [{ "@timestamp": { order: "desc", unmapped_type: "date" } }],
        aggs: { over_time: { date_histogram: { field: "@timestamp", fixed_interval: "1m" } } },
      });
      const hits = result.hits?.hits ?? [];
      const total = typeof result.hits?.total === "object" ? result.hits.total.value : result.hits?.total;
      status.textContent = `${Number(total ?? hits.length).toLocaleString()} matches · ${result.took ?? "?"} ms`;
      this.histogram(result.aggregations?.over_time?.buckets ?? []);
      document.getElementById("search-results")!.innerHTML = hits.map((h: any) => {
        const source = h._source ?? {};
        const time = source["@timestamp"] ?? "";
        const summary = Object.entries(source).slice(0, 6).map(([k, v]) => `<b>${escapeHtml(k)}</b> ${escapeHtml(typeof v === "object" ? JSON.stringify(v) : v)}`).join(" · ");
        return `<tr class="hit"><td>${escapeHtml(time)}</td><td><div class="summary">${summary}</div><pre class="doc hidden">${escapeHtml(JSON.stringify(source, null, 2))}</pre></td></tr>`;
      }).join("");
      document.querySelectorAll("#search-results tr.hit").forEach((tr) => tr.addEventListener("click", () => tr.querySelector(".doc")!.classList.toggle("hidden")));
    } catch (e) {
      status.textContent = `search failed: ${(e as Error).message}`;
    }
  }

  private histogram(buckets: { key: number; doc_count: number }[]): void {
    const box = document.getElementById("search-histogram")!;
    const data: uPlot.AlignedData = [buckets.map((b) => b.key / 1000), buckets.map((b) => b.doc_count)];
    const width = box.getBoundingClientRect().width || 600;
    if (!this.chart) {
      this.chart = new uPlot({
        width, height: 140,
        series: [{}, { label: "matches", stroke: "#4fc3f7", fill: "#4fc3f733", width: 1, paths: uPlot.paths.bars!({ size: [0.9, 40] }), points: { show: false } }],
        axes: [{ stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" } }, { stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" } }],
        scales: { x: { time: true } },
      }, data, box);
    } else {
      this.chart.setData(data);
    }
  }
}
