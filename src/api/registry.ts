// Every resource the API server serves, described the way upstream
// Kubernetes 1.32 reports it in discovery (/api/v1, /apis/<group>/<version>),
// plus a registry that also holds resources CustomResourceDefinitions add at
// runtime. Only what a default 1.32 server enables is listed: alpha APIs and
// feature-gated subresources that are off by default (pods/resize) are not.

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface SubresourceInfo {
  /** The part after the slash: "status" for "pods/status". */
  name: string;
  kind: string;
  /** Set only when the subresource's kind lives in another group (pods/eviction is policy). */
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: Verb[];
  categories: string[];
  subresources: SubresourceInfo[];
  /**
   * One name per stored collection, shared by every group and version that
   * serves the same objects: "horizontalpodautoscalers.autoscaling" for
   * autoscaling/v1 and v2; "events" for core and events.k8s.io events.
   */
  storage: string;
  /** Whether `version` is the preferred version of `group`. */
  preferredVersion: boolean;
}

export class ResourceConflictError extends Error {
  readonly reason = "ResourceConflict" as const;
  constructor(
    message: string,
    readonly existing: ResourceInfo,
  ) {
    super(message);
    this.name = "ResourceConflictError";
  }
}

const READ_WRITE: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const READ_WRITE_WITHOUT_DELETECOLLECTION: Verb[] = ["create", "delete", "get", "list", "patch", "update", "watch"];
const CREATE_ONLY: Verb[] = ["create"];
const GET_PATCH_UPDATE: Verb[] = ["get", "patch", "update"];
const PROXY_VERBS: Verb[] = ["create", "delete", "get", "patch", "update"];
const STREAM_VERBS: Verb[] = ["create", "get"];

type Scope = "Namespaced" | "Cluster";

/** A subresource as written in the table below; a missing kind means the parent's kind. */
interface SubresourceEntry extends Omit<SubresourceInfo, "kind"> {
  kind?: string;
}

interface ResourceEntry {
  plural: string;
  kind: string;
  scope: Scope;
  shortNames?: string[];
  verbs?: Verb[];
  categories?: string[];
  subresources?: SubresourceEntry[];
  storage?: string;
}

type ResourceOptions = Omit<ResourceEntry, "plural" | "kind" | "scope">;

function resource(plural: string, kind: string, scope: Scope, options: ResourceOptions = {}): ResourceEntry {
  return { plural, kind, scope, ...options };
}

function sub(name: string, verbs: Verb[], kind?: string): SubresourceEntry {
  return kind === undefined ? { name, verbs } : { name, verbs, kind };
}

const STATUS = sub("status", GET_PATCH_UPDATE);
const SCALE: SubresourceEntry = { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: GET_PATCH_UPDATE };
const EVICTION: SubresourceEntry = { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: CREATE_ONLY };
const TOKEN: SubresourceEntry = { name: "token", kind: "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: CREATE_ONLY };

const HPA_OPTIONS: ResourceOptions = { shortNames: ["hpa"], categories: ["all"], subresources: [STATUS] };

const BUILTIN_TABLE: { group: string; version: string; resources: ResourceEntry[] }[] = [
  { group: "", version: "v1", resources: [
    resource("bindings", "Binding", "Namespaced", { verbs: CREATE_ONLY }),
    resource("componentstatuses", "ComponentStatus", "Cluster", { shortNames: ["cs"], verbs: ["get", "list"] }),
    resource("configmaps", "ConfigMap", "Namespaced", { shortNames: ["cm"] }),
    resource("endpoints", "Endpoints", "Namespaced", { shortNames: ["ep"] }),
    resource("events", "Event", "Namespaced", { shortNames: ["ev"] }),
    resource("limitranges", "LimitRange", "Namespaced", { shortNames: ["limits"] }),
    resource("namespaces", "Namespace", "Cluster", { shortNames: ["ns"], verbs: READ_WRITE_WITHOUT_DELETECOLLECTION, subresources: [sub("finalize", ["update"]), STATUS] }),
    resource("nodes", "Node", "Cluster", { shortNames: ["no"], subresources: [sub("proxy", PROXY_VERBS, "NodeProxyOptions"), STATUS] }),
    resource("persistentvolumeclaims", "PersistentVolumeClaim", "Namespaced", { shortNames: ["pvc"], subresources: [STATUS] }),
    resource("persistentvolumes", "PersistentVolume", "Cluster", { shortNames: ["pv"], subresources: [STATUS] }),
    resource("pods", "Pod", "Namespaced", { shortNames: ["po"], categories: ["all"], subresources: [
      sub("attach", STREAM_VERBS, "PodAttachOptions"),
      sub("binding", CREATE_ONLY, "Binding"),
      sub("ephemeralcontainers", GET_PATCH_UPDATE),
      EVICTION,
      sub("exec", STREAM_VERBS, "PodExecOptions"),
      sub("log", ["get"]),
      sub("portforward", STREAM_VERBS, "PodPortForwardOptions"),
      sub("proxy", PROXY_VERBS, "PodProxyOptions"),
      STATUS,
    ] }),
    resource("podtemplates", "PodTemplate", "Namespaced"),
    resource("replicationcontrollers", "ReplicationController", "Namespaced", { shortNames: ["rc"], categories: ["all"], subresources: [SCALE, STATUS] }),
    resource("resourcequotas", "ResourceQuota", "Namespaced", { shortNames: ["quota"], subresources: [STATUS] }),
    resource("secrets", "Secret", "Namespaced"),
    resource("serviceaccounts", "ServiceAccount", "Namespaced", { shortNames: ["sa"], subresources: [TOKEN] }),
    resource("services", "Service", "Namespaced", { shortNames: ["svc"], categories: ["all"], subresources: [sub("proxy", PROXY_VERBS, "ServiceProxyOptions"), STATUS] }),
  ] },
  { group: "apps", version: "v1", resources: [
    resource("controllerrevisions", "ControllerRevision", "Namespaced"),
    resource("daemonsets", "DaemonSet", "Namespaced", { shortNames: ["ds"], categories: ["all"], subresources: [STATUS] }),
    resource("deployments", "Deployment", "Namespaced", { shortNames: ["deploy"], categories: ["all"], subresources: [SCALE, STATUS] }),
    resource("replicasets", "ReplicaSet", "Namespaced", { shortNames: ["rs"], categories: ["all"], subresources: [SCALE, STATUS] }),
    resource("statefulsets", "StatefulSet", "Namespaced", { shortNames: ["sts"], categories: ["all"], subresources: [SCALE, STATUS] }),
  ] },
  { group: "events.k8s.io", version: "v1", resources: [
    resource("events", "Event", "Namespaced", { shortNames: ["ev"], storage: "events" }),
  ] },
  { group: "authentication.k8s.io", version: "v1", resources: [
    resource("selfsubjectreviews", "SelfSubjectReview", "Cluster", { verbs: CREATE_ONLY }),
    resource("tokenreviews", "TokenReview", "Cluster", { verbs: CREATE_ONLY }),
  ] },
  { group: "authorization.k8s.io", version: "v1", resources: [
    resource("localsubjectaccessreviews", "LocalSubjectAccessReview", "Namespaced", { verbs: CREATE_ONLY }),
    resource("selfsubjectaccessreviews", "SelfSubjectAccessReview", "Cluster", { verbs: CREATE_ONLY }),
    resource("selfsubjectrulesreviews", "SelfSubjectRulesReview", "Cluster", { verbs: CREATE_ONLY }),
    resource("subjectaccessreviews", "SubjectAccessReview", "Cluster", { verbs: CREATE_ONLY }),
  ] },
  { group: "autoscaling", version: "v2", resources: [
    resource("horizontalpodautoscalers", "HorizontalPodAutoscaler", "Namespaced", HPA_OPTIONS),
  ] },
  { group: "autoscaling", version: "v1", resources: [
    resource("horizontalpodautoscalers", "HorizontalPodAutoscaler", "Namespaced", HPA_OPTIONS),
  ] },
  { group: "batch", version: "v1", resources: [
    resource("cronjobs", "CronJob", "Namespaced", { shortNames: ["cj"], categories: ["all"], subresources: [STATUS] }),
    resource("jobs", "Job", "Namespaced", { categories: ["all"], subresources: [STATUS] }),
  ] },
  { group: "certificates.k8s.io", version: "v1", resources: [
    resource("certificatesigningrequests", "CertificateSigningRequest", "Cluster", { shortNames: ["csr"], subresources: [sub("approval", GET_PATCH_UPDATE), STATUS] }),
  ] },
  { group: "networking.k8s.io", version: "v1", resources: [
    resource("ingressclasses", "IngressClass", "Cluster"),
    resource("ingresses", "Ingress", "Namespaced", { shortNames: ["ing"], subresources: [STATUS] }),
    resource("networkpolicies", "NetworkPolicy", "Namespaced", { shortNames: ["netpol"] }),
  ] },
  { group: "policy", version: "v1", resources: [
    resource("poddisruptionbudgets", "PodDisruptionBudget", "Namespaced", { shortNames: ["pdb"], subresources: [STATUS] }),
  ] },
  { group: "rbac.authorization.k8s.io", version: "v1", resources: [
    resource("clusterrolebindings", "ClusterRoleBinding", "Cluster"),
    resource("clusterroles", "ClusterRole", "Cluster"),
    resource("rolebindings", "RoleBinding", "Namespaced"),
    resource("roles", "Role", "Namespaced"),
  ] },
  { group: "storage.k8s.io", version: "v1", resources: [
    resource("csidrivers", "CSIDriver", "Cluster"),
    resource("csinodes", "CSINode", "Cluster"),
    resource("csistoragecapacities", "CSIStorageCapacity", "Namespaced"),
    resource("storageclasses", "StorageClass", "Cluster", { shortNames: ["sc"] }),
    resource("volumeattachments", "VolumeAttachment", "Cluster", { subresources: [STATUS] }),
  ] },
  { group: "admissionregistration.k8s.io", version: "v1", resources: [
    resource("mutatingwebhookconfigurations", "MutatingWebhookConfiguration", "Cluster", { categories: ["api-extensions"] }),
    resource("validatingadmissionpolicies", "ValidatingAdmissionPolicy", "Cluster", { categories: ["api-extensions"], subresources: [STATUS] }),
    resource("validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", "Cluster", { categories: ["api-extensions"] }),
    resource("validatingwebhookconfigurations", "ValidatingWebhookConfiguration", "Cluster", { categories: ["api-extensions"] }),
  ] },
  { group: "apiextensions.k8s.io", version: "v1", resources: [
    resource("customresourcedefinitions", "CustomResourceDefinition", "Cluster", { shortNames: ["crd", "crds"], categories: ["api-extensions"], subresources: [STATUS] }),
  ] },
  { group: "scheduling.k8s.io", version: "v1", resources: [
    resource("priorityclasses", "PriorityClass", "Cluster", { shortNames: ["pc"] }),
  ] },
  { group: "coordination.k8s.io", version: "v1", resources: [
    resource("leases", "Lease", "Namespaced"),
  ] },
  { group: "node.k8s.io", version: "v1", resources: [
    resource("runtimeclasses", "RuntimeClass", "Cluster"),
  ] },
  { group: "discovery.k8s.io", version: "v1", resources: [
    resource("endpointslices", "EndpointSlice", "Namespaced"),
  ] },
  { group: "flowcontrol.apiserver.k8s.io", version: "v1", resources: [
    resource("flowschemas", "FlowSchema", "Cluster", { subresources: [STATUS] }),
    resource("prioritylevelconfigurations", "PriorityLevelConfiguration", "Cluster", { subresources: [STATUS] }),
  ] },
];

/**
 * The order upstream lists groups in /apis: the aggregator sorts API
 * services by group priority. Groups not named here (custom resources)
 * follow, sorted by name.
 */
const GROUP_ORDER: readonly string[] = [
  "",
  "apiregistration.k8s.io",
  "apps",
  "events.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "node.k8s.io",
  "discovery.k8s.io",
  "flowcontrol.apiserver.k8s.io",
];

const KUBE_VERSION = /^v([0-9]+)(?:(alpha|beta)([0-9]+))?$/;
const STABILITY_RANK = { ga: 0, beta: 1, alpha: 2 } as const;

/**
 * Orders version names as Kubernetes does (GA before beta before alpha,
 * higher numbers first; names that do not look like "v1beta2" go last,
 * alphabetically). Negative when `a` has the higher priority.
 */
export function compareVersionPriority(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stabilityA = STABILITY_RANK[(ma[2] as "alpha" | "beta" | undefined) ?? "ga"];
  const stabilityB = STABILITY_RANK[(mb[2] as "alpha" | "beta" | undefined) ?? "ga"];
  if (stabilityA !== stabilityB) return stabilityA - stabilityB;
  const major = Number(mb[1]) - Number(ma[1]);
  if (major !== 0) return major;
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function toResourceInfo(group: string, version: string, entry: ResourceEntry): ResourceInfo {
  return {
    group,
    version,
    kind: entry.kind,
    listKind: `${entry.kind}List`,
    plural: entry.plural,
    singular: entry.kind.toLowerCase(),
    namespaced: entry.scope === "Namespaced",
    shortNames: [...(entry.shortNames ?? [])],
    verbs: [...(entry.verbs ?? READ_WRITE)],
    categories: [...(entry.categories ?? [])],
    subresources: (entry.subresources ?? []).map((s) => ({ ...s, kind: s.kind ?? entry.kind, verbs: [...s.verbs] })),
    storage: entry.storage ?? (group === "" ? entry.plural : `${entry.plural}.${group}`),
    preferredVersion: false,
  };
}

function buildBuiltins(): ResourceInfo[] {
  const versionsByGroup = new Map<string, string[]>();
  for (const { group, version } of BUILTIN_TABLE) {
    versionsByGroup.set(group, [...(versionsByGroup.get(group) ?? []), version]);
  }
  return BUILTIN_TABLE.flatMap(({ group, version, resources }) => {
    const preferred = [...(versionsByGroup.get(group) ?? [])].sort(compareVersionPriority)[0];
    return resources.map((entry) => deepFreeze({ ...toResourceInfo(group, version, entry), preferredVersion: version === preferred }));
  });
}

/** Every built-in resource of a default Kubernetes 1.32 API server. Frozen. */
export const builtinResources: readonly ResourceInfo[] = Object.freeze(buildBuiltins());

function keyOf(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

function compareGroups(a: string, b: string): number {
  const rankA = GROUP_ORDER.indexOf(a);
  const rankB = GROUP_ORDER.indexOf(b);
  if (rankA !== -1 || rankB !== -1) {
    if (rankA === -1) return 1;
    if (rankB === -1) return -1;
    return rankA - rankB;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPlural(a: ResourceInfo, b: ResourceInfo): number {
  return a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0;
}

/** The resources one API server serves: built-ins plus those custom resource definitions add. */
export class ResourceRegistry {
  readonly #resources = new Map<string, ResourceInfo>();

  constructor(resources: readonly ResourceInfo[] = builtinResources) {
    for (const info of resources) this.add(info);
  }

  /**
   * Adds a resource, replacing one with the same group, version and plural.
   * Throws ResourceConflictError when another plural of that group and
   * version already has the kind, since kinds must resolve to one resource.
   */
  add(info: ResourceInfo): void {
    for (const existing of this.#resources.values()) {
      if (existing.group === info.group && existing.version === info.version && existing.kind === info.kind && existing.plural !== info.plural) {
        const where = info.group === "" ? info.version : `${info.group}/${info.version}`;
        throw new ResourceConflictError(`kind ${info.kind} in ${where} is already served by resource ${existing.plural}`, existing);
      }
    }
    this.#resources.set(keyOf(info.group, info.version, info.plural), info);
  }

  remove(group: string, version: string, plural: string): void {
    this.#resources.delete(keyOf(group, version, plural));
  }

  byResource(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.#resources.get(keyOf(group, version, plural));
  }

  byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    for (const info of this.#resources.values()) {
      if (info.group === group && info.version === version && info.kind === kind) return info;
    }
    return undefined;
  }

  /**
   * Groups in the order /api and /apis list them (core first), each with
   * its versions by priority. The preferred version is the highest-priority
   * version any of whose resources claims to be preferred, else the
   * highest-priority version.
   */
  groups(): { name: string; versions: string[]; preferredVersion: string }[] {
    const versions = new Map<string, Set<string>>();
    const claimedPreferred = new Map<string, Set<string>>();
    for (const info of this.#resources.values()) {
      if (!versions.has(info.group)) versions.set(info.group, new Set());
      versions.get(info.group)?.add(info.version);
      if (info.preferredVersion) {
        if (!claimedPreferred.has(info.group)) claimedPreferred.set(info.group, new Set());
        claimedPreferred.get(info.group)?.add(info.version);
      }
    }
    return [...versions.keys()].sort(compareGroups).map((name) => {
      const ordered = [...(versions.get(name) ?? [])].sort(compareVersionPriority);
      const claimed = claimedPreferred.get(name);
      const preferredVersion = ordered.find((v) => claimed?.has(v)) ?? ordered[0] ?? "";
      return { name, versions: ordered, preferredVersion };
    });
  }

  /** The resources of one group version, sorted by plural as discovery lists them. */
  resources(group: string, version: string): ResourceInfo[] {
    return [...this.#resources.values()].filter((info) => info.group === group && info.version === version).sort(byPlural);
  }

  /** Every resource, in discovery order: by group, then version, then plural. */
  all(): ResourceInfo[] {
    return this.groups().flatMap((g) => g.versions.flatMap((v) => this.resources(g.name, v)));
  }
}
