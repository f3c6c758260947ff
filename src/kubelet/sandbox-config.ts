// The sandbox configuration of a pod (upstream's generatePodSandboxConfig):
// identity and attempt, hostname, DNS, host ports, host namespaces, labels
// that let a restarted agent adopt it, and where its containers' logs go.
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { podDnsConfig } from "./pod-dns.ts";
import { sandboxLabels } from "./runtime-labels.ts";
import type { DnsConfig, PortMapping, SandboxConfig } from "./runtime/runtime.ts";

/** `<logsRoot>/<namespace>_<name>_<uid>`, like /var/log/pods. */
export function podLogDirectory(logsRoot: string, pod: Pod): string {
  return join(logsRoot, `${pod.metadata?.namespace ?? ""}_${pod.metadata?.name ?? ""}_${pod.metadata?.uid ?? ""}`);
}

/** A container's log file relative to the pod's log directory: `<container>/<restartCount>.log`. */
export function containerLogPath(containerName: string, attempt: number): string {
  return `${containerName}/${attempt}.log`;
}

function hostname(pod: Pod, nodeName: string): string {
  if (pod.spec?.hostNetwork) return nodeName;
  return (pod.spec?.hostname ?? pod.metadata?.name ?? "").slice(0, 63).replace(/[-.]+$/, "");
}

function portMappings(pod: Pod): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.hostPort) continue;
      const protocol = port.protocol === "UDP" || port.protocol === "SCTP" ? port.protocol : "TCP";
      mappings.push({ protocol, containerPort: port.containerPort, hostPort: port.hostPort, ...(port.hostIP ? { hostIp: port.hostIP } : {}) });
    }
  }
  return mappings;
}

export function sandboxConfig(pod: Pod, attempt: number, options: { nodeName: string; logsRoot: string; hostDns: DnsConfig }): SandboxConfig {
  const spec = pod.spec;
  const sysctls = Object.fromEntries((spec?.securityContext?.sysctls ?? []).map((s) => [s.name, s.value]));
  return {
    metadata: { name: pod.metadata?.name ?? "", namespace: pod.metadata?.namespace ?? "", uid: pod.metadata?.uid ?? "", attempt },
    hostname: hostname(pod, options.nodeName),
    logDirectory: podLogDirectory(options.logsRoot, pod),
    dnsConfig: podDnsConfig(pod, options.hostDns),
    portMappings: portMappings(pod),
    labels: sandboxLabels(pod),
    annotations: { ...pod.metadata?.annotations },
    linux: {
      namespaceOptions: {
        network: spec?.hostNetwork ? "node" : "pod",
        pid: spec?.hostPID ? "node" : spec?.shareProcessNamespace ? "pod" : "container",
        ipc: spec?.hostIPC ? "node" : "pod",
      },
      ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
    },
  };
}
