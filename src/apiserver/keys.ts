// Where objects live in the store: /registry/<storage>/<namespace>/<name>
// for namespaced resources, /registry/<storage>/<name> for cluster-scoped.

export function resourcePrefix(storage: string): string {
  return `/registry/${storage}/`;
}

export function objectKey(prefix: string, namespace: string, name: string): string {
  return namespace === "" ? `${prefix}${name}` : `${prefix}${namespace}/${name}`;
}

/** The key prefix of one namespace's objects, or of all objects when namespace is "". */
export function namespacePrefix(prefix: string, namespace: string): string {
  return namespace === "" ? prefix : `${prefix}${namespace}/`;
}
