import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { NamespaceCondition } from "kubernetes-types/core/v1";
import { deletionConditions, resourceLabel, type DeletionOutcome } from "./deletion-conditions.ts";

const clean: DeletionOutcome = { deleteErrors: [], remaining: new Map(), finalizersRemaining: new Map() };
const t0 = "2026-01-01T00:00:00Z";
const t1 = "2026-01-01T00:01:00Z";
const byType = (conditions: NamespaceCondition[] | undefined) => Object.fromEntries((conditions ?? []).map((c) => [c.type, c]));

describe("deletionConditions", () => {
  const cases: Array<[string, DeletionOutcome, Record<string, { status: string; reason: string; message?: string }>]> = [
    ["all clean: every condition False with its ok reason", clean, {
      NamespaceDeletionDiscoveryFailure: { status: "False", reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
      NamespaceDeletionGroupVersionParsingFailure: { status: "False", reason: "ParsedGroupVersions" },
      NamespaceDeletionContentFailure: { status: "False", reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
      NamespaceContentRemaining: { status: "False", reason: "ContentRemoved", message: "All content successfully removed" },
      NamespaceFinalizersRemaining: { status: "False", reason: "ContentRemoved" },
    }],
    ["content and finalizers remaining, sorted", { ...clean, remaining: new Map([[resourceLabel("pods", ""), 2], [resourceLabel("widgets", "example.com"), 1], ["none.", 0]]), finalizersRemaining: new Map([["example.com/hold", 1]]) }, {
      NamespaceContentRemaining: { status: "True", reason: "SomeResourcesRemain", message: "Some resources are remaining: pods. has 2 resource instances, widgets.example.com has 1 resource instances" },
      NamespaceFinalizersRemaining: { status: "True", reason: "SomeFinalizerRemain", message: "Some finalizers are remaining: example.com/hold in 1 resource instances" },
      NamespaceDeletionContentFailure: { status: "False", reason: "ContentDeleted" },
    }],
    ["delete failures and discovery failure", { ...clean, discoveryError: "boom", deleteErrors: ["secrets: b", "configmaps: a"] }, {
      NamespaceDeletionDiscoveryFailure: { status: "True", reason: "DiscoveryFailed", message: "boom" },
      NamespaceDeletionContentFailure: { status: "True", reason: "ContentDeletionFailed", message: "Failed to delete all resource types, 2 remaining: configmaps: a, secrets: b" },
    }],
  ];
  for (const [name, outcome, want] of cases) {
    test(name, () => {
      const got = byType(deletionConditions([], outcome, t0));
      assert.equal(Object.keys(got).length, 5);
      for (const [type, expected] of Object.entries(want)) {
        assert.equal(got[type]?.status, expected.status, type);
        assert.equal(got[type]?.reason, expected.reason, type);
        if (expected.message !== undefined) assert.equal(got[type]?.message, expected.message, type);
        assert.equal(got[type]?.lastTransitionTime, t0);
      }
    });
  }

  test("an unchanged pass needs no write", () => {
    const first = deletionConditions([], clean, t0)!;
    assert.equal(deletionConditions(first, clean, t1), undefined);
  });

  test("a flip moves lastTransitionTime; a message change alone does not; other conditions stay", () => {
    const other: NamespaceCondition = { type: "Other", status: "True" };
    const first = deletionConditions([other], { ...clean, remaining: new Map([["pods.", 1]]) }, t0)!;
    const second = byType(deletionConditions(first, { ...clean, remaining: new Map([["pods.", 3]]) }, t1));
    assert.equal(second["NamespaceContentRemaining"]?.lastTransitionTime, t0);
    assert.match(second["NamespaceContentRemaining"]?.message ?? "", /3 resource instances/);
    const third = deletionConditions(first, clean, t1)!;
    assert.equal(byType(third)["NamespaceContentRemaining"]?.lastTransitionTime, t1);
    assert.equal(third[0]?.type, "Other");
  });
});
