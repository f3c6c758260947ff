import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerStatus, Pod, PodStatus } from "kubernetes-types/core/v1";
import { podPrinter } from "./pod-printer.ts";
import { NOW, ago } from "./test-fixtures.ts";

const running = { running: { startedAt: ago(600) } };

function pod(status: PodStatus, extra: { initContainers?: string[]; sidecars?: string[]; containers?: string[] } = {}): Pod {
  return {
    metadata: { name: "web", namespace: "default", creationTimestamp: ago(600) },
    spec: {
      initContainers: [
        ...(extra.sidecars ?? []).map((name) => ({ name, image: "side", restartPolicy: "Always" })),
        ...(extra.initContainers ?? []).map((name) => ({ name, image: "init" })),
      ],
      containers: (extra.containers ?? ["app"]).map((name) => ({ name, image: "app" })),
    },
    status,
  };
}

function container(name: string, fields: Partial<ContainerStatus>): ContainerStatus {
  return { name, image: "img", imageID: "", ready: false, restartCount: 0, ...fields };
}

const statusCases: [name: string, pod: Pod, ready: string, status: string, restarts: string][] = [
  [
    "running and ready",
    pod({ phase: "Running", containerStatuses: [container("app", { ready: true, state: running })] }),
    "1/1",
    "Running",
    "0",
  ],
  ["pending without statuses", pod({ phase: "Pending" }), "0/1", "Pending", "0"],
  [
    "creating containers",
    pod({ phase: "Pending", containerStatuses: [container("app", { state: { waiting: { reason: "ContainerCreating" } } })] }),
    "0/1",
    "ContainerCreating",
    "0",
  ],
  [
    "crash loop with the last restart five minutes ago",
    pod({
      phase: "Running",
      containerStatuses: [
        container("app", {
          restartCount: 2,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(300) } },
        }),
      ],
    }),
    "0/1",
    "CrashLoopBackOff",
    "2 (5m ago)",
  ],
  [
    "first of two init containers waiting",
    pod(
      { phase: "Pending", initContainerStatuses: [container("i1", { state: { waiting: { reason: "PodInitializing" } } })] },
      { initContainers: ["i1", "i2"] },
    ),
    "0/1",
    "Init:0/2",
    "0",
  ],
  [
    "second init container running",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          container("i1", { state: { terminated: { exitCode: 0, reason: "Completed" } } }),
          container("i2", { state: running }),
        ],
      },
      { initContainers: ["i1", "i2"] },
    ),
    "0/1",
    "Init:1/2",
    "0",
  ],
  [
    "init container failed",
    pod(
      { phase: "Pending", initContainerStatuses: [container("i1", { state: { terminated: { exitCode: 1, reason: "Error" } } })] },
      { initContainers: ["i1"] },
    ),
    "0/1",
    "Init:Error",
    "0",
  ],
  [
    "init container crash looping, its restarts counted",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          container("i1", {
            restartCount: 4,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, finishedAt: ago(60) } },
          }),
        ],
      },
      { initContainers: ["i1"] },
    ),
    "0/1",
    "Init:CrashLoopBackOff",
    "4 (60s ago)",
  ],
  [
    "init container killed by a signal without reason",
    pod(
      { phase: "Pending", initContainerStatuses: [container("i1", { state: { terminated: { exitCode: 137, signal: 9 } } })] },
      { initContainers: ["i1"] },
    ),
    "0/1",
    "Init:Signal:9",
    "0",
  ],
  [
    "init container exited without reason",
    pod(
      { phase: "Pending", initContainerStatuses: [container("i1", { state: { terminated: { exitCode: 2 } } })] },
      { initContainers: ["i1"] },
    ),
    "0/1",
    "Init:ExitCode:2",
    "0",
  ],
  [
    "init done, containers initializing",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [container("i1", { state: { terminated: { exitCode: 0, reason: "Completed" } } })],
        containerStatuses: [container("app", { state: { waiting: { reason: "PodInitializing" } } })],
      },
      { initContainers: ["i1"] },
    ),
    "0/1",
    "PodInitializing",
    "0",
  ],
  [
    "succeeded",
    pod({ phase: "Succeeded", containerStatuses: [container("app", { state: { terminated: { exitCode: 0, reason: "Completed" } } })] }),
    "0/1",
    "Completed",
    "0",
  ],
  [
    "one container completed, the other running and pod ready",
    pod(
      {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [
          container("a", { ready: true, state: running }),
          container("b", { state: { terminated: { exitCode: 0, reason: "Completed" } } }),
        ],
      },
      { containers: ["a", "b"] },
    ),
    "1/2",
    "Running",
    "0",
  ],
  [
    "one container completed, the other running, pod not ready",
    pod(
      {
        phase: "Running",
        conditions: [{ type: "Ready", status: "False" }],
        containerStatuses: [
          container("a", { ready: true, state: running }),
          container("b", { state: { terminated: { exitCode: 0, reason: "Completed" } } }),
        ],
      },
      { containers: ["a", "b"] },
    ),
    "1/2",
    "NotReady",
    "0",
  ],
  [
    "the first container's state wins over later ones",
    pod(
      {
        phase: "Running",
        containerStatuses: [
          container("a", { state: { waiting: { reason: "ImagePullBackOff" } } }),
          container("b", { state: { waiting: { reason: "ErrImagePull" } } }),
        ],
      },
      { containers: ["a", "b"] },
    ),
    "0/2",
    "ImagePullBackOff",
    "0",
  ],
  [
    "failed with an error",
    pod({ phase: "Failed", containerStatuses: [container("app", { state: { terminated: { exitCode: 1, reason: "Error" } } })] }),
    "0/1",
    "Error",
    "0",
  ],
  [
    "container killed by a signal",
    pod({ phase: "Running", containerStatuses: [container("app", { state: { terminated: { exitCode: 137, signal: 9 } } })] }),
    "0/1",
    "Signal:9",
    "0",
  ],
  [
    "container exited without reason",
    pod({ phase: "Running", containerStatuses: [container("app", { state: { terminated: { exitCode: 3 } } })] }),
    "0/1",
    "ExitCode:3",
    "0",
  ],
  ["evicted", pod({ phase: "Failed", reason: "Evicted", message: "low on memory" }), "0/1", "Evicted", "0"],
  [
    "scheduling gated",
    pod({ phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] }),
    "0/1",
    "SchedulingGated",
    "0",
  ],
  [
    "node lost without deletion",
    pod({ phase: "Running", reason: "NodeLost", containerStatuses: [container("app", { ready: true, state: running })] }),
    "1/1",
    "NodeLost",
    "0",
  ],
  [
    "sidecar started and ready, restarts of both summed",
    pod(
      {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [
          container("proxy", {
            started: true,
            ready: true,
            restartCount: 1,
            state: running,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } },
          }),
        ],
        containerStatuses: [
          container("app", {
            ready: true,
            restartCount: 2,
            state: running,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(180) } },
          }),
        ],
      },
      { sidecars: ["proxy"] },
    ),
    "2/2",
    "Running",
    "3 (3m ago)",
  ],
  [
    "sidecar not started yet blocks initialization",
    pod(
      { phase: "Pending", initContainerStatuses: [container("proxy", { started: false, state: running })] },
      { sidecars: ["proxy"] },
    ),
    "0/2",
    "Init:0/1",
    "0",
  ],
];

for (const [name, subject, ready, status, restarts] of statusCases) {
  test(`pod: ${name}`, () => {
    const cells = podPrinter.cells(subject, NOW);
    assert.deepEqual(cells.slice(1, 4), [ready, status, restarts]);
  });
}

const deletionCases: [phase: string, reason: string | undefined, status: string][] = [
  ["Running", undefined, "Terminating"],
  ["Pending", undefined, "Terminating"],
  ["Succeeded", undefined, "Succeeded"],
  ["Failed", undefined, "Failed"],
  ["Running", "NodeLost", "Unknown"],
];

for (const [phase, reason, status] of deletionCases) {
  test(`pod being deleted in phase ${phase}${reason ? ` (${reason})` : ""} shows ${status}`, () => {
    const subject = pod({ phase, ...(reason && { reason }) });
    subject.metadata = { ...subject.metadata, deletionTimestamp: ago(5) };
    assert.equal(podPrinter.cells(subject, NOW)[2], status);
  });
}

test("pod wide cells: first IP, node, nominated node, readiness gates", () => {
  const subject: Pod = {
    metadata: { name: "web", creationTimestamp: ago(3 * 3600 + 300) },
    spec: {
      nodeName: "node-1",
      readinessGates: [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }],
      containers: [{ name: "app" }],
    },
    status: {
      phase: "Running",
      podIP: "10.42.0.7",
      podIPs: [{ ip: "10.42.0.7" }, { ip: "fd00::7" }],
      nominatedNodeName: "node-2",
      conditions: [
        { type: "example.com/lb", status: "True" },
        { type: "example.com/dns", status: "False" },
      ],
      containerStatuses: [container("app", { ready: true, state: running })],
    },
  };
  assert.deepEqual(podPrinter.cells(subject, NOW), [
    "web",
    "1/1",
    "Running",
    "0",
    "3h5m",
    "10.42.0.7",
    "node-1",
    "node-2",
    "1/2",
  ]);
});

test("pod wide cells fall back to status.podIP and show <none> placeholders", () => {
  const subject: Pod = {
    metadata: { name: "web" },
    spec: { containers: [{ name: "app" }] },
    status: { phase: "Pending", podIP: "10.42.0.9" },
  };
  assert.deepEqual(podPrinter.cells(subject, NOW), [
    "web",
    "0/1",
    "Pending",
    "0",
    "<unknown>",
    "10.42.0.9",
    "<none>",
    "<none>",
    "<none>",
  ]);
  const bare: Pod = { metadata: { name: "bare" }, spec: { containers: [{ name: "app" }] } };
  assert.equal(podPrinter.cells(bare, NOW)[5], "<none>");
});

test("pod rows of finished pods carry a Completed condition", () => {
  assert.deepEqual(podPrinter.conditions(pod({ phase: "Succeeded" })), [
    { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
  ]);
  assert.equal(podPrinter.conditions(pod({ phase: "Failed" }))?.[0]?.reason, "Failed");
  assert.equal(podPrinter.conditions(pod({ phase: "Running" })), undefined);
});
