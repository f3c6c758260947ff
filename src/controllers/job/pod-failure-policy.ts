// A Job's podFailurePolicy applied to one failed pod (upstream's
// matchPodFailurePolicy): the first rule whose exit codes or pod conditions
// match decides: FailJob fails the whole Job (with upstream's message),
// Ignore does not count the failure against the backoff limit, Count counts
// it; no matching rule counts it.
import type { Job, PodFailurePolicyOnExitCodesRequirement } from "kubernetes-types/batch/v1";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";

export interface PodFailureVerdict {
  /** Counts against backoffLimit. */
  counts: boolean;
  /** Set when a FailJob rule matched: the Job fails with this message. */
  failJobMessage?: string;
}

const counted: PodFailureVerdict = { counts: true };

function matchingContainer(statuses: readonly ContainerStatus[] | undefined, requirement: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  return (statuses ?? []).find((status) => {
    const exitCode = status.state?.terminated?.exitCode;
    if (exitCode === undefined || exitCode === 0) return false;
    if (requirement.containerName != null && requirement.containerName !== status.name) return false;
    const listed = requirement.values.includes(exitCode);
    return requirement.operator === "In" ? listed : !listed;
  });
}

export function podFailureVerdict(job: Job, pod: Pod): PodFailureVerdict {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  const where = `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
  for (const [index, rule] of rules.entries()) {
    let matched: string | undefined;
    if (rule.onExitCodes != null) {
      const container = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (container !== undefined) matched = `Container ${container.name} for pod ${where} failed with exit code ${container.state?.terminated?.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions != null) {
      const condition = (pod.status?.conditions ?? []).find((c) => rule.onPodConditions!.some((pattern) => pattern.type === c.type && (pattern.status ?? "True") === c.status));
      if (condition !== undefined) matched = `Pod ${where} has condition ${condition.type} matching ${rule.action} rule at index ${index}`;
    }
    if (matched === undefined) continue;
    switch (rule.action) {
      case "Ignore":
        return { counts: false };
      case "Count":
        return counted;
      case "FailJob":
        return { counts: true, failJobMessage: matched };
      // FailIndex belongs to backoffLimitPerIndex, not implemented here: the failure counts, as upstream counts it.
      case "FailIndex":
        return counted;
      default:
        continue;
    }
  }
  return counted;
}
