// NamespaceLifecycle: no new objects in a namespace that is missing or being
// terminated, and the system namespaces cannot be deleted.
import { ApiError, notFound } from "../status.ts";
import type { AdmissionPlugin } from "./admission.ts";

export interface NamespaceLookup {
  /** The namespace's phase, or undefined when it does not exist. */
  phase(name: string): Promise<"Active" | "Terminating" | undefined>;
}

const undeletable = new Set(["default", "kube-system", "kube-public"]);

export function namespaceLifecycle(namespaces: NamespaceLookup): AdmissionPlugin {
  return {
    name: "NamespaceLifecycle",
    async validate(a) {
      if (a.resource.group === "" && a.resource.plural === "namespaces") {
        if (a.operation === "DELETE" && undeletable.has(a.name)) {
          throw new ApiError(403, "Forbidden", `namespaces "${a.name}" is forbidden: this namespace may not be deleted`, {
            name: a.name,
            kind: "namespaces",
          });
        }
        return;
      }
      if (a.operation !== "CREATE" || !a.resource.namespaced || a.namespace === "") return;
      // Events and reviews may be recorded in terminating namespaces upstream; events matter for controllers.
      const phase = await namespaces.phase(a.namespace);
      if (phase === undefined) {
        throw notFound({ qualifiedResource: "namespaces", group: "", resource: "namespaces", name: a.namespace });
      }
      if (phase === "Terminating" && a.resource.plural !== "events") {
        throw new ApiError(
          403,
          "Forbidden",
          `unable to create new content in namespace ${a.namespace} because it is being terminated`,
          { name: a.name, group: a.resource.group, kind: a.resource.plural, causes: [{ reason: "NamespaceTerminating", message: `namespace ${a.namespace} is being terminated`, field: "metadata.namespace" }] },
        );
      }
    },
  };
}
