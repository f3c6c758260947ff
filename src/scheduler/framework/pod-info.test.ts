import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod } from "kubernetes-types/core/v1";
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podInfoFromPod, podRequests } from "./pod-info.ts";

function container(name: string, cpu?: string, memory?: string, sidecar = false): Container {
  const requests: Record<string, string> = {};
  if (cpu !== undefined) requests.cpu = cpu;
  if (memory !== undefined) requests.memory = memory;
  return { name, ...(sidecar ? { restartPolicy: "Always" } : {}), resources: { requests } };
}

function pod(containers: Container[], initContainers: Container[] = [], overhead?: Record<string, string>): Pod {
  return { metadata: { name: "p", namespace: "ns" }, spec: { containers, initContainers, overhead } };
}

describe("podRequests", () => {
  const cases: { name: string; pod: Pod; milliCpu: number; memory: number; nonZeroMilliCpu: number; nonZeroMemory: number }[] = [
    {
      name: "regular containers add up",
      pod: pod([container("a", "1", "1Gi"), container("b", "500m", "512Mi")]),
      milliCpu: 1500,
      memory: 1.5 * 2 ** 30,
      nonZeroMilliCpu: 1500,
      nonZeroMemory: 1.5 * 2 ** 30,
    },
    {
      name: "an init container larger than the sum wins",
      pod: pod([container("a", "1"), container("b", "1")], [container("init", "3", "10Mi")]),
      milliCpu: 3000,
      memory: 10 * 2 ** 20,
      nonZeroMilliCpu: 3000,
      nonZeroMemory: 2 * DEFAULT_MEMORY_REQUEST,
    },
    {
      name: "an init container smaller than the sum is hidden",
      pod: pod([container("a", "2", "1Gi")], [container("init", "1", "2Gi")]),
      milliCpu: 2000,
      memory: 2 * 2 ** 30,
      nonZeroMilliCpu: 2000,
      nonZeroMemory: 2 * 2 ** 30,
    },
    {
      name: "a sidecar adds to the regular containers and runs beside later init containers",
      pod: pod([container("a", "1")], [container("sidecar", "1", undefined, true), container("init", "2")]),
      // peak during init: sidecar 1 + init 2 = 3; while running: 1 + 1 = 2
      milliCpu: 3000,
      memory: 0,
      nonZeroMilliCpu: 3000,
      nonZeroMemory: 2 * DEFAULT_MEMORY_REQUEST,
    },
    {
      name: "an init container before the sidecar does not run beside it",
      pod: pod([container("a", "1")], [container("init", "2"), container("sidecar", "1", undefined, true)]),
      milliCpu: 2000,
      memory: 0,
      nonZeroMilliCpu: 2000,
      nonZeroMemory: 2 * DEFAULT_MEMORY_REQUEST,
    },
    {
      name: "overhead comes on top",
      pod: pod([container("a", "1", "1Gi")], [], { cpu: "250m", memory: "128Mi" }),
      milliCpu: 1250,
      memory: 2 ** 30 + 128 * 2 ** 20,
      nonZeroMilliCpu: 1250,
      nonZeroMemory: 2 ** 30 + 128 * 2 ** 20,
    },
    {
      name: "a container with no requests counts as the scoring defaults",
      pod: pod([container("a"), container("b", "0")]),
      milliCpu: 0,
      memory: 0,
      nonZeroMilliCpu: DEFAULT_MILLI_CPU_REQUEST,
      nonZeroMemory: 2 * DEFAULT_MEMORY_REQUEST,
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const result = podRequests(entry.pod);
      assert.deepEqual(
        { milliCpu: result.requests.milliCpu, memory: result.requests.memory, nonZeroMilliCpu: result.nonZeroMilliCpu, nonZeroMemory: result.nonZeroMemory },
        { milliCpu: entry.milliCpu, memory: entry.memory, nonZeroMilliCpu: entry.nonZeroMilliCpu, nonZeroMemory: entry.nonZeroMemory },
      );
    });
  }

  test("extended resources are kept by name", () => {
    const result = podRequests(pod([{ name: "a", resources: { requests: { "example.com/gpu": "2" } } }]));
    assert.equal(result.requests.scalar.get("example.com/gpu"), 2);
  });
});

describe("podInfoFromPod", () => {
  test("host ports default to TCP on every address and skip ports with no host port", () => {
    const info = podInfoFromPod({
      metadata: { name: "p", namespace: "ns" },
      spec: {
        containers: [
          { name: "a", ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }, { containerPort: 53, hostPort: 53, protocol: "UDP", hostIP: "10.0.0.1" }] },
        ],
      },
    });
    assert.deepEqual(info.hostPorts, [
      { ip: "0.0.0.0", protocolPort: "TCP/8080" },
      { ip: "10.0.0.1", protocolPort: "UDP/53" },
    ]);
  });

  test("an affinity term without namespaces means the pod's own namespace", () => {
    const info = podInfoFromPod({
      metadata: { name: "p", namespace: "team" },
      spec: {
        containers: [],
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone", labelSelector: {} }] } },
      },
    });
    assert.deepEqual([...(info.requiredAffinityTerms[0]?.namespaces ?? [])], ["team"]);
    assert.equal(info.requiredAffinityTerms[0]?.namespaceSelector, null);
  });
});
