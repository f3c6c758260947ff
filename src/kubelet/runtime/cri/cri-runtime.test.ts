// The runtime contract on a real containerd started by our launcher in a
// temporary folder, with its own bridge and pod range (so it never collides
// with an agent's skiff0 on the same machine). Needs root and containerd.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runRuntimeContract } from "../contract/runtime-contract.ts";
import { startContainerd } from "../containerd/start-containerd.ts";
import { containerdPaths } from "../containerd/containerd-config.ts";
import { setUpHostNetwork } from "../../network/host-network.ts";
import { defaultNetworkSettings, type NetworkSettings } from "../../network/network-plan.ts";
import { CriRuntime } from "./cri-runtime.ts";

function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (containerd, CNI and iptables)";
  try {
    execFileSync("containerd", ["--version"], { stdio: "ignore" });
  } catch {
    return "containerd is not installed (scripts/setup installs it)";
  }
  return undefined;
}

const skipReason = missingPrerequisite();

if (skipReason) {
  test("runtime contract: cri on containerd", { skip: skipReason }, () => undefined);
} else {
  runRuntimeContract("cri on containerd", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "skiff-cri-"));
    const settings: NetworkSettings = {
      ...defaultNetworkSettings,
      bridge: "skiff-ct0",
      podCidr: "10.42.254.0/24",
      ipamDataDir: join(dataDir, "cni", "ipam"),
    };
    await setUpHostNetwork(settings, containerdPaths(dataDir).cniConfDir);
    const abort = new AbortController();
    const containerd = await startContainerd({ dataDir, signal: abort.signal, stopTimeoutMs: 5000 });
    const runtime = new CriRuntime(containerd.endpoint, { callTimeoutMs: 30_000, pullTimeoutMs: 60_000 });
    return {
      runtime,
      logRoot: join(dataDir, "pods"),
      podCidr: settings.podCidr,
      async close() {
        await runtime.close();
        abort.abort();
        await containerd.stopped;
        // Only our own bridge goes: the guard, routes and ip_forward are the node's, shared with any agent here.
        try {
          execFileSync("ip", ["link", "del", settings.bridge], { stdio: "ignore" });
        } catch {
          // Already gone.
        }
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  });
}
