import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision } from "kubernetes-types/apps/v1";
import { chooseUpdateRevision, nextRevisionNumber, oldRevisionsToPrune, revisionDataHash, revisionsToPrune, templatePatch } from "./controller-history.ts";

function revision(name: string, number: number, image: string): ControllerRevision {
  return { metadata: { name }, revision: number, data: templatePatch({ spec: { containers: [{ name: "main", image }] } }) };
}

describe("chooseUpdateRevision", () => {
  const history = [revision("r-a", 1, "a"), revision("r-b", 2, "b"), revision("r-c", 3, "c")];
  const cases: Array<{ name: string; image: string; expected: string }> = [
    { name: "the newest revision holds the template", image: "c", expected: "latest r-c" },
    { name: "a rollback renumbers the older revision", image: "a", expected: "renumber r-a to 4" },
    { name: "a new template needs a new revision", image: "d", expected: "create" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const choice = chooseUpdateRevision(history, revision("candidate", 4, c.image));
      const described = choice.kind === "create" ? "create" : choice.kind === "latest" ? `latest ${choice.revision.metadata?.name}` : `renumber ${choice.revision.metadata?.name} to ${choice.to}`;
      assert.equal(described, c.expected);
    });
  }
  test("no history: create revision 1", () => {
    assert.equal(chooseUpdateRevision([], revision("x", 1, "a")).kind, "create");
    assert.equal(nextRevisionNumber([]), 1);
  });
});

describe("revisionsToPrune", () => {
  const history = [1, 2, 3, 4, 5].map((n) => revision(`r${n}`, n, String(n)));
  const cases: Array<{ name: string; live: string[]; limit: number; pruned: string[] }> = [
    { name: "within the limit nothing goes", live: ["r5"], limit: 10, pruned: [] },
    { name: "oldest dead revisions go first", live: ["r5"], limit: 2, pruned: ["r1", "r2"] },
    { name: "live revisions never go", live: ["r1", "r5"], limit: 1, pruned: ["r2", "r3"] },
    { name: "limit 0 keeps only live ones", live: ["r3"], limit: 0, pruned: ["r1", "r2", "r4", "r5"] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(revisionsToPrune(history, (r) => c.live.includes(r.metadata?.name ?? ""), c.limit).map((r) => r.metadata?.name), c.pruned));
  }
});

describe("oldRevisionsToPrune", () => {
  const old = [1, 2, 3, 4, 5].map((n) => revision(`r${n}`, n, String(n)));
  const cases: Array<{ name: string; live: string[]; limit: number; pruned: string[] }> = [
    { name: "within the limit nothing goes", live: [], limit: 5, pruned: [] },
    { name: "oldest go first", live: [], limit: 3, pruned: ["r1", "r2"] },
    { name: "used revisions count towards the limit but stay", live: ["r1"], limit: 2, pruned: ["r2", "r3", "r4"] },
    { name: "when only used ones remain, they all stay", live: ["r1", "r2", "r3", "r4"], limit: 2, pruned: ["r5"] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(oldRevisionsToPrune(old, (r) => c.live.includes(r.metadata?.name ?? ""), c.limit).map((r) => r.metadata?.name), c.pruned));
  }
});

describe("revision data", () => {
  test("the patch replaces the whole template", () => {
    assert.deepEqual(templatePatch({ metadata: { labels: { a: "b" } } }), { spec: { template: { metadata: { labels: { a: "b" } }, $patch: "replace" } } });
  });
  test("hash depends on data and collision count, not key order", () => {
    const one = revisionDataHash({ a: 1, b: 2 }, undefined);
    assert.equal(one, revisionDataHash({ b: 2, a: 1 }, undefined));
    assert.notEqual(one, revisionDataHash({ a: 1, b: 3 }, undefined));
    assert.notEqual(one, revisionDataHash({ a: 1, b: 2 }, 1));
    assert.match(one, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});
