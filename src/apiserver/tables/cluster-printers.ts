// `kubectl get` for leases, priority classes, disruption budgets and
// admission webhook configurations.
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from "kubernetes-types/admissionregistration/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { ageColumn, column, definePrinter, nameColumn, wide } from "./printer.ts";
import { since } from "./timestamps.ts";

export const leasePrinter = definePrinter<Lease>(
  [nameColumn, column("Holder", "string", "Identity of the lease's current holder."), ageColumn],
  (lease, now) => [
    lease.metadata?.name ?? "",
    lease.spec?.holderIdentity ?? "",
    since(lease.metadata?.creationTimestamp, now),
  ],
);

export const priorityClassPrinter = definePrinter<PriorityClass>(
  [
    nameColumn,
    column("Value", "integer", "Priority of pods of this class."),
    column("Global-Default", "boolean", "Whether pods without a class get this one."),
    ageColumn,
    column("PreemptionPolicy", "string", "Whether pods of this class preempt others.", wide),
  ],
  (priorityClass, now) => [
    priorityClass.metadata?.name ?? "",
    priorityClass.value,
    priorityClass.globalDefault ?? false,
    since(priorityClass.metadata?.creationTimestamp, now),
    priorityClass.preemptionPolicy ?? "PreemptLowerPriority",
  ],
);

const intOrStringText = (value: number | string | undefined) => (value === undefined ? "N/A" : String(value));

export const podDisruptionBudgetPrinter = definePrinter<PodDisruptionBudget>(
  [
    nameColumn,
    column("Min Available", "string", "Pods that must stay available."),
    column("Max Unavailable", "string", "Pods that may be unavailable."),
    column("Allowed Disruptions", "integer", "Pods that may be disrupted now."),
    ageColumn,
  ],
  (budget, now) => [
    budget.metadata?.name ?? "",
    intOrStringText(budget.spec?.minAvailable),
    intOrStringText(budget.spec?.maxUnavailable),
    budget.status?.disruptionsAllowed ?? 0,
    since(budget.metadata?.creationTimestamp, now),
  ],
);

type WebhookConfiguration = MutatingWebhookConfiguration | ValidatingWebhookConfiguration;

const webhookColumns = [nameColumn, column("Webhooks", "integer", "Number of webhooks configured."), ageColumn];

function webhookCells(configuration: WebhookConfiguration, now: Date) {
  return [
    configuration.metadata?.name ?? "",
    configuration.webhooks?.length ?? 0,
    since(configuration.metadata?.creationTimestamp, now),
  ];
}

export const mutatingWebhookPrinter = definePrinter<MutatingWebhookConfiguration>(webhookColumns, webhookCells);
export const validatingWebhookPrinter = definePrinter<ValidatingWebhookConfiguration>(webhookColumns, webhookCells);
