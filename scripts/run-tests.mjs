#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src and test) with
// node's test runner through tsx. Exits non-zero when no test file is found,
// so a broken glob can never pass as "all green".
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("-"));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.ts")) files.push(path);
  }
}
for (const root of roots.length ? roots : ["src", "test"]) walk(root);
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
files.sort();
const result = spawnSync(
  process.execPath,
  // A hung test fails after 5 minutes instead of stalling the whole run.
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-timeout=300000", ...passThrough, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
