// Defaults of apiextensions.k8s.io/v1 CustomResourceDefinitions. Defaults
// inside custom resources come from each CRD's schema, not from here.
import { ensureObject, fillEmpty, fillUnset, isEmptyList, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";

const WEBHOOK_SERVICE_PORT = 443;

function defaultCustomResourceDefinition(crd: JsonObject): void {
  const spec = ensureObject(crd, "spec");
  if (!spec) return;
  const names = ensureObject(spec, "names");
  if (names && typeof names.kind === "string") {
    fillEmpty(names, "singular", names.kind.toLowerCase());
    if (names.kind !== "") fillEmpty(names, "listKind", `${names.kind}List`);
  }
  fillUnset(spec, "conversion", { strategy: "None" });
  const service = objectAt(objectAt(objectAt(spec, "conversion") ?? {}, "webhook") ?? {}, "clientConfig");
  const serviceRef = service && objectAt(service, "service");
  if (serviceRef) fillUnset(serviceRef, "port", WEBHOOK_SERVICE_PORT);
  const status = ensureObject(crd, "status");
  if (status && isEmptyList(status.storedVersions)) {
    const storageVersion = objectsAt(spec, "versions").find((v) => v.storage === true);
    if (storageVersion && typeof storageVersion.name === "string") status.storedVersions = [storageVersion.name];
  }
}

export const apiextensionsV1Defaulters: Record<string, Defaulter> = {
  CustomResourceDefinition: defaultCustomResourceDefinition,
};

