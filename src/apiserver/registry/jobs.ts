// Jobs: unless the user manages the selector, the server generates one from
// the job's uid and labels the pod template to match (upstream's labels,
// new and legacy names), so two jobs can never adopt each other's pods.
import type { ResourceInfo } from "../../api/registry.ts";
import { genericStrategy, type Strategy } from "./strategy.ts";

interface JobShape {
  metadata?: { uid?: string; name?: string };
  spec?: {
    manualSelector?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> } };
  };
}

export function jobStrategy(info: ResourceInfo): Strategy {
  const base = genericStrategy(info);
  return {
    ...base,
    prepareForCreate(obj) {
      base.prepareForCreate(obj);
      const job = obj as JobShape;
      const spec = (job.spec ??= {});
      if (spec.manualSelector === true) return;
      const uid = job.metadata!.uid!;
      const name = job.metadata!.name!;
      spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
      const template = (spec.template ??= {});
      const meta = (template.metadata ??= {});
      meta.labels = {
        ...meta.labels,
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
      };
    },
  };
}
