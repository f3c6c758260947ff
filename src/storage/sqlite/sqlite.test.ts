import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runConformance } from "../conformance/conformance.ts";
import { openSqliteStore } from "./sqlite-store.ts";

runConformance("sqlite", async () => {
  const folder = await mkdtemp(join(tmpdir(), "skiff-sqlite-"));
  const path = join(folder, "state.db");
  return {
    open: () => openSqliteStore({ path, compaction: "off" }),
    reopen: () => openSqliteStore({ path, compaction: "off" }),
    childOpener: () => ({
      module: fileURLToPath(new URL("./sqlite-store.ts", import.meta.url)),
      exportName: "openSqliteStore",
      argument: { path, compaction: "off" },
    }),
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
});
