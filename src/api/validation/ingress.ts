// Ingresses (networking.k8s.io/v1): rules, paths with their path types,
// backends and TLS hosts.
import { invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { goNilSlice } from "./go-value.ts";
import { ipFamily } from "./ip.ts";
import { isObject, list, obj, str, text, type JsonObject } from "./json.ts";
import {
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
} from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const pathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
const invalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
const invalidPathSuffixes = ["/..", "/."];
const ingressClassAnnotation = "kubernetes.io/ingress.class";

function validateBackend(backend: JsonObject, path: FieldPath): FieldError[] {
  const hasResource = isObject(backend.resource);
  const hasService = isObject(backend.service);
  if (hasResource && hasService) return [invalid(path, "", "cannot set both resource and service backends")];
  if (hasResource) {
    const resource = obj(backend.resource);
    const at = path.child("resource");
    const errs: FieldError[] = [];
    const apiGroup = str(resource.apiGroup);
    if (apiGroup !== undefined) errs.push(...isDNS1123Subdomain(apiGroup).map((m) => invalid(at.child("apiGroup"), apiGroup, m)));
    for (const field of ["kind", "name"]) {
      const value = text(resource[field]);
      if (value === "") errs.push(required(at.child(field)));
      else errs.push(...isValidPathSegmentName(value).map((m) => invalid(at.child(field), value, m)));
    }
    return errs;
  }
  if (!hasService) return [invalid(path, "", "resource or service backend is required")];
  const service = obj(backend.service);
  const errs: FieldError[] = [];
  const name = text(service.name);
  if (name === "") errs.push(required(path.child("service", "name")));
  else errs.push(...nameIsDNS1035Label(name, false).map((m) => invalid(path.child("service", "name"), name, m)));
  const port = obj(service.port);
  const portName = text(port.name);
  const portNumber = typeof port.number === "number" ? port.number : 0;
  if (portName !== "" && portNumber !== 0) errs.push(invalid(path, "", "cannot set both port name & port number"));
  else if (portName !== "") errs.push(...isValidPortName(portName).map((m) => invalid(path.child("service", "port", "name"), portName, m)));
  else if (portNumber !== 0) errs.push(...isValidPortNum(portNumber).map((m) => invalid(path.child("service", "port", "number"), portNumber, m)));
  else errs.push(required(path, "port name or number is required"));
  return errs;
}

function validateHTTPPath(ingressPath: JsonObject, path: FieldPath): FieldError[] {
  const type = str(ingressPath.pathType);
  if (type === undefined) return [required(path.child("pathType"), "pathType must be specified")];
  const errs: FieldError[] = [];
  const value = text(ingressPath.path);
  const at = path.child("path");
  if (type === "Exact" || type === "Prefix") {
    if (!value.startsWith("/")) errs.push(invalid(at, value, "must be an absolute path"));
    for (const sequence of invalidPathSequences) if (value.includes(sequence)) errs.push(invalid(at, value, `must not contain '${sequence}'`));
    for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(invalid(at, value, `cannot end with '${suffix}'`));
  } else if (type === "ImplementationSpecific") {
    if (value !== "" && !value.startsWith("/")) errs.push(invalid(at, value, "must be an absolute path"));
  } else {
    errs.push(notSupported(path.child("pathType"), type, pathTypes));
  }
  errs.push(...validateBackend(obj(ingressPath.backend), path.child("backend")));
  return errs;
}

function validateRules(rules: unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((raw, i) => {
    const rule = obj(raw);
    const at = path.index(i);
    const host = text(rule.host);
    if (host !== "") {
      if (ipFamily(host) !== undefined) errs.push(invalid(at.child("host"), host, "must be a DNS name, not an IP address"));
      const problems = host.includes("*") ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...problems.map((m) => invalid(at.child("host"), host, m)));
    }
    if (isObject(rule.http)) {
      const httpPath = at.child("http");
      const paths = list(rule.http.paths);
      if (paths.length === 0) errs.push(required(httpPath.child("paths")));
      paths.forEach((p, j) => errs.push(...validateHTTPPath(obj(p), httpPath.child("paths").index(j))));
    }
  });
  return errs;
}

function validateIngressSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  const rules = list(spec.rules);
  if (rules.length === 0 && !isObject(spec.defaultBackend)) {
    errs.push(invalid(path, Array.isArray(spec.rules) ? spec.rules : goNilSlice("networking.IngressRule"), "either `defaultBackend` or `rules` must be specified"));
  }
  if (isObject(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, path.child("defaultBackend")));
  errs.push(...validateRules(rules, path.child("rules")));
  list(spec.tls).forEach((raw, i) => {
    const tls = obj(raw);
    const at = path.child("tls").index(i);
    list(tls.hosts).forEach((h, j) => {
      const host = text(h);
      const problems = host.includes("*") ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...problems.map((m) => invalid(at.child("hosts").index(j), host, m)));
    });
    const secretName = text(tls.secretName);
    if (secretName !== "") errs.push(...nameIsDNSSubdomain(secretName, false).map((m) => invalid(at.child("secretName"), secretName, m)));
  });
  const className = str(spec.ingressClassName);
  if (className !== undefined) errs.push(...nameIsDNSSubdomain(className, false).map((m) => invalid(path.child("ingressClassName"), className, m)));
  return errs;
}

export function validateIngress(ingress: JsonObject): FieldError[] {
  const errs = [...validateObjectMeta(ingress.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateIngressSpec(ingress.spec)];
  const annotation = str(obj(obj(ingress.metadata).annotations)[ingressClassAnnotation]);
  const className = str(obj(ingress.spec).ingressClassName);
  if (annotation !== undefined && className !== undefined && annotation !== className) {
    errs.push(invalid(FieldPath.of("annotations").child(ingressClassAnnotation), annotation, "must match `ingressClassName` when both are specified"));
  }
  return errs;
}

export function validateIngressUpdate(ingress: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(ingress.metadata, old.metadata), ...validateIngressSpec(ingress.spec)];
}
