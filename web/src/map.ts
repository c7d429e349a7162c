// The world map: country outlines from world-atlas (Natural Earth, bundled: no network) drawn
// with d3-geo on a canvas, one dot per sensor colored by its state, zone views, a tooltip with
// the customer, and a click that selects a sensor.
import { geoNaturalEarth1, geoPath, GeoProjection } from "d3-geo";
import { feature } from "topojson-client";
import countries110m from "world-atlas/countries-110m.json";

export type SensorState = "normal" | "motion" | "smoke" | "temperature";

export interface Sensor {
  id: number; lat: number; lon: number; zone: string;
  name: string; surname: string; street: string; city: string; zip: string; country: string;
  phone: string; email: string; state: SensorState; since: number;
}

export const STATE_COLORS: Record<SensorState, string> = {
  normal: "#3b6e8f", motion: "#ffb020", smoke: "#b57bff", temperature: "#ff4d4f",
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const land: any = feature(countries110m as any, (countries110m as any).objects.countries);

export class SensorMap {
  private projection: GeoProjection = geoNaturalEarth1();
  private zone = "";  // "" is the world
  private visible: Sensor[] = [];
  private screen: Float32Array = new Float32Array(0);
  private hovered: Sensor | null = null;
  private width = 0;
  private height = 0;

  constructor(private canvas: HTMLCanvasElement, private tooltip: HTMLElement,
              private sensors: () => Sensor[], private onSelect: (s: Sensor) => void) {
    canvas.addEventListener("mousemove", (e) => this.hover(e));
    canvas.addEventListener("mouseleave", () => { this.hovered = null; this.tooltip.classList.add("hidden"); });
    canvas.addEventListener("click", (e) => { const s = this.nearest(e); if (s) this.onSelect(s); });
    new ResizeObserver(() => this.fit()).observe(canvas.parentElement!);
  }

  setZone(zone: string): void { this.zone = zone; this.fit(); }
  currentZone(): string { return this.zone; }
  visibleSensors(): Sensor[] { return this.visible; }

  // Frames the world, or the sensors of the zone, in the canvas.
  fit(): void {
    const box = this.canvas.parentElement!.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(200, box.width);
    this.height = Math.max(200, Math.round(this.width * (this.zone ? 0.62 : 0.52)));
    this.canvas.width = this.width * ratio;
    this.canvas.height = this.height * ratio;
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.canvas.getContext("2d")!.setTransform(ratio, 0, 0, ratio, 0, 0);
    const inZone = this.zone ? this.sensors().filter((s) => s.zone === this.zone) : [];
    if (inZone.length > 0) {
      const coordinates = inZone.map((s) => [s.lon, s.lat]);
      this.projection = geoNaturalEarth1().fitExtent([[24, 24], [this.width - 24, this.height - 24]],
        { type: "MultiPoint", coordinates } as any);
    } else {
      this.projection = geoNaturalEarth1().fitExtent([[8, 8], [this.width - 8, this.height - 8]], { type: "Sphere" } as any);
    }
    this.draw();
  }

  draw(): void {
    const ctx = this.canvas.getContext("2d")!;
    ctx.clearRect(0, 0, this.width, this.height);
    const path = geoPath(this.projection, ctx);
    ctx.beginPath(); path({ type: "Sphere" } as any); ctx.fillStyle = "#0b1622"; ctx.fill();
    ctx.beginPath(); path(land); ctx.fillStyle = "#1a2a3a"; ctx.fill();
    ctx.strokeStyle = "#2b4257"; ctx.lineWidth = 0.6; ctx.stroke();

    const all = this.sensors();
    this.visible = [];
    const points: number[] = [];
    for (const s of all) {
      if (this.zone && s.zone !== this.zone) continue;
      const p = this.projection([s.lon, s.lat]);
      if (!p || p[0] < 0 || p[1] < 0 || p[0] > this.width || p[1] > this.height) continue;
      this.visible.push(s);
      points.push(p[0], p[1]);
    }
    this.screen = Float32Array.from(points);
    const radius = this.zone ? 2.2 : 1.4;
    // Normal sensors first, alarms on top of them.
    ctx.fillStyle = STATE_COLORS.normal;
    ctx.globalAlpha = 0.55;
    for (let i = 0; i < this.visible.length; i++) {
      if (this.visible[i].state !== "normal") continue;
      ctx.fillRect(this.screen[2 * i] - radius / 2, this.screen[2 * i + 1] - radius / 2, radius, radius);
    }
    ctx.globalAlpha = 1;
    for (let i = 0; i < this.visible.length; i++) {
      const s = this.visible[i];
      if (s.state === "normal") continue;
      ctx.beginPath();
      ctx.arc(this.screen[2 * i], this.screen[2 * i + 1], this.zone ? 5 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = STATE_COLORS[s.state];
      ctx.shadowColor = STATE_COLORS[s.state];
      ctx.shadowBlur = 8;
      ctx.fill();
      ctx.shadowBlur = 0;
    }
    if (this.hovered) {
      const i = this.visible.indexOf(this.hovered);
      if (i >= 0) {
        ctx.beginPath();
        ctx.arc(this.screen[2 * i], this.screen[2 * i + 1], 7, 0, 2 * Math.PI);
        ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 1.5; ctx.stroke();
      }
    }
  }

  private nearest(e: MouseEvent): Sensor | null {
    const box = this.canvas.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    let best = -1;
    let bestDistance = 64;  // 8 px
    for (let i = 0; i < this.visible.length; i++) {
      const dx = this.screen[2 * i] - x;
      const dy = this.screen[2 * i + 1] - y;
      const d = dx * dx + dy * dy;
      // An alarm wins over a normal sensor under the pointer.
      const weight = this.visible[i].state === "normal" ? d : d * 0.25;
      if (weight < bestDistance) { bestDistance = weight; best = i; }
    }
    return best >= 0 ? this.visible[best] : null;
  }

  private hover(e: MouseEvent): void {
    const s = this.nearest(e);
    this.hovered = s;
    if (!s) { this.tooltip.classList.add("hidden"); this.draw(); return; }
    const box = this.canvas.getBoundingClientRect();
    this.tooltip.innerHTML = `<b>${escapeHtml(s.name)} ${escapeHtml(s.surname)}</b>
      <div>${escapeHtml(s.street)}, ${escapeHtml(s.zip)} ${escapeHtml(s.city)} (${escapeHtml(s.country)})</div>
      <div class="muted">sensor ${s.id} · ${s.zone}</div>
      <div><i class="dot ${s.state}"></i>${s.state}</div>`;
    this.tooltip.style.left = `${Math.min(e.clientX - box.left + 14, this.width - 260)}px`;
    this.tooltip.style.top = `${e.clientY - box.top + 14}px`;
    this.tooltip.classList.remove("hidden");
    this.draw();
  }
}

export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]!));
}
