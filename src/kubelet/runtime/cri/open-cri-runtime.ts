// What `skiff agent` calls to get its cri runtime: the node's pod network,
// then our own containerd (or the one at a given endpoint), then the client.
import { join } from "node:path";
import { startContainerd } from "../containerd/start-containerd.ts";
import { containerdPaths } from "../containerd/containerd-config.ts";
import { setUpHostNetwork } from "../../network/host-network.ts";
import { defaultNetworkSettings, type NetworkSettings } from "../../network/network-plan.ts";
import { CriRuntime } from "./cri-runtime.ts";

export interface OpenCriRuntimeOptions {
  /** The agent's data folder: containerd's root, state, socket and CNI config go under it. */
  dataDir: string;
  signal: AbortSignal;
  /** The node's pod CIDR (a /24 of 10.42.0.0/16). */
  podCidr: string;
  /** A containerd the agent does not manage; its CNI config is then its owner's business. */
  endpoint?: string;
  /** Leave our containerd (and the pods) running when signal aborts, so a restarted agent adopts them. */
  keepContainerd?: boolean;
  /** Several agents on one machine need one bridge each. */
  bridge?: string;
}

export interface OpenedCriRuntime {
  runtime: CriRuntime;
  endpoint: string;
  network: NetworkSettings;
  /** Resolves once containerd has stopped (or was left running) after the abort. */
  stopped: Promise<void>;
}

export async function openCriRuntime(options: OpenCriRuntimeOptions): Promise<OpenedCriRuntime> {
  const network: NetworkSettings = {
    ...defaultNetworkSettings,
    podCidr: options.podCidr,
    bridge: options.bridge ?? defaultNetworkSettings.bridge,
    ipamDataDir: join(options.dataDir, "cni", "ipam"),
  };
  if (options.endpoint) {
    // The guard and routes still apply: cluster traffic must not leave the machine whoever runs the pods.
    await setUpHostNetwork(network, undefined);
    return { runtime: new CriRuntime(options.endpoint), endpoint: options.endpoint, network, stopped: Promise.resolve() };
  }
  // The CNI config goes first: containerd reports NetworkReady only once it finds one.
  await setUpHostNetwork(network, containerdPaths(options.dataDir).cniConfDir);
  const containerd = await startContainerd({ dataDir: options.dataDir, signal: options.signal, keepRunning: options.keepContainerd ?? true });
  return { runtime: new CriRuntime(containerd.endpoint), endpoint: containerd.endpoint, network, stopped: containerd.stopped };
}
