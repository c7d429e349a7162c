// The dashboard in headless Chromium (Debian's, driven by playwright-core): waits for live
// data, checks one map mark per sensor in view (world and a zone), that the per-minute chart
// shows the alarms_per_minute table's closed windows and the per_minute pipeline's open ones and
// that its total equals the alarms Caudal's API reports, selects a sensor, searches the alarms index
// (a query typed in the box, its histogram and hits against the _count API, a document
// expanded, a value clicked into the query), and saves screenshots.
// Usage: node dashboard_test.mjs http://HOST:PORT CUSTOMERS_CSV ARTIFACT_DIR
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const [base, customersCsv, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok" : "FAIL"}: ${what}`);
  if (!ok) failures++;
}

const lines = readFileSync(customersCsv, "utf8").trim().split("\n").slice(1);
const zones = {};
for (const line of lines) {
  const zone = line.slice(line.lastIndexOf(",") + 1);
  zones[zone] = (zones[zone] ?? 0) + 1;
}

const TYPES = ["motion", "smoke", "temperature"];
const getJson = async (path) => (await fetch(`${base}${path}`)).json();

// Rule (e)'s windows as Caudal holds them, [minute ms, {type: alarms}] sorted by minute: closed
// ones from the alarms_per_minute table, open ones from the per_minute pipeline's state.
async function windowsFromApi() {
  const windows = new Map();
  const add = (type, start, alarms) => {
    const minute = Date.parse(start);
    const bucket = windows.get(minute) ?? { motion: 0, smoke: 0, temperature: 0 };
    bucket[type] = alarms;
    windows.set(minute, bucket);
  };
  const table = await getJson("/v1/tables/alarms_per_minute?limit=10000");
  for (const row of table.rows) add(row.value.key, row.value.window_start, row.value.alarms);
  for (const t of TYPES) {
    const state = await getJson(`/v1/pipelines/per_minute/state?key=${encodeURIComponent(JSON.stringify(t))}`);
    for (const step of state.steps.filter((s) => s.kind === "window")) {
      for (const entry of step.entries) for (const w of entry.windows) add(t, w.window_start, w.alarms);
    }
  }
  return { closed: table.rows.length, windows: [...windows].sort((a, b) => a[0] - b[0]) };
}

async function countAlarms() {
  const topics = await (await fetch(`${base}/v1/topics`)).json();
  return topics.topics.find((t) => t.name === "COUNT")?.records ?? 0;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
  page.on("pageerror", (e) => check(false, `no script error in the page: ${e.message}`));
  await page.goto(`${base}/ui`);
  await page.waitForSelector("body[data-ready='1']", { timeout: 20000 });
  // Wait for the feed to catch up with everything Caudal holds.
  const alarms = await countAlarms();
  await page.waitForFunction((n) => Number(document.getElementById("per-minute").dataset.allTotal) >= n, alarms, { timeout: 20000 });
  check(alarms > 0, `the run raised alarms (${alarms})`);

  const inView = Number(await page.getAttribute("#map", "data-sensors-in-view"));
  check(inView === lines.length, `the world map shows one mark per sensor: ${inView} of ${lines.length}`);
  const chartTotal = Number(await page.getAttribute("#per-minute", "data-all-total"));
  check(chartTotal === alarms, `the per-minute chart totals ${chartTotal}, the API ${alarms}`);
  const api = await windowsFromApi();
  check(api.closed > 0, `the run's windows are closed into the alarms_per_minute table (${api.closed} rows)`);
  const shown = await page.getAttribute("#per-minute", "data-windows");
  check(shown === JSON.stringify(api.windows), `the chart's windows are the table's and the open ones: ${shown} vs ${JSON.stringify(api.windows)}`);
  const active = Number((await page.textContent("#c-active")).replace(/[^0-9]/g, ""));
  check(active > 0, `active alarms shown (${active})`);
  const activated = Number((await page.textContent("#c-activated")).replace(/[^0-9]/g, ""));
  check(activated === alarms, `the activated counter (${activated}) equals the API's (${alarms})`);
  await page.screenshot({ path: join(artifacts, "overview.png"), fullPage: true });

  // A zone view: only that zone's sensors.
  await page.click("#zones button[data-zone='Mediterranean']");
  await page.waitForTimeout(300);
  const zoneView = Number(await page.getAttribute("#map", "data-sensors-in-view"));
  check(zoneView === zones.Mediterranean, `the Mediterranean view shows its ${zones.Mediterranean} sensors (${zoneView})`);
  check((await page.textContent("#map-title")) === "Mediterranean", "the map says which zone it shows");

  // A sensor: from the recent alarms, and from hovering the map.
  await page.click("#alarms tr");
  const sensorId = await page.getAttribute("#sensor", "data-sensor-id");
  check(sensorId !== null, `clicking an alarm opens its sensor (${sensorId})`);
  const card = await page.textContent("#sensor");
  check(/Address/.test(card) && /E-mail/.test(card), "the sensor card has the customer's address and e-mail");
  const box = await page.locator("#map").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.screenshot({ path: join(artifacts, "zone-mediterranean.png"), fullPage: true });

  await page.click("nav button[data-page='health']");
  await page.waitForTimeout(2500);
  const topicRows = await page.locator("#h-topic-table tr").count();
  check(topicRows >= 3, `the health page lists the topics (${topicRows})`);
  await page.screenshot({ path: join(artifacts, "health.png"), fullPage: true });

  // Search: every alarm of the run is in the alarms index, then a query narrows it down.
  const countOf = async (q) => (await (await fetch(`${base}/v1/search/alarms/_count?q=${encodeURIComponent(q)}`)).json()).count;
  await page.click("nav button[data-page='search']");
  await page.selectOption("#search-range", "all");
  await page.waitForFunction((n) => Number(document.getElementById("search-histogram").dataset.total) === n,
    alarms, { timeout: 20000 }).catch(() => {});
  const allTotal = Number(await page.getAttribute("#search-histogram", "data-total"));
  check(allTotal === alarms, `the search histogram over all time counts every alarm: ${allTotal} of ${alarms}`);
  await page.fill("#search-query", "type:smoke");
  await page.press("#search-query", "Enter");
  const smoke = await countOf("type:smoke");
  await page.waitForFunction((n) => Number(document.getElementById("search-histogram").dataset.total) === n, smoke, { timeout: 10000 }).catch(() => {});
  const smokeTotal = Number(await page.getAttribute("#search-histogram", "data-total"));
  check(smoke > 0 && smokeTotal === smoke, `type:smoke: the histogram counts ${smokeTotal}, _count says ${smoke}`);
  const hits = Number(await page.getAttribute("#search-results", "data-hits"));
  check(hits === Math.min(smoke, 50), `the results list the newest ${Math.min(smoke, 50)} (${hits})`);
  const badges = await page.locator("#search-results tr.hit .summary").allTextContents();
  check(badges.length > 0 && badges.every((t) => /type smoke/.test(t)), "every hit listed is a smoke alarm");
  await page.click("#search-results tr.hit >> nth=0");
  const fields = await page.locator("#search-results tr.hit >> nth=0 >> .fields tr").count();
  check(fields > 20, `a document expands into its fields (${fields})`);
  await page.screenshot({ path: join(artifacts, "search.png"), fullPage: true });
  const zoneCell = page.locator("#search-results tr.hit >> nth=0 >> a.add[data-field='customer.dashboard']");
  const zone = JSON.parse(await zoneCell.getAttribute("data-value"));
  await zoneCell.click();
  const narrowed = await countOf(`type:smoke AND customer.dashboard:"${zone}"`);
  await page.waitForFunction((n) => Number(document.getElementById("search-histogram").dataset.total) === n, narrowed, { timeout: 10000 }).catch(() => {});
  check((await page.inputValue("#search-query")) === `type:smoke AND customer.dashboard:"${zone}"`, "clicking a value adds it to the query");
  check(Number(await page.getAttribute("#search-histogram", "data-total")) === narrowed, `the narrowed search counts ${narrowed}`);
  await page.screenshot({ path: join(artifacts, "search-narrowed.png"), fullPage: true });
} finally {
  await browser.close();
}
console.log(`${failures === 0 ? "passed" : `${failures} failed`}`);
process.exit(failures === 0 ? 0 : 1);
