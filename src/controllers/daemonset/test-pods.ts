// Pods for the DaemonSet core tests: named, on a node, of a revision, in a state.
import type { Pod } from "kubernetes-types/core/v1";

export interface TestPodState {
  node?: string;
  hash?: string;
  ready?: boolean;
  phase?: "Pending" | "Running" | "Succeeded" | "Failed";
  deleting?: boolean;
  createdAt?: string;
}

export function testPod(name: string, state: TestPodState = {}): Pod {
  const ready = state.ready ?? true;
  return {
    metadata: {
      name,
      namespace: "default",
      creationTimestamp: state.createdAt ?? "2026-01-01T00:00:00Z",
      labels: { app: "d", "controller-revision-hash": state.hash ?? "new" },
      ...(state.deleting === true ? { deletionTimestamp: "2026-01-01T00:10:00Z" } : {}),
    },
    spec: { containers: [{ name: "main", image: "pause" }], nodeName: state.node ?? "n1" },
    status: {
      phase: state.phase ?? "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:00Z" }],
    },
  };
}
