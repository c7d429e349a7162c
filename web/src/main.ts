// The alarm dashboard: reads Caudal's APIs once a second and shows the sensors, the alarms
// and the system's health (docs/demo.md).
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./style.css";
import * as api from "./api";
import { TopicFeed } from "./feed";
import { escapeHtml, Sensor, SensorMap, SensorState, STATE_COLORS } from "./map";
import { HealthPage } from "./health";
import { SearchPage } from "./search";

const ZONES = ["NorthAmerica", "SouthAmerica", "Oceania", "Mediterranean", "North", "UK", "NorthEurope", "CentroEurope", "Africa"];
const TYPES: SensorState[] = ["motion", "smoke", "temperature"];

interface Customer {
  id: number; name: string; surname: string; streetaddress: string; city: string; zipcode: string | number;
  country: string; telephonecountrycode: string | number; telephonenumber: string; emailaddress: string;
  latitude: number; longitude: number; dashboard: string;
}
interface Alarm { id: number; type: SensorState; customer?: Customer }
interface Recovery { id: number }

const $ = (id: string) => document.getElementById(id)!;

const sensors: Sensor[] = [];
const byId = new Map<number, Sensor>();
// Rule (e)'s one-minute windows as the per_minute pipeline counts them: minute (ms) -> type ->
// alarms activated in it.
let perMinute = new Map<number, Record<string, number>>();
const recent: { time: number; alarm: Alarm }[] = [];
let activatedByType: Record<string, number> = { motion: 0, smoke: 0, temperature: 0 };
let selected: Sensor | null = null;

function sensorOf(c: Customer): Sensor {
  return {
    id: Number(c.id), lat: Number(c.latitude), lon: Number(c.longitude), zone: c.dashboard,
    name: c.name, surname: c.surname, street: c.streetaddress, city: c.city, zip: String(c.zipcode),
    country: c.country, phone: `+${c.telephonecountrycode} ${c.telephonenumber}`, email: c.emailaddress,
    state: "normal", since: 0,
  };
}

function applyState(id: number, state: SensorState, time: number, customer?: Customer): void {
  let s = byId.get(id);
  if (!s && customer) { s = sensorOf(customer); sensors.push(s); byId.set(id, s); }
  if (!s || time < s.since) return;
  s.state = state;
  s.since = time;
}

const alarms = new TopicFeed<Alarm>("COUNT", (r) => {
  const a = r.value;
  if (!a || !TYPES.includes(a.type)) return;
  activatedByType[a.type]++;
  applyState(Number(a.id), a.type, r.timestamp, a.customer);
  recent.push({ time: r.timestamp, alarm: a });
  if (recent.length > 400) recent.splice(0, recent.length - 200);
});
const recoveries = new TopicFeed<Recovery>("OK", (r) => applyState(Number(r.value?.id), "normal", r.timestamp));

// ---- the map ----
const map = new SensorMap($("map") as HTMLCanvasElement, $("tooltip"), () => sensors, (s) => { selected = s; renderSensor(); });
function renderZones(): void {
  const box = $("zones");
  const names = ["", ...ZONES];
  box.innerHTML = names.map((z) => `<button data-zone="${z}" class="${z === map.currentZone() ? "active" : ""}">${z || "World"}</button>`).join("");
  box.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => {
    map.setZone((b as HTMLElement).dataset.zone ?? "");
    $("map-title").textContent = map.currentZone() || "All sensors";
    renderZones();
    renderMapCount();
  }));
}
function renderMapCount(): void {
  const visible = map.visibleSensors();
  const alarmed = visible.filter((s) => s.state !== "normal").length;
  $("map-count").textContent = `${visible.length.toLocaleString()} sensors in view · ${alarmed} in alarm`;
  $("map").dataset.sensorsInView = String(visible.length);
}

function renderSensor(): void {
  const s = selected;
  if (!s) return;
  $("sensor").innerHTML = `
    <div class="sensor-head"><i class="dot big ${s.state}"></i><div><div class="name">${escapeHtml(s.name)} ${escapeHtml(s.surname)}</div>
    <div class="muted">sensor ${s.id} · ${escapeHtml(s.zone)} · <b style="color:${STATE_COLORS[s.state]}">${s.state}</b>${s.since ? ` since ${new Date(s.since).toLocaleTimeString()}` : ""}</div></div></div>
    <dl><dt>Address</dt><dd>${escapeHtml(s.street)}, ${escapeHtml(s.zip)} ${escapeHtml(s.city)}, ${escapeHtml(s.country)}</dd>
    <dt>Phone</dt><dd>${escapeHtml(s.phone)}</dd><dt>E-mail</dt><dd>${escapeHtml(s.email)}</dd>
    <dt>Position</dt><dd>${s.lat.toFixed(4)}, ${s.lon.toFixed(4)}</dd></dl>`;
  $("sensor").classList.remove("muted");
  $("sensor").dataset.sensorId = String(s.id);
}

// ---- alarms per minute ----
// Closed windows are rows of the alarms_per_minute table (the window step writes one when its
// minute is over, out_of_order included); the open ones, the current minute's, are in the
// per_minute pipeline's state. A window seen in both while it closes counts as the table says.
interface WindowCount { key: string; window_start: string; alarms: number }
async function loadPerMinute(): Promise<void> {
  const windows = new Map<number, Record<string, number>>();
  const closed = new Set<string>();
  const add = (type: string, start: string, alarms: number) => {
    const minute = Date.parse(start);
    if (!TYPES.includes(type as SensorState) || !Number.isFinite(minute) || closed.has(`${type}/${minute}`)) return;
    const bucket = windows.get(minute) ?? { motion: 0, smoke: 0, temperature: 0 };
    bucket[type] = Number(alarms);
    windows.set(minute, bucket);
  };
  await api.tableRows<WindowCount>("alarms_per_minute", (rows) => {
    for (const row of rows) add(row.value.key, row.value.window_start, row.value.alarms);
  });
  windows.forEach((bucket, minute) => TYPES.forEach((t) => { if (bucket[t] > 0) closed.add(`${t}/${minute}`); }));
  const states = await Promise.all(TYPES.map((t) => api.pipelineState("per_minute", t)));
  TYPES.forEach((t, i) => {
    for (const step of states[i]) {
      if (step.kind !== "window") continue;
      for (const entry of step.entries) {
        for (const w of entry.windows ?? []) {
          add(t, w.window_start, w.alarms);
        }
      }
    }
  });
  perMinute = windows;
}
const chartBox = $("per-minute");
let chart: uPlot | null = null;
function chartData(): uPlot.AlignedData {
  const minutes = Number(($("range") as HTMLSelectElement).value);
  const now = Math.floor(Date.now() / 60000) * 60000;
  const xs: number[] = [];
  const series: number[][] = TYPES.map(() => []);
  for (let m = now - (minutes - 1) * 60000; m <= now; m += 60000) {
    xs.push(m / 1000);
    const bucket = perMinute.get(m);
    TYPES.forEach((t, i) => series[i].push(bucket ? bucket[t] : 0));
  }
  return [xs, ...series];
}
function renderChart(): void {
  const data = chartData();
  const width = chartBox.getBoundingClientRect().width || 400;
  if (!chart) {
    chart = new uPlot({
      width, height: 190,
      series: [{}, ...TYPES.map((t) => ({ label: t, stroke: STATE_COLORS[t], width: 2, fill: STATE_COLORS[t] + "22", points: { show: false } }))],
      axes: [{ stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" } }, { stroke: "#8aa0b4", grid: { stroke: "#1c2b3a" } }],
      scales: { x: { time: true } },
      legend: { show: true },
    }, data, chartBox);
  } else {
    chart.setSize({ width, height: 190 });
    chart.setData(data);
  }
  let total = 0;
  for (let i = 1; i < data.length; i++) for (const v of data[i] as number[]) total += v;
  $("per-minute-total").textContent = `${total.toLocaleString()} alarms in the range`;
  chartBox.dataset.total = String(total);
  let all = 0;
  perMinute.forEach((b) => { all += b.motion + b.smoke + b.temperature; });
  chartBox.dataset.allTotal = String(all);
  chartBox.dataset.windows = JSON.stringify([...perMinute].sort((a, b) => a[0] - b[0]));
}
$("range").addEventListener("change", renderChart);

// ---- recent alarms ----
function renderRecent(): void {
  const rows = recent.slice(-25).reverse();
  $("alarms").innerHTML = rows.map(({ time, alarm }) => {
    const c = alarm.customer;
    return `<tr data-sensor="${alarm.id}"><td>${new Date(time).toLocaleTimeString()}</td>
      <td><span class="badge ${alarm.type}">${alarm.type}</span></td><td>${alarm.id}</td>
      <td>${c ? `${escapeHtml(c.name)} ${escapeHtml(c.surname)}` : "<span class='muted'>unknown customer</span>"}</td>
      <td>${c ? `${escapeHtml(c.streetaddress)}, ${escapeHtml(c.zipcode)} ${escapeHtml(c.city)}, ${escapeHtml(c.country)}` : ""}</td>
      <td>${c ? `+${escapeHtml(c.telephonecountrycode)} ${escapeHtml(c.telephonenumber)}` : ""}</td>
      <td>${c ? escapeHtml(c.emailaddress) : ""}</td><td>${c ? escapeHtml(c.dashboard) : ""}</td></tr>`;
  }).join("");
  $("alarms").querySelectorAll("tr").forEach((tr) => tr.addEventListener("click", () => {
    const s = byId.get(Number((tr as HTMLElement).dataset.sensor));
    if (s) { selected = s; renderSensor(); }
  }));
}

// ---- counters ----
let lastEntry: { records: number; time: number } | null = null;
function renderCounters(topicList: api.TopicInfo[]): void {
  const find = (name: string) => topicList.find((t) => t.name === name);
  const entry = find("ENTRY");
  const now = performance.now();
  if (entry) {
    const total = entry.partitions.reduce((a, p) => a + p.end_offset, 0);
    if (lastEntry && now > lastEntry.time) {
      const rate = ((total - lastEntry.records) * 1000) / (now - lastEntry.time);
      $("c-rate").textContent = Math.round(rate).toLocaleString();
    }
    lastEntry = { records: total, time: now };
  }
  const active: Record<string, number> = { motion: 0, smoke: 0, temperature: 0 };
  for (const s of sensors) if (s.state !== "normal") active[s.state]++;
  const activeTotal = active.motion + active.smoke + active.temperature;
  $("c-active").textContent = activeTotal.toLocaleString();
  $("c-active-types").innerHTML = TYPES.map((t) => `<span class="t ${t}">${active[t]} ${t}</span>`).join(" ");
  const count = find("COUNT");
  const ok = find("OK");
  $("c-activated").textContent = (count?.partitions.reduce((a, p) => a + p.end_offset, 0) ?? 0).toLocaleString();
  $("c-activated-types").innerHTML = TYPES.map((t) => `<span class="t ${t}">${activatedByType[t]} ${t}</span>`).join(" ");
  $("c-recovered").textContent = (ok?.partitions.reduce((a, p) => a + p.end_offset, 0) ?? 0).toLocaleString();
}

// ---- pages ----
const health = new HealthPage();
const searchPage = new SearchPage();
document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => {
  const page = (b as HTMLElement).dataset.page!;
  document.querySelectorAll("nav button").forEach((x) => x.classList.toggle("active", x === b));
  document.querySelectorAll(".page").forEach((p) => p.classList.toggle("hidden", p.id !== `page-${page}`));
  if (page === "overview") map.fit();
  if (page === "health") health.resize();
  if (page === "search") searchPage.shown();
}));

// ---- the loop ----
async function loadCustomers(): Promise<void> {
  await api.tableRows<Customer>("customers", (rows) => {
    for (const row of rows) {
      const s = sensorOf(row.value);
      if (!Number.isFinite(s.lat) || byId.has(s.id)) continue;
      sensors.push(s);
      byId.set(s.id, s);
    }
  });
}

async function tick(): Promise<void> {
  const started = performance.now();
  try {
    const topicList = await api.topics();
    await alarms.poll(topicList.find((t) => t.name === "COUNT"));
    await recoveries.poll(topicList.find((t) => t.name === "OK"));
    await loadPerMinute();
    renderCounters(topicList);
    map.draw();
    renderMapCount();
    renderChart();
    renderRecent();
    if (selected) renderSensor();
    await health.update(topicList);
    $("live").textContent = `live · ${new Date().toLocaleTimeString()}`;
    $("live").className = "live ok";
    document.body.dataset.ready = "1";
  } catch (e) {
    $("live").textContent = `offline: ${(e as Error).message}`;
    $("live").className = "live bad";
  }
  setTimeout(tick, Math.max(100, 1000 - (performance.now() - started)));
}

async function start(): Promise<void> {
  renderZones();
  try {
    await loadCustomers();
  } catch (e) {
    $("live").textContent = `cannot read customers: ${(e as Error).message}`;
  }
  map.fit();
  searchPage.attach();
  tick();
}
start();
