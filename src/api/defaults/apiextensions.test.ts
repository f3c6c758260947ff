import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "CustomResourceDefinition", "v1", "names, conversion and stored versions",
    {
      spec: {
        group: "stable.example.com",
        scope: "Namespaced",
        names: { plural: "crontabs", kind: "CronTab" },
        versions: [{ name: "v1beta1", served: true, storage: false }, { name: "v1", served: true, storage: true }],
      },
    },
    {
      spec: {
        group: "stable.example.com",
        scope: "Namespaced",
        names: { plural: "crontabs", kind: "CronTab", singular: "crontab", listKind: "CronTabList" },
        versions: [{ name: "v1beta1", served: true, storage: false }, { name: "v1", served: true, storage: true }],
        conversion: { strategy: "None" },
      },
      status: { storedVersions: ["v1"] },
    },
  ],
  [
    "CustomResourceDefinition", "v1", "a webhook conversion's service gets port 443; stored versions are kept",
    {
      spec: {
        names: { plural: "crontabs", singular: "tab", kind: "CronTab", listKind: "Tabs" },
        versions: [{ name: "v2", storage: true }],
        conversion: { strategy: "Webhook", webhook: { conversionReviewVersions: ["v1"], clientConfig: { service: { namespace: "ns", name: "conv" } } } },
      },
      status: { storedVersions: ["v1", "v2"] },
    },
    {
      spec: {
        names: { plural: "crontabs", singular: "tab", kind: "CronTab", listKind: "Tabs" },
        versions: [{ name: "v2", storage: true }],
        conversion: { strategy: "Webhook", webhook: { conversionReviewVersions: ["v1"], clientConfig: { service: { namespace: "ns", name: "conv", port: 443 } } } },
      },
      status: { storedVersions: ["v1", "v2"] },
    },
  ],
];

describe("apiextensions.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "apiextensions.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
