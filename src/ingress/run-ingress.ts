// The ingress of one node as one long-running part: the proxy listening on
// the given address, fed by the controller.
import { setMaxListeners } from "node:events";
import type { KubeClient } from "../client/kube-client.ts";
import { IngressController } from "./controller.ts";
import { IngressProxy } from "./proxy.ts";

export interface RunIngressOptions {
  client: KubeClient;
  nodeName: string;
  host: string;
  port: number;
  /** Told the bound port once the proxy listens. */
  onListening?: (port: number) => void;
}

/** Serves until signal aborts; rejects with an IngressListenError when the port cannot be had. */
export async function runIngress(options: RunIngressOptions, outer: AbortSignal): Promise<void> {
  // Our informers, workers and listener each watch the signal: one listener on the caller's shared signal instead.
  const stop = new AbortController();
  const signal = stop.signal;
  // Five informers, the workers and the listener: more than Node's default of ten, none of them a leak.
  setMaxListeners(50, signal);
  if (outer.aborted) stop.abort();
  else outer.addEventListener("abort", () => stop.abort(), { once: true });
  const proxy = new IngressProxy({ host: options.host, port: options.port });
  const controller = new IngressController({ client: options.client, nodeName: options.nodeName, onTable: (table) => proxy.setTable(table) });
  const serving = proxy.start(signal);
  const port = await proxy.ready.catch(async (e: unknown) => {
    await serving.catch(() => {});
    throw e;
  });
  options.onListening?.(port);
  await Promise.all([serving, controller.start(signal)]);
}
