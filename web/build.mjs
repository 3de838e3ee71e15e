// Build the dashboard into src/custseg/dashboard/static (committed, shipped with the package).
// Also writes build.json with the digest of the sources, so a test can tell a stale build.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const web = fileURLToPath(new URL(".", import.meta.url));
const out = join(web, "..", "src", "custseg", "dashboard", "static");

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// The same digest is computed by tests/unit/test_dashboard_build.py: sorted relative paths,
// each as "path\0bytes\0".
export function sourceDigest() {
  const inputs = [...files(join(web, "src")), join(web, "package-lock.json"), join(web, "build.mjs")];
  const rel = inputs.map((p) => relative(web, p).split(sep).join("/")).sort();
  const hash = createHash("sha256");
  for (const name of rel) {
    hash.update(name + "\0");
    hash.update(readFileSync(join(web, name)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(web, "src", "main.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outfile: join(out, "app.js"),
  legalComments: "linked",
  logLevel: "warning",
});
await build({
  entryPoints: [join(web, "src", "style.css")],
  bundle: true,
  minify: true,
  outfile: join(out, "app.css"),
  logLevel: "warning",
});
copyFileSync(join(web, "src", "index.html"), join(out, "index.html"));
copyFileSync(join(web, "src", "favicon.svg"), join(out, "favicon.svg"));
const versions = JSON.parse(readFileSync(join(web, "package-lock.json"), "utf8")).packages;
writeFileSync(
  join(out, "build.json"),
  JSON.stringify(
    {
      sources_sha256: sourceDigest(),
      echarts: versions["node_modules/echarts"].version,
      esbuild: versions["node_modules/esbuild"].version,
    },
    null,
    2,
  ) + "\n",
);
console.log("built", out);
