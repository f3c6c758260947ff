// Chooses the backend from a datastore endpoint: none means the embedded
// SQLite file in the data dir; http(s):// URLs mean an etcd cluster.
import { join } from "node:path";
import type { Store } from "./store.ts";
import { StoreError } from "./store.ts";
import { openSqliteStore } from "./sqlite/sqlite-store.ts";
import { openEtcdStore } from "./etcd/etcd-store.ts";

export async function openStore(endpoint: string | undefined, dataDir: string): Promise<Store> {
  if (endpoint === undefined || endpoint === "") return openSqliteStore({ path: join(dataDir, "state.db") });
  if (endpoint.startsWith("sqlite://")) return openSqliteStore({ path: endpoint.slice("sqlite://".length) });
  const endpoints = endpoint.split(",").map((e) => e.trim()).filter(Boolean);
  for (const e of endpoints) {
    if (!/^https?:\/\//.test(e)) throw new StoreError("InvalidArgument", `datastore endpoint ${e}: expected http(s)://host:port or sqlite://path`);
  }
  return openEtcdStore({ endpoints });
}
