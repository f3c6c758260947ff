// Writes pod statuses through pods/status, only when they change. The write
// is a JSON patch that first tests the pod's uid, so a status never lands on
// a newer pod that reuses the name.
import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import { jsonEqual } from "../api/patch/json-value.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";

export class StatusManager {
  /** What was last written per pod uid: the informer's copy may lag behind it. */
  private readonly written = new Map<string, PodStatus>();

  constructor(private readonly client: KubeClient) {}

  /** Writes status unless the API (or our last write) has it already; answers whether it wrote. */
  async setStatus(pod: Pod, status: PodStatus): Promise<boolean> {
    const uid = pod.metadata?.uid ?? "";
    const wanted = JSON.parse(JSON.stringify(status)) as PodStatus;
    if (jsonEqual(pod.status ?? {}, wanted) || jsonEqual(this.written.get(uid), wanted)) return false;
    const api = inNamespace(resources.pods, pod.metadata?.namespace ?? "default");
    try {
      await this.client.patch<Pod>(api, pod.metadata?.name ?? "", "json", [
        { op: "test", path: "/metadata/uid", value: uid },
        { op: "add", path: "/status", value: wanted },
      ], { subresource: "status" });
    } catch (e) {
      // The pod is gone or was replaced: nothing to report on.
      if (hasReason(e, "NotFound", "Invalid", "Conflict")) return false;
      throw e;
    }
    this.written.set(uid, wanted);
    return true;
  }

  forget(uid: string): void {
    this.written.delete(uid);
  }
}
