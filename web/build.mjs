// Builds the dashboard into web/dist: one bundle (TypeScript, uPlot, d3-geo, the world
// atlas) plus index.html and the styles. No network at build or run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "main.ts")],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: "es2020",
  outfile: join(out, "app.js"),
  loader: { ".json": "json" },
  logLevel: "warning",
});
copyFileSync(join(here, "index.html"), join(out, "index.html"));
console.log(`dashboard built into ${out}`);
