// Downward API references (env valueFrom and downwardAPI volume files):
// which pod fields and container resources may be exposed, as upstream
// converts and checks them for v1.
import { invalid, notSupported, required, type FieldError, type FieldPath } from "./field-error.ts";
import { text, type JsonObject } from "./json.ts";
import { isQualifiedName } from "./names.ts";
import { readQuantity } from "./resources.ts";

export const envFieldPaths: ReadonlySet<string> = new Set([
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
]);

export const volumeFieldPaths: ReadonlySet<string> = new Set([
  "metadata.name",
  "metadata.namespace",
  "metadata.labels",
  "metadata.annotations",
  "metadata.uid",
]);

const convertibleLabels = new Set([
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.restartPolicy",
  "spec.serviceAccountName",
  "spec.schedulerName",
  "status.phase",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
]);

const resourceFieldPaths = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];

/** `metadata.labels['key']` into its path and subscript. */
function splitSubscripted(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return undefined;
  return { path: inner.slice(0, at), subscript: inner.slice(at + 2) };
}

function convertFieldLabel(apiVersion: string, label: string): { converted: string } | { error: string } {
  if (apiVersion !== "v1") return { error: `unsupported pod version: ${apiVersion}` };
  const sub = splitSubscripted(label);
  if (sub !== undefined) {
    if (sub.path === "metadata.annotations" || sub.path === "metadata.labels") return { converted: label };
    return { error: `field label does not support subscript: ${label}` };
  }
  if (convertibleLabels.has(label)) return { converted: label };
  if (label === "spec.host") return { converted: "spec.nodeName" };
  return { error: `field label not supported: ${label}` };
}

export function validateObjectFieldSelector(selector: JsonObject, allowed: ReadonlySet<string>, path: FieldPath): FieldError[] {
  // apiVersion defaults to v1.
  const apiVersion = text(selector.apiVersion) || "v1";
  const fieldPath = text(selector.fieldPath);
  if (fieldPath === "") return [required(path.child("fieldPath"))];
  const conversion = convertFieldLabel(apiVersion, fieldPath);
  if ("error" in conversion) return [invalid(path.child("fieldPath"), fieldPath, `error converting fieldPath: ${conversion.error}`)];
  const sub = splitSubscripted(conversion.converted);
  if (sub !== undefined) {
    switch (sub.path) {
      case "metadata.annotations":
        return isQualifiedName(sub.subscript.toLowerCase()).map((m) => invalid(path, sub.subscript.toLowerCase(), m));
      case "metadata.labels":
        return isQualifiedName(sub.subscript).map((m) => invalid(path, sub.subscript, m));
      default:
        return [invalid(path, sub.path, "does not support subscript")];
    }
  }
  if (!allowed.has(conversion.converted)) return [notSupported(path.child("fieldPath"), conversion.converted, [...allowed].sort())];
  return [];
}

const cpuDivisors = new Set(["1m", "1"]);
const byteDivisors = new Set(["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"]);
const byteDivisorList = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";

function validateDivisor(resource: string, divisor: unknown, path: FieldPath): FieldError[] {
  if (divisor === undefined || divisor === null) return [];
  const errs: FieldError[] = [];
  const q = readQuantity(divisor, path.child("divisor"), errs);
  if (q === undefined || q.isZero()) return errs;
  const shown = q.toString();
  if (resource === "limits.cpu" || resource === "requests.cpu") {
    if (!cpuDivisors.has(shown)) errs.push(invalid(path.child("divisor"), resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if (resource === "limits.memory" || resource === "requests.memory") {
    if (!byteDivisors.has(shown)) {
      errs.push(invalid(path.child("divisor"), resource, `only divisor's values ${byteDivisorList} are supported with the memory resource`));
    }
  } else if (resource === "limits.ephemeral-storage" || resource === "requests.ephemeral-storage") {
    if (!byteDivisors.has(shown)) {
      errs.push(
        invalid(path.child("divisor"), resource, `only divisor's values ${byteDivisorList} are supported with the local ephemeral storage resource`),
      );
    }
  }
  if ((resource.startsWith("requests.hugepages-") || resource.startsWith("limits.hugepages-")) && !byteDivisors.has(shown)) {
    errs.push(invalid(path.child("divisor"), resource, `only divisor's values ${byteDivisorList} are supported with the hugepages resource`));
  }
  return errs;
}

export function validateResourceFieldSelector(selector: JsonObject, path: FieldPath, inVolume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = text(selector.resource);
  if (inVolume && text(selector.containerName) === "") {
    errs.push(required(path.child("containerName")));
  } else if (resource === "") {
    errs.push(required(path.child("resource")));
  } else if (!resourceFieldPaths.includes(resource) && !resource.startsWith("requests.hugepages-") && !resource.startsWith("limits.hugepages-")) {
    errs.push(notSupported(path.child("resource"), resource, resourceFieldPaths));
  }
  errs.push(...validateDivisor(resource, selector.divisor, path));
  return errs;
}
