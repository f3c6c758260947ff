import { runConformance } from "../conformance/conformance.ts";
import { openMemoryStore } from "./memory-store.ts";

runConformance("memory", () => ({ open: () => openMemoryStore() }), {
  skip: {
    "reopen keeps data, revisions and the compacted revision": "the memory store keeps nothing once closed",
    "every acknowledged write survives kill -9 of the writing process": "the memory store lives in one process only",
  },
});
