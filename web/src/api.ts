// Caudal's HTTP read APIs, as the dashboard uses them (docs/http-api.md).

export interface PartitionInfo { partition: number; start_offset: number; end_offset: number; size_bytes: number }
export interface TopicInfo { name: string; partitions: PartitionInfo[]; records: number; size_bytes: number }
export interface StoredRecord<T> { offset: number; timestamp: number; key: string | null; value: T }
export interface RecordsPage<T> { topic: string; partition: number; start_offset: number; end_offset: number; records: StoredRecord<T>[]; next_offset: number }
export interface TableRow<T> { key: string; version?: number; value: T }
export interface TablePage<T> { table: string; rows: TableRow<T>[]; next: string | null }

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}

export async function topics(): Promise<TopicInfo[]> {
  return (await getJson<{ topics: TopicInfo[] }>("/v1/topics")).topics;
}

export function records<T>(topic: string, partition: number, offset: number, limit = 1000): Promise<RecordsPage<T>> {
  return getJson(`/v1/topics/${encodeURIComponent(topic)}/records?partition=${partition}&offset=${offset}&limit=${limit}`);
}

// Every row of a table, page by page.
export async function tableRows<T>(table: string, onPage: (rows: TableRow<T>[]) => void): Promise<void> {
  let after = "";
  for (;;) {
    const page = await getJson<TablePage<T>>(`/v1/tables/${encodeURIComponent(table)}?limit=10000&after=${encodeURIComponent(after)}`);
    onPage(page.rows);
    if (page.next === null || page.next === undefined) return;
    after = page.next;
  }
}

// The state of one key in every stateful step of a running pipeline (docs/pipelines.md,
// Inspecting state).
export interface StepState { step: number; kind: string; entries: any[] }
export async function pipelineState(pipeline: string, key: unknown): Promise<StepState[]> {
  const path = `/v1/pipelines/${encodeURIComponent(pipeline)}/state?key=${encodeURIComponent(JSON.stringify(key))}`;
  return (await getJson<{ steps: StepState[] }>(path)).steps;
}

export async function metricsText(): Promise<string> {
  const response = await fetch("/metrics", { cache: "no-store" });
  return response.text();
}

export interface Sample { name: string; labels: Record<string, string>; value: number }

// The Prometheus text format, enough of it for the health page: one sample per line.
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    if (match[3]) {
      for (const pair of match[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

export function sum(samples: Sample[], name: string, filter: (labels: Record<string, string>) => boolean = () => true): number {
  let total = 0;
  for (const s of samples) if (s.name === name && filter(s.labels)) total += s.value;
  return total;
}

// The Elasticsearch-compatible API on the main HTTP listener (docs/search.md).
const SEARCH = "/v1/search";

async function searchJson(path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${SEARCH}${path}`, body === undefined ? { cache: "no-store" } : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json?.error?.reason ?? `${path} answered ${response.status}`);
  return json;
}

export function search(index: string, body: unknown): Promise<any> {
  return searchJson(`/${encodeURIComponent(index)}/_search`, body);
}

export async function searchIndexes(): Promise<{ index: string; "docs.count": string }[]> {
  return searchJson("/_cat/indices?format=json");
}

// The fields of an index mapped as dates, dotted paths in mapping order.
export async function searchDateFields(index: string): Promise<string[]> {
  const mappings = await searchJson(`/${encodeURIComponent(index)}/_mapping`);
  const dates: string[] = [];
  const walk = (properties: Record<string, any>, prefix: string) => {
    for (const [name, field] of Object.entries(properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (field.type === "date") dates.push(path);
      if (field.properties) walk(field.properties, path);
    }
  };
  for (const m of Object.values(mappings) as any[]) walk(m?.mappings?.properties, "");
  return dates;
}
