// Priority (the upstream admission plugin of that name): a new pod's
// spec.priority and spec.preemptionPolicy come from its PriorityClass, or
// from the global default class when it names none (priority 0 and
// PreemptLowerPriority when there is no default); a client may not pick its
// own priority. Updates keep what create resolved. PriorityClasses
// themselves: at most one may be the global default.
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { ApiError } from "../status.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission.ts";

export const systemClusterCritical = "system-cluster-critical";
export const systemNodeCritical = "system-node-critical";
/** The classes every cluster has (upstream's values: the highest user class is one billion). */
export const systemPriorityClasses: readonly PriorityClass[] = [
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: systemClusterCritical }, value: 2_000_000_000, description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary." },
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: systemNodeCritical }, value: 2_000_001_000, description: "Used for system critical pods that must not be moved from their current node." },
];

type PreemptionPolicy = NonNullable<PriorityClass["preemptionPolicy"]>;

const defaultPreemptionPolicy: PreemptionPolicy = "PreemptLowerPriority";

export interface PriorityAdmissionOptions {
  /** Every PriorityClass; may lag a moment behind writes, like upstream's informer. */
  classes(): Promise<readonly PriorityClass[]>;
}

interface PodSpecPriority {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: PreemptionPolicy;
}

/** With several defaults (a race between two creates), upstream takes the lowest value. */
export function globalDefault(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let chosen: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault === true && (chosen === undefined || c.value < chosen.value)) chosen = c;
  return chosen;
}

function forbidden(a: AdmissionAttributes, why: string): ApiError {
  const kind = a.resource.plural;
  return new ApiError(403, "Forbidden", `${kind} "${a.name}" is forbidden: ${why}`, { name: a.name, kind, group: a.resource.group });
}

async function admitPod(a: AdmissionAttributes, options: PriorityAdmissionOptions): Promise<void> {
  const spec = a.object?.spec as PodSpecPriority | undefined;
  if (spec === null || typeof spec !== "object") return;
  if (a.operation === "UPDATE") {
    // Validation refuses changes to these fields; a client that omits them keeps the stored ones.
    const old = a.oldObject?.spec as PodSpecPriority | undefined;
    if (spec.priority === undefined && old?.priority !== undefined) spec.priority = old.priority;
    if (spec.preemptionPolicy === undefined && old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
    return;
  }
  const classes = await options.classes();
  let priority = 0;
  let policy: PreemptionPolicy | undefined = defaultPreemptionPolicy;
  if (!spec.priorityClassName) {
    const chosen = globalDefault(classes);
    if (chosen !== undefined) {
      spec.priorityClassName = chosen.metadata?.name;
      priority = chosen.value;
      policy = chosen.preemptionPolicy;
    }
  } else {
    const named = classes.find((c) => c.metadata?.name === spec.priorityClassName);
    if (named === undefined) throw forbidden(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = named.value;
    policy = named.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== priority) {
    throw forbidden(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (policy !== undefined) {
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
      throw forbidden(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
  }
}

async function validatePriorityClass(a: AdmissionAttributes, options: PriorityAdmissionOptions): Promise<void> {
  const pc = a.object as PriorityClass | undefined;
  if (pc?.globalDefault !== true) return;
  const name = pc.metadata?.name;
  const existing = globalDefault((await options.classes()).filter((c) => c.metadata?.name !== name));
  if (existing !== undefined) throw forbidden(a, `PriorityClass ${existing.metadata?.name} is already marked as default. Only one default can exist`);
}

export function priorityAdmission(options: PriorityAdmissionOptions): AdmissionPlugin {
  return {
    name: "Priority",
    async admit(a) {
      if (a.subresource !== "" || a.resource.group !== "" || a.resource.plural !== "pods") return;
      if (a.operation === "CREATE" || a.operation === "UPDATE") await admitPod(a, options);
    },
    async validate(a) {
      if (a.subresource !== "" || a.resource.group !== "scheduling.k8s.io" || a.resource.plural !== "priorityclasses") return;
      if (a.operation === "CREATE" || a.operation === "UPDATE") await validatePriorityClass(a, options);
    },
  };
}
