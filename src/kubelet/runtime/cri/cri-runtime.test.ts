// The runtime contract on a real containerd started by our launcher in a
// temporary folder (see containerd-fixture.ts). Needs root and containerd.
import { join } from "node:path";
import { test } from "node:test";
import { runRuntimeContract } from "../contract/runtime-contract.ts";
import { containerdSkipReason, openContainerdFixture } from "./containerd-fixture.ts";

const skipReason = containerdSkipReason();

if (skipReason) {
  test("runtime contract: cri on containerd", { skip: skipReason }, () => undefined);
} else {
  runRuntimeContract("cri on containerd", async () => {
    const fixture = await openContainerdFixture();
    return {
      runtime: fixture.runtime,
      logRoot: join(fixture.dataDir, "pods"),
      podCidr: fixture.network.podCidr,
      close: () => fixture.close(),
    };
  });
}
