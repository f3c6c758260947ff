import { test } from "node:test";
import assert from "node:assert/strict";
import type { ListOptions, StoreErrorReason } from "./store.ts";
import { isStoreError } from "./store.ts";
import { encodeContinueToken } from "./continue-token.ts";
import type { ListPlan } from "./list-plan.ts";
import { planList } from "./list-plan.ts";

const latest = 100;
const compacted = 40;

test("planList resolves the snapshot revision, start key and limit", () => {
  const cases: { options: ListOptions; plan: ListPlan }[] = [
    { options: { prefix: "/p/" }, plan: { revision: 100, startKey: "/p/", limit: 0 } },
    { options: { prefix: "/p/", limit: 5, revision: 0 }, plan: { revision: 100, startKey: "/p/", limit: 5 } },
    { options: { prefix: "/p/", revision: 40 }, plan: { revision: 40, startKey: "/p/", limit: 0 } },
    { options: { prefix: "/p/", revision: 77, limit: 3 }, plan: { revision: 77, startKey: "/p/", limit: 3 } },
    {
      options: { prefix: "/p/", limit: 2, continue: encodeContinueToken("/p/", 60, "/p/b") },
      plan: { revision: 60, startKey: "/p/b\u0000", limit: 2 },
    },
    {
      options: { prefix: "/p/", revision: 60, continue: encodeContinueToken("/p/", 60, "/p/b") },
      plan: { revision: 60, startKey: "/p/b\u0000", limit: 0 },
    },
    { options: { prefix: "/p/", continue: "" }, plan: { revision: 100, startKey: "/p/", limit: 0 } },
  ];
  for (const { options, plan } of cases) assert.deepEqual(planList(options, latest, compacted), plan, JSON.stringify(options));
});

test("planList refuses bad options with the reason a client can act on", () => {
  const cases: { options: ListOptions; reason: StoreErrorReason }[] = [
    { options: { prefix: "/p/", limit: -1 }, reason: "InvalidArgument" },
    { options: { prefix: "/p/", limit: 2.5 }, reason: "InvalidArgument" },
    { options: { prefix: "/p/", revision: -4 }, reason: "InvalidArgument" },
    { options: { prefix: "/p/", revision: 101 }, reason: "InvalidArgument" },
    { options: { prefix: "/p/", revision: 39 }, reason: "Expired" },
    { options: { prefix: "/p/", continue: encodeContinueToken("/p/", 39, "/p/a") }, reason: "Expired" },
    { options: { prefix: "/p/", continue: encodeContinueToken("/p/", 101, "/p/a") }, reason: "InvalidArgument" },
    { options: { prefix: "/p/", revision: 61, continue: encodeContinueToken("/p/", 60, "/p/a") }, reason: "InvalidArgument" },
    { options: { prefix: "/p/", continue: "%%%" }, reason: "InvalidArgument" },
  ];
  for (const { options, reason } of cases) {
    assert.throws(() => planList(options, latest, compacted), (error) => isStoreError(error, reason), JSON.stringify(options));
  }
});
