// For tests: a containerd of our own in a temporary folder with its own pod
// bridge and range, the test images in the local registry, and a CriRuntime
// on it. Tests that need real containers (the runtime contract, kubelet
// end-to-end tests) share it; close() leaves the machine as it found it
// apart from the node-wide guard and routes, which an agent would add too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NetworkSettings } from "../../network/network-plan.ts";
import type { CriRuntime } from "./cri-runtime.ts";
import { openCriRuntime } from "./open-cri-runtime.ts";

/** Why real containers cannot run here, or undefined when they can. */
export function containerdSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (containerd, CNI and iptables)";
  try {
    execFileSync("containerd", ["--version"], { stdio: "ignore" });
  } catch {
    return "containerd is not installed (scripts/setup installs it)";
  }
  return undefined;
}

/** Builds and pushes the test images unless the registry already has them (a few seconds). */
export function ensureTestImages(): void {
  const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
  execFileSync(process.execPath, ["--import", "tsx", join(repositoryRoot, "scripts/images/build.ts")], { cwd: repositoryRoot, stdio: "ignore", timeout: 120_000 });
}

export interface ContainerdFixture {
  runtime: CriRuntime;
  endpoint: string;
  dataDir: string;
  network: NetworkSettings;
  close(): Promise<void>;
}

export interface ContainerdFixtureOptions {
  /** Must start with "skiff" (the guard lets only those through); distinct per concurrently running fixture. */
  bridge?: string;
  /** Inside 10.42.0.0/16 and distinct from any agent's range on this machine. */
  podCidr?: string;
}

export async function openContainerdFixture(options: ContainerdFixtureOptions = {}): Promise<ContainerdFixture> {
  ensureTestImages();
  const dataDir = mkdtempSync(join(tmpdir(), "skiff-cri-"));
  const abort = new AbortController();
  const opened = await openCriRuntime({
    dataDir,
    signal: abort.signal,
    podCidr: options.podCidr ?? "10.42.254.0/24",
    bridge: options.bridge ?? "skiff-ct0",
    keepContainerd: false,
  });
  const { runtime, network } = opened;
  return {
    runtime,
    endpoint: opened.endpoint,
    dataDir,
    network,
    async close() {
      // Containers outlive containerd (their shims keep them), so remove them first.
      for (const sandbox of await runtime.listPodSandboxes().catch(() => [])) {
        await runtime.removePodSandbox(sandbox.id).catch(() => undefined);
      }
      await runtime.close();
      abort.abort();
      await opened.stopped;
      try {
        execFileSync("ip", ["link", "del", network.bridge], { stdio: "ignore" });
      } catch {
        // Already gone.
      }
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
