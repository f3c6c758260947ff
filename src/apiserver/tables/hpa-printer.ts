// `kubectl get hpa`: the scale target, each metric as "current/target", and
// the replica bounds. Objects may be autoscaling/v2 or autoscaling/v1 (whose
// CPU percentage fields are the v1 spelling of one Resource metric).
import type {
  HorizontalPodAutoscalerSpec as V1Spec,
  HorizontalPodAutoscalerStatus as V1Status,
} from "kubernetes-types/autoscaling/v1";
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from "kubernetes-types/autoscaling/v2";
import { ageColumn, column, definePrinter, nameColumn } from "./printer.ts";
import { since } from "./timestamps.ts";

/** Upstream shows two metrics and counts the rest. */
const LISTED_METRICS = 2;

type AnyHorizontalPodAutoscaler = HorizontalPodAutoscaler & {
  spec?: Pick<V1Spec, "targetCPUUtilizationPercentage">;
  status?: Pick<V1Status, "currentCPUUtilizationPercentage">;
};

/** A Quantity pointer printed by Go: "<nil>" when unset. */
const quantity = (value: string | number | undefined) => (value === undefined ? "<nil>" : String(value));

function metricText(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case "External":
    case "Object": {
      const source = spec.type === "External" ? spec.external : spec.object;
      const current = (spec.type === "External" ? status?.external : status?.object)?.current;
      if (source?.target.averageValue !== undefined) {
        const value = current?.averageValue !== undefined ? String(current.averageValue) : "<unknown>";
        return `${value}/${source.target.averageValue} (avg)`;
      }
      return `${current ? quantity(current.value) : "<unknown>"}/${quantity(source?.target.value)}`;
    }
    case "Pods": {
      const current = status?.pods ? quantity(status.pods.current.averageValue) : "<unknown>";
      return `${current}/${quantity(spec.pods?.target.averageValue)}`;
    }
    case "Resource":
    case "ContainerResource": {
      const source = spec.type === "Resource" ? spec.resource : spec.containerResource;
      const current = (spec.type === "Resource" ? status?.resource : status?.containerResource)?.current;
      const name = source?.name ?? "";
      if (source?.target.averageValue !== undefined) {
        return `${name}: ${current ? quantity(current.averageValue) : "<unknown>"}/${source.target.averageValue}`;
      }
      const utilization = current?.averageUtilization;
      const target = source?.target.averageUtilization;
      const currentText = utilization !== undefined ? `${utilization}%` : "<unknown>";
      return `${name}: ${currentText}/${target !== undefined ? `${target}%` : "<auto>"}`;
    }
    default:
      return "<unknown type>";
  }
}

function metrics(hpa: AnyHorizontalPodAutoscaler): [MetricSpec[], MetricStatus[]] {
  const target = hpa.spec?.targetCPUUtilizationPercentage;
  if (hpa.spec?.metrics || target === undefined) return [hpa.spec?.metrics ?? [], hpa.status?.currentMetrics ?? []];
  const current = hpa.status?.currentCPUUtilizationPercentage;
  return [
    [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } } }],
    current === undefined
      ? []
      : [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }],
  ];
}

function targetsCell(hpa: AnyHorizontalPodAutoscaler): string {
  const [specs, statuses] = metrics(hpa);
  if (specs.length === 0) return "<none>";
  const texts = specs.map((spec, index) => metricText(spec, statuses[index]));
  const listed = texts.slice(0, LISTED_METRICS).join(", ");
  return texts.length > LISTED_METRICS ? `${listed} + ${texts.length - LISTED_METRICS} more...` : listed;
}

export const horizontalPodAutoscalerPrinter = definePrinter<AnyHorizontalPodAutoscaler>(
  [
    nameColumn,
    column("Reference", "string", "Kind and name of the scaled object."),
    column("Targets", "string", "Current and target values of the metrics."),
    column("MinPods", "string", "Lower bound of replicas."),
    column("MaxPods", "string", "Upper bound of replicas."),
    column("Replicas", "string", "Current number of replicas."),
    ageColumn,
  ],
  (hpa, now) => {
    const minReplicas = hpa.spec?.minReplicas;
    return [
      hpa.metadata?.name ?? "",
      `${hpa.spec?.scaleTargetRef.kind ?? ""}/${hpa.spec?.scaleTargetRef.name ?? ""}`,
      targetsCell(hpa),
      minReplicas === undefined ? "<unset>" : String(minReplicas),
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      since(hpa.metadata?.creationTimestamp, now),
    ];
  },
);
