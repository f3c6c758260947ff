// The CLI's launcher (bin/skiff execs it): runs the bundle dist/skiff.mjs,
// rebuilding it first when the sources are newer, so a fresh checkout works
// right after npm ci. The build runs in a child process: the bundler's code
// and memory never stay in a long-running agent or server.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundlePath, isStale } from "../scripts/build.mjs";

if (await isStale()) {
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL("../scripts/build.mjs", import.meta.url))], { stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    console.error("skiff: building dist/skiff.mjs failed");
    process.exit(1);
  }
}
await import(bundlePath);
