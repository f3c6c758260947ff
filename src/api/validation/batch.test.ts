import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./batch.ts";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function job(): JsonObject {
  return {
    metadata: { name: "pi", namespace: "default", uid: "u1" },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } },
      template: {
        metadata: { labels: { "batch.kubernetes.io/controller-uid": "u1", "batch.kubernetes.io/job-name": "pi" } },
        spec: { containers: [{ name: "pi", image: "perl" }], restartPolicy: "Never" },
      },
    },
  };
}

type Edit = (o: JsonObject) => void;
const spec = (o: JsonObject): JsonObject => o.spec as JsonObject;
const podSpec = (o: JsonObject): JsonObject => (spec(o).template as JsonObject).spec as JsonObject;

describe("Job", () => {
  test("valid", () => assert.deepEqual(texts(validateJob(job())), []));

  const cases: [string, Edit, string[]][] = [
    ["restart policy Always", (j) => (podSpec(j).restartPolicy = "Always"), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ["restart policy unset", (j) => delete podSpec(j).restartPolicy, ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ["negative counts", (j) => (spec(j).backoffLimit = -1), ["spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"]],
    [
      "negative parallelism and completions",
      (j) => {
        spec(j).parallelism = -2;
        spec(j).completions = -3;
      },
      ["spec.parallelism: Invalid value: -2: must be greater than or equal to 0", "spec.completions: Invalid value: -3: must be greater than or equal to 0"],
    ],
    [
      "selector missing",
      (j) => delete spec(j).selector,
      [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"u1", "batch.kubernetes.io/job-name":"pi"}: `selector` does not match template `labels`',
      ],
    ],
    [
      "completion mode",
      (j) => (spec(j).completionMode = "Sometimes"),
      ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'],
    ],
    [
      "indexed needs completions",
      (j) => {
        spec(j).completionMode = "Indexed";
        delete spec(j).completions;
      },
      ["spec.completions: Required value: when completion mode is Indexed"],
    ],
    [
      "per-index limit needs indexed mode",
      (j) => (spec(j).backoffLimitPerIndex = 1),
      ["spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"],
    ],
    [
      "pod failure policy needs Never",
      (j) => {
        podSpec(j).restartPolicy = "OnFailure";
        spec(j).podFailurePolicy = { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [1] } }] };
      },
      ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'],
    ],
    [
      "pod failure rule without a condition",
      (j) => (spec(j).podFailurePolicy = { rules: [{ action: "Ignore" }] }),
      ["spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required"],
    ],
    [
      "exit codes unordered and zero for In",
      (j) => (spec(j).podFailurePolicy = { rules: [{ action: "Count", onExitCodes: { operator: "In", values: [3, 0] } }] }),
      [
        "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator",
        "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0]: must be ordered",
      ],
    ],
    [
      "indexed name too long for pod hostnames",
      (j) => {
        (j.metadata as JsonObject).name = "a".repeat(62);
        spec(j).completionMode = "Indexed";
        spec(j).completions = 10;
      },
      [`metadata.name: Invalid value: "${"a".repeat(62)}": will not able to create pod with invalid DNS label: ${"a".repeat(62)}-9`],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const j = job();
      edit(j);
      assert.deepEqual(texts(validateJob(j)), expected);
    });
  }

  test("template and completions are immutable", () => {
    const next = job();
    podSpec(next).containers = [{ name: "pi", image: "perl:5" }];
    spec(next).completions = 2;
    assert.deepEqual(
      validateJobUpdate(next, job()).map((e) => [e.field, e.detail]),
      [
        ["spec.completions", "field is immutable"],
        ["spec.template", "field is immutable"],
      ],
    );
  });

  test("a suspended job that never ran may move its pods", () => {
    const old = job();
    spec(old).suspend = true;
    const next = structuredClone(old);
    podSpec(next).nodeSelector = { zone: "a" };
    assert.deepEqual(validateJobUpdate(next, old), []);
  });

  test("unsuspending is allowed", () => {
    const old = job();
    spec(old).suspend = true;
    const next = structuredClone(old);
    spec(next).suspend = false;
    assert.deepEqual(validateJobUpdate(next, old), []);
  });
});

function cronJob(): JsonObject {
  return {
    metadata: { name: "nightly", namespace: "default" },
    spec: {
      schedule: "0 3 * * *",
      concurrencyPolicy: "Forbid",
      jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }], restartPolicy: "OnFailure" } } } },
    },
  };
}

describe("CronJob", () => {
  test("valid", () => assert.deepEqual(texts(validateCronJob(cronJob())), []));

  const cases: [string, Edit, string[]][] = [
    ["schedule required", (c) => delete spec(c).schedule, ["spec.schedule: Required value"]],
    ["bad schedule", (c) => (spec(c).schedule = "0 25 * * *"), ['spec.schedule: Invalid value: "0 25 * * *": end of range (25) above maximum (23): 25']],
    ["macro", (c) => (spec(c).schedule = "@daily"), []],
    [
      "TZ in schedule",
      (c) => (spec(c).schedule = "TZ=UTC 0 3 * * *"),
      ['spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ],
    ["time zone field", (c) => (spec(c).timeZone = "Europe/Berlin"), []],
    ["unknown time zone", (c) => (spec(c).timeZone = "Europe/Atlantis"), ['spec.timeZone: Invalid value: "Europe/Atlantis": unknown time zone Europe/Atlantis']],
    [
      "Local time zone",
      (c) => (spec(c).timeZone = "Local"),
      ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'],
    ],
    ["empty time zone", (c) => (spec(c).timeZone = ""), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']],
    [
      "concurrency policy",
      (c) => (spec(c).concurrencyPolicy = "Sometimes"),
      ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
    ],
    [
      "job template restart policy",
      (c) => delete (((spec(c).jobTemplate as JsonObject).spec as JsonObject).template as JsonObject).spec,
      ["spec.jobTemplate.spec.template.spec.containers: Required value", 'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
    ],
    [
      "job template selector",
      (c) => (((spec(c).jobTemplate as JsonObject).spec as JsonObject).selector = { matchLabels: { a: "b" } }),
      ['spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated'],
    ],
    [
      "name longer than 52",
      (c) => ((c.metadata as JsonObject).name = "a".repeat(53)),
      [`metadata.name: Invalid value: "${"a".repeat(53)}": must be no more than 52 characters`],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const c = cronJob();
      edit(c);
      assert.deepEqual(texts(validateCronJob(c)), expected);
    });
  }

  test("a schedule that had TZ may keep it on update", () => {
    const old = cronJob();
    spec(old).schedule = "TZ=UTC 0 3 * * *";
    const next = structuredClone(old);
    spec(next).schedule = "TZ=UTC 0 4 * * *";
    assert.deepEqual(validateCronJobUpdate(next, old), []);
  });
});
