import { test } from "node:test";
import assert from "node:assert/strict";
import type { CronJob, Job, JobCondition, JobSpec, JobStatus } from "kubernetes-types/batch/v1";
import { cronJobPrinter, jobPrinter } from "./job-printers.ts";
import { NOW, ago } from "./test-fixtures.ts";

const template = { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "localhost:5000/perl" }] } };

function job(spec: Partial<JobSpec>, status: JobStatus, deleting = false): Job {
  return {
    metadata: { name: "pi", creationTimestamp: ago(3600), ...(deleting && { deletionTimestamp: ago(1) }) },
    spec: { template, selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "abc" } }, ...spec },
    status,
  };
}

const condition = (type: string, status = "True"): JobCondition => ({ type, status });

const cases: [name: string, subject: Job, status: string, completions: string, duration: string][] = [
  ["not started", job({ completions: 1 }, {}), "Running", "0/1", ""],
  ["running", job({ completions: 3, parallelism: 1 }, { startTime: ago(125), succeeded: 1, active: 1 }), "Running", "1/3", "2m5s"],
  [
    "complete",
    job({ completions: 1 }, { startTime: ago(600), completionTime: ago(590), succeeded: 1, conditions: [condition("Complete")] }),
    "Complete",
    "1/1",
    "10s",
  ],
  [
    "failed",
    job({ completions: 1 }, { startTime: ago(600), failed: 6, conditions: [condition("FailureTarget"), condition("Failed")] }),
    "Failed",
    "0/1",
    "10m",
  ],
  ["failing", job({}, { startTime: ago(30), conditions: [condition("FailureTarget")] }), "FailureTarget", "0/1", "30s"],
  ["suspended", job({ suspend: true }, { conditions: [condition("Suspended")] }), "Suspended", "0/1", ""],
  ["resumed (condition false)", job({}, { conditions: [condition("Suspended", "False")] }), "Running", "0/1", ""],
  ["terminating", job({}, { startTime: ago(30) }, true), "Terminating", "0/1", "30s"],
  [
    "complete while being deleted",
    job({}, { startTime: ago(30), completionTime: ago(20), conditions: [condition("Complete")] }, true),
    "Complete",
    "0/1",
    "10s",
  ],
  ["work queue with parallelism", job({ parallelism: 4 }, { succeeded: 2, startTime: ago(60) }), "Running", "2/1 of 4", "60s"],
];

for (const [name, subject, status, completions, duration] of cases) {
  test(`job: ${name}`, () => {
    const cells = jobPrinter.cells(subject, NOW);
    assert.deepEqual(cells.slice(1, 4), [status, completions, duration]);
  });
}

test("job wide cells", () => {
  assert.deepEqual(jobPrinter.cells(job({ completions: 1 }, {}), NOW), [
    "pi",
    "Running",
    "0/1",
    "",
    "60m",
    "pi",
    "localhost:5000/perl",
    "batch.kubernetes.io/controller-uid=abc",
  ]);
});

const cronJob = (fields: Partial<CronJob["spec"]>, status: CronJob["status"] = {}): CronJob => ({
  metadata: { name: "nightly", creationTimestamp: ago(86400) },
  spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template } }, ...fields },
  status,
});

const cronCases: [name: string, subject: CronJob, cells: (string | number)[]][] = [
  [
    "never scheduled, defaults",
    cronJob({}),
    ["nightly", "0 3 * * *", "<none>", "False", 0, "<none>", "24h", "pi", "localhost:5000/perl", "<none>"],
  ],
  [
    "suspended with a time zone and two active jobs",
    cronJob(
      { suspend: true, timeZone: "Europe/Paris" },
      {
        lastScheduleTime: ago(300),
        active: [
          { kind: "Job", name: "nightly-1" },
          { kind: "Job", name: "nightly-2" },
        ],
      },
    ),
    ["nightly", "0 3 * * *", "Europe/Paris", "True", 2, "5m", "24h", "pi", "localhost:5000/perl", "<none>"],
  ],
];

for (const [name, subject, cells] of cronCases) {
  test(`cronjob: ${name}`, () => {
    assert.deepEqual(cronJobPrinter.cells(subject, NOW), cells);
  });
}
