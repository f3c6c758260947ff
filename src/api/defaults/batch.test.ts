import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const batch = (kind: string) => ({ group: "batch", version: "v1", kind });

const CONTAINER = { name: "c", image: "registry.local/job:1" };
const TEMPLATE = { metadata: { labels: { task: "t" } }, spec: { restartPolicy: "Never", containers: [CONTAINER] } };
const DEFAULTED_TEMPLATE = {
  metadata: { labels: { task: "t" } },
  spec: {
    restartPolicy: "Never",
    containers: [{ ...CONTAINER, imagePullPolicy: "IfNotPresent", resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" }],
    dnsPolicy: "ClusterFirst",
    schedulerName: "default-scheduler",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};
const JOB_DEFAULTS = { completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed", manualSelector: false };

const cases: [string, string, JsonObject, JsonObject][] = [
  [
    "Job",
    "a job naming neither completions nor parallelism runs one pod once",
    { metadata: { name: "j" }, spec: { template: TEMPLATE } },
    {
      metadata: { name: "j", labels: { task: "t" } },
      spec: { template: DEFAULTED_TEMPLATE, completions: 1, parallelism: 1, backoffLimit: 6, ...JOB_DEFAULTS },
    },
  ],
  [
    "Job",
    "completions alone get parallelism 1",
    { metadata: { labels: { mine: "x" } }, spec: { completions: 5, template: TEMPLATE } },
    { metadata: { labels: { mine: "x" } }, spec: { completions: 5, parallelism: 1, backoffLimit: 6, template: DEFAULTED_TEMPLATE, ...JOB_DEFAULTS } },
  ],
  [
    "Job",
    "parallelism alone leaves completions unset (a work queue)",
    { metadata: {}, spec: { parallelism: 3, template: TEMPLATE } },
    { metadata: { labels: { task: "t" } }, spec: { parallelism: 3, backoffLimit: 6, template: DEFAULTED_TEMPLATE, ...JOB_DEFAULTS } },
  ],
  [
    "Job",
    "a per-index backoff limit lifts the job-wide one",
    { metadata: {}, spec: { completionMode: "Indexed", completions: 3, backoffLimitPerIndex: 1, template: TEMPLATE } },
    {
      metadata: { labels: { task: "t" } },
      spec: { ...JOB_DEFAULTS, completionMode: "Indexed", completions: 3, parallelism: 1, backoffLimitPerIndex: 1, backoffLimit: 2147483647, template: DEFAULTED_TEMPLATE },
    },
  ],
  [
    "Job",
    "a pod failure policy makes replacement wait for failure, and its condition patterns match True",
    {
      metadata: {},
      spec: {
        template: TEMPLATE,
        podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }, { type: "X", status: "False" }] }] },
      },
    },
    {
      metadata: { labels: { task: "t" } },
      spec: {
        template: DEFAULTED_TEMPLATE,
        podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }, { type: "X", status: "False" }] }] },
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        ...JOB_DEFAULTS,
        podReplacementPolicy: "Failed",
      },
    },
  ],
  [
    "CronJob",
    "a cron job; its job template gets pod template defaults only",
    { spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: TEMPLATE } } } },
    {
      spec: {
        schedule: "*/5 * * * *",
        jobTemplate: { spec: { template: DEFAULTED_TEMPLATE } },
        concurrencyPolicy: "Allow",
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      },
    },
  ],
  [
    "CronJob",
    "given values are kept",
    { spec: { schedule: "@daily", concurrencyPolicy: "Forbid", suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0, jobTemplate: { spec: { template: TEMPLATE } } } },
    {
      spec: { schedule: "@daily", concurrencyPolicy: "Forbid", suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0, jobTemplate: { spec: { template: DEFAULTED_TEMPLATE } } },
    },
  ],
];

describe("batch/v1 defaults", () => {
  for (const [kind, name, input, expected] of cases) {
    test(`${kind}: ${name}`, () => {
      const obj = structuredClone(input);
      applyDefaults(batch(kind), obj);
      assert.deepEqual(obj, expected);
      applyDefaults(batch(kind), obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
