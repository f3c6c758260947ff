import { test } from "node:test";
import assert from "node:assert/strict";
import { addResources, emptyResources, maxResources, resourcesFromList } from "./resources.ts";

test("resourcesFromList reads each resource in its unit, the same text the same way every time", () => {
  // The same texts twice: the second pass reads them from the memo of parsed quantities.
  for (let pass = 0; pass < 2; pass++) {
    const read = resourcesFromList({ cpu: "1", memory: "1", "ephemeral-storage": "1Ki", pods: "110", "example.com/gpu": "2", "example.com/none": "0" });
    assert.equal(read.milliCpu, 1000, "cpu in millicores");
    assert.equal(read.memory, 1, "memory in bytes");
    assert.equal(read.ephemeralStorage, 1024);
    assert.deepEqual([...read.scalar], [["example.com/gpu", 2]], "pods left out, zero amounts left out");
    assert.equal(resourcesFromList({ cpu: "100m", memory: "500Mi" }).memory, 500 * 1024 * 1024);
    assert.equal(resourcesFromList({ cpu: "100m" }).milliCpu, 100);
  }
  assert.throws(() => resourcesFromList({ cpu: "lots" }));
  assert.deepEqual(resourcesFromList(undefined), emptyResources());
});

test("add and max keep extended resources, with or without any on either side", () => {
  const total = resourcesFromList({ cpu: "1" });
  addResources(total, resourcesFromList({ cpu: "500m", "example.com/gpu": "1" }));
  assert.equal(total.milliCpu, 1500);
  assert.deepEqual([...total.scalar], [["example.com/gpu", 1]]);
  addResources(total, resourcesFromList({ "example.com/gpu": "1" }), -1);
  assert.equal(total.scalar.size, 0, "a resource that reaches zero is removed");
  const peak = resourcesFromList({ memory: "1Gi" });
  maxResources(peak, resourcesFromList({ memory: "2Gi", "example.com/gpu": "3" }));
  maxResources(peak, resourcesFromList({ memory: "1Mi" }));
  assert.equal(peak.memory, 2 * 1024 ** 3);
  assert.deepEqual([...peak.scalar], [["example.com/gpu", 3]]);
});
