import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { chooseContainer, isDialable } from "./pod-streams.ts";
import { ApiError } from "./status.ts";

const pod = (containers: string[], init: string[] = []): Pod => ({ metadata: { name: "p" }, spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) } });

describe("pod streams", () => {
  const local = new Set(["192.0.2.2", "fe80::1"]);
  for (const [address, allowed] of [["127.0.0.1", true], ["127.3.2.1", true], ["::1", true], ["192.0.2.2", true], ["192.0.2.3", false], ["10.0.0.1", false], ["169.254.169.254", false]] as const) {
    test(`kubelet at ${address}: ${allowed ? "dialed" : "refused"}`, () => assert.equal(isDialable(address, local), allowed));
  }

  test("the only container is the default; a named one must exist (init containers count)", () => {
    assert.equal(chooseContainer(pod(["main"]), null), "main");
    assert.equal(chooseContainer(pod(["a", "b"], ["setup"]), "setup"), "setup");
    assert.throws(() => chooseContainer(pod(["main"]), "nope"), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === "container nope is not valid for pod p");
    assert.throws(() => chooseContainer(pod(["a", "b"]), null), (e: unknown) => e instanceof ApiError && e.message === "a container name must be specified for pod p, choose one of: [a b]");
  });
});
