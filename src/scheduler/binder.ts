// DefaultBinder: binds a pod by POSTing a Binding to pods/<name>/binding, as
// upstream's default bind plugin does. The API server refuses a pod that is
// already bound or being deleted (409), which fails the binding cycle.
import type { KubeClient } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import type { CycleState } from "./framework/cycle-state.ts";
import type { BindPlugin } from "./framework/plugin.ts";
import type { PodInfo } from "./framework/pod-info.ts";
import { errorStatus, SUCCESS, type Status } from "./framework/status.ts";

export const DEFAULT_BINDER = "DefaultBinder";

export class DefaultBinderPlugin implements BindPlugin {
  readonly name = DEFAULT_BINDER;

  constructor(private readonly client: KubeClient) {}

  async bind(_state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    const binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
      target: { apiVersion: "v1", kind: "Node", name: nodeName },
    };
    try {
      await this.client.createSubresource(inNamespace(resources.pods, pod.namespace), pod.name, "binding", binding);
      return SUCCESS;
    } catch (error) {
      return errorStatus(error);
    }
  }
}
