// Child process of the durability case: opens the store described by its
// argument and creates keys from several concurrent lanes until killed,
// printing "<key> <revision>" for each write only after it was acknowledged.
import { pathToFileURL } from "node:url";
import type { Store } from "../store.ts";
import type { ChildStoreOpener } from "./harness.ts";
import { testObject } from "./fixtures.ts";

export interface DurabilityWriterConfig {
  opener: ChildStoreOpener;
  prefix: string;
  lanes: number;
  /** Bounds the run should the parent never kill it. */
  maxWritesPerLane: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as DurabilityWriterConfig;
const moduleUrl = config.opener.module.startsWith("file:") ? config.opener.module : pathToFileURL(config.opener.module).href;
const loaded = (await import(moduleUrl)) as Record<string, (argument: unknown) => Promise<Store>>;
const open = loaded[config.opener.exportName];
if (typeof open !== "function") throw new TypeError(`${config.opener.module} exports no function ${config.opener.exportName}`);
const store = await open(config.opener.argument);
await Promise.all(
  Array.from({ length: config.lanes }, async (_, lane) => {
    for (let i = 0; i < config.maxWritesPerLane; i++) {
      const key = `${config.prefix}${lane}-${i}`;
      const created = await store.create(key, testObject(key, { lane: String(lane), i: String(i) }));
      // Synchronous on a pipe (Linux), so a printed line is never lost to the kill.
      process.stdout.write(`${key} ${created.metadata?.resourceVersion}\n`);
    }
  }),
);
await store.close();
