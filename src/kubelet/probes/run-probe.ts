// One attempt of a container's probe, whichever handler it names: picks the
// address (the pod's IP unless the probe sets a host), resolves named ports,
// refuses targets outside the allowed networks, and runs the handler.
import type { Container, Probe } from "kubernetes-types/core/v1";
import type { Runtime } from "../runtime/runtime.ts";
import { execProbe } from "./exec-probe.ts";
import { httpProbe } from "./http-probe.ts";
import type { ProbeOutcome } from "./probe-outcome.ts";
import { refusalOf, type ProbeTargetPolicy } from "./probe-target.ts";
import { timingOf } from "./probe-state.ts";
import { tcpProbe } from "./tcp-probe.ts";

export interface ProbeContext {
  runtime: Pick<Runtime, "execSync">;
  policy: ProbeTargetPolicy;
}

export interface ProbeSubject {
  container: Container;
  containerId: string;
  podIP: string | undefined;
}

export async function runProbe(probe: Probe, subject: ProbeSubject, context: ProbeContext): Promise<ProbeOutcome> {
  const { timeoutSeconds } = timingOf(probe);
  if (probe.exec) return execProbe(context.runtime, subject.containerId, probe.exec.command ?? [], timeoutSeconds);
  if (probe.grpc) return { result: "unknown", message: "grpc probes are not supported by this kubelet" };
  const handler = probe.httpGet ?? probe.tcpSocket;
  if (!handler) return { result: "unknown", message: "the probe names no handler" };

  const host = handler.host || subject.podIP;
  if (!host) return { result: "unknown", message: "the pod has no IP yet" };
  const port = resolvePort(handler.port, subject.container);
  if (typeof port === "string") return { result: "unknown", message: port };
  const refusal = refusalOf(host, context.policy);
  if (refusal !== undefined) return { result: "failure", message: refusal };

  const timeoutMs = timeoutSeconds * 1000;
  if (probe.httpGet) {
    const { scheme = "HTTP", path = "/", httpHeaders = [] } = probe.httpGet;
    return httpProbe({ scheme: scheme === "HTTPS" ? "HTTPS" : "HTTP", host, port, path, headers: httpHeaders }, timeoutMs);
  }
  return tcpProbe(host, port, timeoutMs);
}

// A number, or why there is none (upstream also accepts a number written as a string).
export function resolvePort(port: number | string, container: Container): number | string {
  let resolved: number;
  if (typeof port === "number") {
    resolved = port;
  } else {
    const named = container.ports?.find((p) => p.name === port);
    resolved = named ? named.containerPort : /^\d+$/.test(port) ? Number(port) : NaN;
    if (Number.isNaN(resolved)) return `couldn't find port: ${port} in container ${container.name}`;
  }
  if (resolved > 0 && resolved < 65536) return resolved;
  return `invalid port number: ${resolved}`;
}
