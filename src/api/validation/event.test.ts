import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateCoreEvent, validateEventsV1Event, validateEventsV1EventUpdate } from "./event.ts";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

describe("core/v1 Event", () => {
  const event = (namespace: string, involved: string | undefined, extra: JsonObject = {}): JsonObject => ({
    metadata: { name: "web.1", namespace },
    involvedObject: { kind: "Pod", name: "web", namespace: involved },
    reason: "Started",
    ...extra,
  });
  const cases: [string, JsonObject, string[]][] = [
    ["matching namespaces", event("default", "default"), []],
    ["cluster object reported in default", event("default", undefined), []],
    ["mismatch", event("a", "b"), ['involvedObject.namespace: Invalid value: "b": does not match event.namespace']],
    [
      "new-style event needs reporting fields",
      event("default", "default", { eventTime: "2024-01-01T00:00:00.000000Z", reason: "" }),
      [
        "reportingController: Required value",
        'reportingController: Invalid value: "": name part must be non-empty',
        `reportingController: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        "reportingInstance: Required value",
        "action: Required value",
        "reason: Required value",
      ],
    ],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validateCoreEvent(value)), expected));
});

describe("events.k8s.io/v1 Event", () => {
  const event = (): JsonObject => ({
    metadata: { name: "web.1", namespace: "default" },
    eventTime: "2024-01-01T00:00:00.000000Z",
    reportingController: "example.com/controller",
    reportingInstance: "controller-1",
    action: "Scale",
    reason: "Scaled",
    type: "Normal",
    regarding: { kind: "Deployment", name: "web", namespace: "default" },
    note: "scaled up",
  });

  test("valid", () => assert.deepEqual(texts(validateEventsV1Event(event())), []));

  test("strict fields", () => {
    const e = { ...event(), type: "Info", deprecatedCount: 3, series: { count: 1 } };
    assert.deepEqual(texts(validateEventsV1Event(e)), [
      'series.count: Invalid value: "": should be at least 2',
      "series.lastObservedTime: Required value",
      'type: Invalid value: "": has invalid value: Info',
      'count: Invalid value: "": needs to be unset',
    ]);
  });

  test("most fields are immutable", () => {
    const next = { ...event(), note: "changed" };
    assert.deepEqual(texts(validateEventsV1EventUpdate(next, event())), ['message: Invalid value: "changed": field is immutable']);
  });
});
