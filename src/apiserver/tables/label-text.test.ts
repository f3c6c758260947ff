import { test } from "node:test";
import assert from "node:assert/strict";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { formatLabels, formatLabelSelector, selectorText } from "./label-text.ts";

test("formatLabels sorts by key and shows <none> for no labels", () => {
  assert.equal(formatLabels({ tier: "web", app: "nginx" }), "app=nginx,tier=web");
  assert.equal(formatLabels({}), "<none>");
  assert.equal(formatLabels(undefined), "<none>");
});

const selectorCases: [name: string, selector: LabelSelector | undefined, text: string | undefined, formatted: string][] = [
  ["unset", undefined, "", "<none>"],
  ["empty", {}, "", "<none>"],
  ["match labels", { matchLabels: { b: "2", a: "1" } }, "a=1,b=2", "a=1,b=2"],
  [
    "expressions sorted by key, values sorted",
    {
      matchLabels: { tier: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "dev"] },
        { key: "zone", operator: "NotIn", values: ["b"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "app", operator: "Exists" },
      ],
    },
    "app,!canary,env in (dev,prod),tier=web,zone notin (b)",
    "app,!canary,env in (dev,prod),tier=web,zone notin (b)",
  ],
  ["unknown operator", { matchExpressions: [{ key: "a", operator: "Near", values: ["x"] }] }, undefined, "<error>"],
  ["In without values", { matchExpressions: [{ key: "a", operator: "In", values: [] }] }, undefined, "<error>"],
  ["Exists with values", { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, undefined, "<error>"],
];

for (const [name, selector, text, formatted] of selectorCases) {
  test(`selector: ${name}`, () => {
    assert.equal(selectorText(selector), text);
    assert.equal(formatLabelSelector(selector), formatted);
  });
}
