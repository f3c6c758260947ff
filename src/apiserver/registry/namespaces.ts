// Namespaces: Active on create with the "kubernetes" finalizer; deletion
// marks them Terminating, and they go once the namespace controller has
// emptied them and cleared spec.finalizers through the finalize subresource.
import type { ResourceInfo } from "../../api/registry.ts";
import { genericStrategy, type Strategy } from "./strategy.ts";

interface NamespaceShape {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

export function namespaceStrategy(info: ResourceInfo): Strategy {
  const base = genericStrategy(info);
  return {
    ...base,
    tracksGeneration: false,
    prepareForCreate(obj) {
      const ns = obj as NamespaceShape;
      ns.status = { phase: "Active" };
      ns.spec = { ...ns.spec, finalizers: ["kubernetes"] };
    },
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      // spec.finalizers changes only through the finalize subresource.
      const spec = ((obj as NamespaceShape).spec ??= {});
      const oldFinalizers = (old as NamespaceShape).spec?.finalizers;
      if (oldFinalizers === undefined) delete spec.finalizers;
      else spec.finalizers = oldFinalizers;
    },
    prepareForDelete(obj) {
      (obj as NamespaceShape).status = { phase: "Terminating" };
    },
    deletionFinalizersDone(obj) {
      return (obj.metadata?.finalizers ?? []).length === 0 && ((obj as NamespaceShape).spec?.finalizers ?? []).length === 0;
    },
  };
}
