import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event as CoreEvent } from "kubernetes-types/core/v1";
import type { Event as EventsEvent } from "kubernetes-types/events/v1";
import { eventPrinter, eventsGroupEventPrinter } from "./event-printer.ts";
import type { TableCell } from "./table.ts";
import { NOW, ago } from "./test-fixtures.ts";

// Cells: Last Seen, Type, Reason, Object, Subobject, Source, Message, First Seen, Count, Name.
const cases: [name: string, subject: CoreEvent, cells: TableCell[]][] = [
  [
    "repeated event with count",
    {
      metadata: { name: "web.17c1", namespace: "default" },
      involvedObject: { kind: "Pod", name: "web", fieldPath: "spec.containers{app}" },
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container\n",
      source: { component: "kubelet", host: "node-1" },
      firstTimestamp: ago(3 * 86400),
      lastTimestamp: ago(2 * 86400),
      count: 6,
    },
    [
      "2d",
      "Warning",
      "BackOff",
      "pod/web",
      "spec.containers{app}",
      "kubelet, node-1",
      "Back-off restarting failed container",
      "3d",
      6,
      "web.17c1",
    ],
  ],
  [
    "event series from the new API: times from eventTime and the series",
    {
      metadata: { name: "web.17c2" },
      involvedObject: { kind: "Deployment", name: "web" },
      type: "Normal",
      reason: "ScalingReplicaSet",
      message: "Scaled up replica set web-7c5ddbdf54 to 3",
      eventTime: ago(600),
      series: { count: 4, lastObservedTime: ago(30) },
      reportingComponent: "deployment-controller",
      reportingInstance: "",
    },
    [
      "30s",
      "Normal",
      "ScalingReplicaSet",
      "deployment/web",
      "",
      "deployment-controller",
      "Scaled up replica set web-7c5ddbdf54 to 3",
      "10m",
      4,
      "web.17c2",
    ],
  ],
  [
    "singleton from the new API: count 1, last seen equals first seen",
    {
      metadata: { name: "n1.1" },
      involvedObject: { kind: "Node" },
      type: "Normal",
      reason: "Starting",
      eventTime: ago(90),
      reportingComponent: "kubelet",
      reportingInstance: "node-1",
    },
    ["90s", "Normal", "Starting", "node", "", "kubelet, node-1", "", "90s", 1, "n1.1"],
  ],
  [
    "no timestamps at all",
    { metadata: { name: "odd" }, involvedObject: { kind: "Pod", name: "x" }, count: 2 },
    ["<unknown>", "", "", "pod/x", "", "", "", "<unknown>", 2, "odd"],
  ],
];

for (const [name, subject, cells] of cases) {
  test(`event: ${name}`, () => {
    assert.deepEqual(eventPrinter.cells(subject, NOW), cells);
  });
}

test("events.k8s.io events print like their core/v1 form", () => {
  const subject: EventsEvent = {
    metadata: { name: "web.17c3" },
    eventTime: ago(120),
    regarding: { kind: "Pod", name: "web", fieldPath: "spec.containers{app}" },
    type: "Normal",
    reason: "Pulled",
    note: "Container image already present",
    reportingController: "kubelet",
    reportingInstance: "node-1",
    series: { count: 3, lastObservedTime: ago(5) },
  };
  assert.deepEqual(eventsGroupEventPrinter.cells(subject, NOW), [
    "5s",
    "Normal",
    "Pulled",
    "pod/web",
    "spec.containers{app}",
    "kubelet, node-1",
    "Container image already present",
    "2m",
    3,
    "web.17c3",
  ]);
});
