// The key that names an object in caches and work queues, as client-go's
// MetaNamespaceKeyFunc forms it.
import type { KubeObject } from "./kube-client.ts";

/** "namespace/name", or "name" for cluster-scoped objects: the key caches and work queues use. */
export function objectKey(object: KubeObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? "";
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits an objectKey back into namespace ("" when cluster-scoped) and name. */
export function splitObjectKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
