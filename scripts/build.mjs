// Bundles the skiff CLI into dist/skiff.mjs (dependencies stay external) so
// the product starts without a TypeScript loader: faster, and tens of MB
// less memory. bin/skiff calls build() whenever src/ is newer than dist/.
import { copyFile, mkdir, rename, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const bundlePath = join(root, "dist", "skiff.mjs");

async function newestMtime(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(path));
    else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

export async function isStale() {
  const built = await stat(bundlePath).then((s) => s.mtimeMs, () => 0);
  return built < (await newestMtime(join(root, "src")));
}

export async function build() {
  await mkdir(join(root, "dist"), { recursive: true });
  // Write beside and rename: two processes building at once never see half a file.
  const temp = `${bundlePath}.${process.pid}.tmp`;
  // Loaded only when building: a fresh bundle starts without it.
  const { build: esbuild } = await import("esbuild");
  await esbuild({
    entryPoints: [join(root, "src/cli/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    outfile: temp,
    logLevel: "error",
  });
  await copyFile(join(root, "src/apiserver/openapi/schemas.json"), join(root, "dist", "schemas.json"));
  await rename(temp, bundlePath);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
