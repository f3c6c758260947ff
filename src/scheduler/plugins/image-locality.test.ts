import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, snapshotOf } from "../testing/objects.ts";
import { ImageLocalityPlugin } from "./image-locality.ts";

const MB = 1024 * 1024;
const withImages = (...images: string[]): Pod =>
  makePod("p", { spec: { containers: images.map((image, index) => ({ name: `c${index}`, image })) } });

const node1 = makeNode("n1", {
  images: [
    { names: ["gcr.io/40:latest", "gcr.io/40:v1"], sizeBytes: 40 * MB },
    { names: ["gcr.io/300:latest", "gcr.io/300:v1"], sizeBytes: 300 * MB },
    { names: ["gcr.io/2000:latest"], sizeBytes: 2000 * MB },
  ],
});
const node2 = makeNode("n2", {
  images: [
    { names: ["gcr.io/250:latest"], sizeBytes: 250 * MB },
    { names: ["gcr.io/10:latest", "gcr.io/10:v1"], sizeBytes: 10 * MB },
  ],
});
const node3 = makeNode("n3", { images: [{ names: ["gcr.io/40:latest"], sizeBytes: 40 * MB }] });

const cases: { name: string; pod: Pod; nodes: Node[]; expected: number[] }[] = [
  {
    // n1: 40MB on 1 of 2 nodes -> 20MB, below the 23MB floor -> 0;
    // n2: 250MB/2 = 125MB of a 2000MB ceiling (two containers) -> 100*(125-23)/(2000-23) = 5
    name: "two images, each on one of two nodes",
    pod: withImages("gcr.io/40", "gcr.io/250"),
    nodes: [node1, node2],
    expected: [0, 5],
  },
  {
    // n1: (40+300)/2 = 170MB -> 100*(170-23)/(2000-23) = 7; n2: 10/2 = 5MB -> 0
    name: "tags and the implied latest tag match",
    pod: withImages("gcr.io/40:latest", "gcr.io/300:v1"),
    nodes: [node1, node2],
    expected: [7, 0],
  },
  {
    // n1: 2000MB/2 = 1000MB of a 1000MB ceiling for one container -> 100
    name: "a large image hits the per-container ceiling",
    pod: withImages("gcr.io/2000"),
    nodes: [node1, node2],
    expected: [100, 0],
  },
  {
    // 40MB on two of three nodes -> 26MB -> 100*(26.66-23)/(1000-23) = 0
    name: "an image spread over most nodes weighs by its spread",
    pod: withImages("gcr.io/40"),
    nodes: [node1, node2, node3],
    expected: [0, 0, 0],
  },
];

for (const entry of cases) {
  test(entry.name, () => {
    const snapshot = snapshotOf(entry.nodes);
    const plugin = new ImageLocalityPlugin();
    const state = new CycleState();
    const pod = infoOf(entry.pod);
    assert.equal(plugin.preScore(state, pod, snapshot.nodeInfos, snapshot).code, "Success");
    assert.deepEqual(
      snapshot.nodeInfos.map((node) => plugin.score(state, pod, node)),
      entry.expected,
    );
  });
}
