import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const apps = (kind: string) => ({ group: "apps", version: "v1", kind });

const CONTAINER = { name: "c", image: "registry.local/app:2" };
const DEFAULTED_CONTAINER = {
  ...CONTAINER,
  imagePullPolicy: "IfNotPresent",
  resources: {},
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
};
const TEMPLATE = { metadata: { labels: { app: "a" } }, spec: { containers: [CONTAINER] } };
/** A template after defaulting: no enableServiceLinks, which only Pods get. */
const DEFAULTED_TEMPLATE = {
  metadata: { labels: { app: "a" } },
  spec: {
    containers: [DEFAULTED_CONTAINER],
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Always",
    schedulerName: "default-scheduler",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};
const SELECTOR = { matchLabels: { app: "a" } };

const cases: [string, string, JsonObject, JsonObject][] = [
  [
    "Deployment",
    "a minimal deployment",
    { spec: { selector: SELECTOR, template: TEMPLATE } },
    {
      spec: {
        selector: SELECTOR,
        template: DEFAULTED_TEMPLATE,
        replicas: 1,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    },
  ],
  [
    "Deployment",
    "given values are kept; a partial rolling update is completed",
    { spec: { replicas: 0, revisionHistoryLimit: 0, progressDeadlineSeconds: 60, strategy: { rollingUpdate: { maxSurge: 1 } }, selector: SELECTOR, template: TEMPLATE } },
    {
      spec: {
        replicas: 0,
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 60,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: "25%" } },
        selector: SELECTOR,
        template: DEFAULTED_TEMPLATE,
      },
    },
  ],
  [
    "Deployment",
    "Recreate gets no rolling update block",
    { spec: { strategy: { type: "Recreate" }, selector: SELECTOR, template: TEMPLATE } },
    { spec: { strategy: { type: "Recreate" }, selector: SELECTOR, template: DEFAULTED_TEMPLATE, replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 } },
  ],
  [
    "ReplicaSet",
    "a replica set",
    { spec: { selector: SELECTOR, template: TEMPLATE } },
    { spec: { selector: SELECTOR, template: DEFAULTED_TEMPLATE, replicas: 1 } },
  ],
  [
    "StatefulSet",
    "a minimal stateful set, claim templates included",
    {
      spec: {
        serviceName: "db",
        selector: SELECTOR,
        template: TEMPLATE,
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      },
    },
    {
      spec: {
        serviceName: "db",
        selector: SELECTOR,
        template: DEFAULTED_TEMPLATE,
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Filesystem" },
            status: { phase: "Pending" },
          },
        ],
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        replicas: 1,
        revisionHistoryLimit: 10,
      },
    },
  ],
  [
    "StatefulSet",
    "an explicit RollingUpdate without a block stays without one",
    { spec: { updateStrategy: { type: "RollingUpdate" }, podManagementPolicy: "Parallel", persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" }, selector: SELECTOR, template: TEMPLATE } },
    {
      spec: {
        updateStrategy: { type: "RollingUpdate" },
        podManagementPolicy: "Parallel",
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
        selector: SELECTOR,
        template: DEFAULTED_TEMPLATE,
        replicas: 1,
        revisionHistoryLimit: 10,
      },
    },
  ],
  [
    "StatefulSet",
    "a given partition is kept; OnDelete gets nothing",
    { spec: { updateStrategy: { type: "OnDelete" }, selector: SELECTOR, template: TEMPLATE, replicas: 3 } },
    {
      spec: {
        updateStrategy: { type: "OnDelete" },
        selector: SELECTOR,
        template: DEFAULTED_TEMPLATE,
        replicas: 3,
        podManagementPolicy: "OrderedReady",
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        revisionHistoryLimit: 10,
      },
    },
  ],
  [
    "DaemonSet",
    "a daemon set",
    { spec: { selector: SELECTOR, template: TEMPLATE } },
    {
      spec: {
        selector: SELECTOR,
        template: DEFAULTED_TEMPLATE,
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
    },
  ],
  [
    "DaemonSet",
    "OnDelete gets no rolling update block",
    { spec: { updateStrategy: { type: "OnDelete" }, revisionHistoryLimit: 2, selector: SELECTOR, template: TEMPLATE } },
    { spec: { updateStrategy: { type: "OnDelete" }, revisionHistoryLimit: 2, selector: SELECTOR, template: DEFAULTED_TEMPLATE } },
  ],
  ["ControllerRevision", "has no defaults", { revision: 1 }, { revision: 1 }],
];

describe("apps/v1 defaults", () => {
  for (const [kind, name, input, expected] of cases) {
    test(`${kind}: ${name}`, () => {
      const obj = structuredClone(input);
      applyDefaults(apps(kind), obj);
      assert.deepEqual(obj, expected);
      applyDefaults(apps(kind), obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
