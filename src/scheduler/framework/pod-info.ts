// A pod as the scheduler sees it: everything the plugins read in their hot
// loops (requests, host ports, affinity terms) computed once from the Pod.
import type { Container, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import type { LabelSelector} from "../../api/label-selector.ts";
import { labelSelectorFromObject } from "../../api/label-selector.ts";
import { addResources, emptyResources, maxResources, resourcesFromList, type Resources } from "./resources.ts";

/** What scoring assumes for a container that requests nothing, so empty pods still count. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface HostPort {
  /** "0.0.0.0" when the container names no host IP. */
  readonly ip: string;
  /** protocol and port, e.g. "TCP/8080": the unit of conflict. */
  readonly protocolPort: string;
}

export interface AffinityTerm {
  readonly selector: LabelSelector;
  readonly namespaces: ReadonlySet<string>;
  /** null when the term names no namespaceSelector. */
  readonly namespaceSelector: LabelSelector | null;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly priority: number;
  /** Milliseconds since the epoch; the pod's start time, or its creation when it has not started. */
  readonly startTime: number;
  readonly terminating: boolean;
  readonly requests: Resources;
  readonly nonZeroMilliCpu: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
}

export function podInfoFromPod(pod: Pod): PodInfo {
  const namespace = pod.metadata?.namespace ?? "";
  const { requests, nonZeroMilliCpu, nonZeroMemory } = podRequests(pod);
  const affinity = pod.spec?.affinity;
  const started = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return {
    pod,
    key: podKey(pod),
    namespace,
    name: pod.metadata?.name ?? "",
    uid: pod.metadata?.uid ?? "",
    labels: pod.metadata?.labels ?? {},
    priority: pod.spec?.priority ?? 0,
    startTime: started === undefined ? 0 : Date.parse(started),
    terminating: pod.metadata?.deletionTimestamp !== undefined,
    requests,
    nonZeroMilliCpu,
    nonZeroMemory,
    hostPorts: hostPortsOf(pod),
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term) => affinityTerm(term, namespace),
    ),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term) => affinityTerm(term, namespace),
    ),
    preferredAffinityTerms: (affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term) => weightedAffinityTerm(term, namespace),
    ),
    preferredAntiAffinityTerms: (affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term) => weightedAffinityTerm(term, namespace),
    ),
  };
}

export function hasAffinityTerms(info: PodInfo): boolean {
  return (
    info.requiredAffinityTerms.length > 0 ||
    info.requiredAntiAffinityTerms.length > 0 ||
    info.preferredAffinityTerms.length > 0 ||
    info.preferredAntiAffinityTerms.length > 0
  );
}

export function affinityTermMatches(
  term: AffinityTerm,
  candidate: PodInfo,
  namespaceLabels: NamespaceLabels,
): boolean {
  const namespaceMatches =
    term.namespaces.has(candidate.namespace) ||
    (term.namespaceSelector !== null && term.namespaceSelector.matches(namespaceLabels(candidate.namespace)));
  return namespaceMatches && term.selector.matches(candidate.labels);
}

function affinityTerm(term: PodAffinityTerm, ownNamespace: string): AffinityTerm {
  const listed = term.namespaces ?? [];
  const namespaceSelector =
    term.namespaceSelector === undefined ? null : labelSelectorFromObject(term.namespaceSelector);
  // An affinity term that names no namespace at all means the pod's own namespace.
  const namespaces = new Set(listed.length === 0 && namespaceSelector === null ? [ownNamespace] : listed);
  return {
    selector: labelSelectorFromObject(term.labelSelector),
    namespaces,
    namespaceSelector,
    topologyKey: term.topologyKey,
  };
}

function weightedAffinityTerm(weighted: WeightedPodAffinityTerm, ownNamespace: string): WeightedAffinityTerm {
  return { ...affinityTerm(weighted.podAffinityTerm, ownNamespace), weight: weighted.weight };
}

function isSidecar(container: Container): boolean {
  return container.restartPolicy === "Always";
}

interface PodRequests {
  requests: Resources;
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
}

/**
 * What the pod occupies while it runs: regular containers and sidecars add
 * up; a classic init container runs alone (beside the sidecars started before
 * it), so only the largest such moment counts; the overhead comes on top.
 */
export function podRequests(pod: Pod): PodRequests {
  const actual = effectiveRequests(pod, false);
  const nonZero = effectiveRequests(pod, true);
  return { requests: actual, nonZeroMilliCpu: nonZero.milliCpu, nonZeroMemory: nonZero.memory };
}

// A module-level function, not a closure per call: under tsx (the benches and
// tests) each closure created also goes through esbuild's naming helper.
function containerRequests(container: Container, defaultMissing: boolean): Resources {
  const requests = resourcesFromList(container.resources?.requests);
  if (defaultMissing) {
    const listed = container.resources?.requests ?? {};
    if (!Object.hasOwn(listed, "cpu")) requests.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!Object.hasOwn(listed, "memory")) requests.memory = DEFAULT_MEMORY_REQUEST;
  }
  return requests;
}

function effectiveRequests(pod: Pod, defaultMissing: boolean): Resources {
  const total = emptyResources();
  for (const container of pod.spec?.containers ?? []) addResources(total, containerRequests(container, defaultMissing));
  const sidecarsSoFar = emptyResources();
  const initPeak = emptyResources();
  for (const container of pod.spec?.initContainers ?? []) {
    const own = containerRequests(container, defaultMissing);
    if (isSidecar(container)) {
      addResources(total, own);
      addResources(sidecarsSoFar, own);
      maxResources(initPeak, sidecarsSoFar);
    } else {
      addResources(own, sidecarsSoFar);
      maxResources(initPeak, own);
    }
  }
  maxResources(total, initPeak);
  if (pod.spec?.overhead !== undefined) addResources(total, resourcesFromList(pod.spec.overhead));
  return total;
}

function hostPortsOf(pod: Pod): HostPort[] {
  const ports: HostPort[] = [];
  const containers = [...(pod.spec?.initContainers ?? []).filter(isSidecar), ...(pod.spec?.containers ?? [])];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.hostPort === undefined || port.hostPort <= 0) continue;
      ports.push({ ip: port.hostIP || "0.0.0.0", protocolPort: `${port.protocol ?? "TCP"}/${port.hostPort}` });
    }
  }
  return ports;
}
