// Services. Node ports and cluster IPs are allocated by the registry, so
// their ranges are its business; here are the shape rules and what an update
// may not change. A missing clusterIPs list is read from clusterIP, as the
// registry keeps the two in step.
import { duplicate, forbidden, invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { goServicePortKey } from "./go-value.ts";
import { ipFamily, isValidCIDR, isValidIP, validateNonSpecialIP } from "./ip.ts";
import { integer, isObject, list, obj, str, text, type JsonObject } from "./json.ts";
import { validateLabels } from "./label-selector.ts";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { protocols } from "./containers.ts";

const specPath = FieldPath.of("spec");
const serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const sessionAffinities = ["ClientIP", "None"];
const trafficPolicies = ["Cluster", "Local"];
const ipFamilies = ["IPv4", "IPv6"];
const ipFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const maxClientIPAffinitySeconds = 86400;
const sourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges";

function clusterIPs(spec: JsonObject): string[] {
  const ips = list(spec.clusterIPs).map(text);
  if (ips.length > 0) return ips;
  const single = text(spec.clusterIP);
  return single === "" ? [] : [single];
}

const isHeadless = (spec: JsonObject): boolean => {
  const ips = clusterIPs(spec);
  return ips.length === 1 && ips[0] === "None";
};

function validateServicePort(port: JsonObject, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = text(port.name);
  if (requireName && name === "") {
    errs.push(required(path.child("name")));
  } else if (name !== "") {
    errs.push(...isDNS1123Label(name).map((m) => invalid(path.child("name"), name, m)));
    if (names.has(name)) errs.push(duplicate(path.child("name"), name));
    else names.add(name);
  }
  const number = integer(port.port, path.child("port"), errs) ?? 0;
  errs.push(...isValidPortNum(number).map((m) => invalid(path.child("port"), number, m)));
  const protocol = str(port.protocol);
  if (protocol !== undefined && protocol !== "" && !protocols.includes(protocol)) errs.push(notSupported(path.child("protocol"), protocol, protocols));
  // targetPort defaults to port.
  const target = port.targetPort;
  if (typeof target === "string") errs.push(...isValidPortName(target).map((m) => invalid(path.child("targetPort"), target, m)));
  else if (typeof target === "number") errs.push(...isValidPortNum(target).map((m) => invalid(path.child("targetPort"), target, m)));
  const appProtocol = str(port.appProtocol);
  if (appProtocol !== undefined) errs.push(...isQualifiedName(appProtocol).map((m) => invalid(path.child("appProtocol"), appProtocol, m)));
  return errs;
}

function validateClusterIPFields(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ipsPath = specPath.child("clusterIPs");
  const ips = clusterIPs(spec);
  const single = text(spec.clusterIP);
  if (single !== "" && ips[0] !== single) errs.push(invalid(ipsPath, ips, "first value must match `clusterIP`"));
  if (single === "" && list(spec.clusterIPs).length > 0) errs.push(invalid(ipsPath, ips, "must be empty when `clusterIP` is not specified"));
  const seen = new Set<string>();
  list(spec.ipFamilies).forEach((f, i) => {
    const family = text(f);
    if (!ipFamilies.includes(family)) errs.push(notSupported(specPath.child("ipFamilies").index(i), family, ipFamilies));
    if (seen.has(family)) errs.push(duplicate(specPath.child("ipFamilies").index(i), family));
    seen.add(family);
  });
  const policy = str(spec.ipFamilyPolicy);
  if (policy !== undefined && !ipFamilyPolicies.includes(policy)) errs.push(notSupported(specPath.child("ipFamilyPolicy"), policy, ipFamilyPolicies));
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = isValidIP(ipsPath.index(i), ip);
    if (ipErrs.length > 0) badIPs = true;
    errs.push(...ipErrs);
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, "may only hold up to 2 values"));
  if (badIPs) return errs;
  if (ips.length > 1 && new Set(ips.map(ipFamily)).size !== ips.length) {
    errs.push(invalid(ipsPath, ips, "may specify no more than one IP for each IP family"));
  }
  const families = list(spec.ipFamilies).map(text);
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const family = families[i];
      if (family === "IPv4" && ipFamily(ip) === "IPv6") errs.push(invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (family === "IPv6" && ipFamily(ip) !== "IPv6") errs.push(invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateServiceSpec(service: JsonObject): FieldError[] {
  const spec = obj(service.spec);
  const errs: FieldError[] = [];
  const type = text(spec.type) || "ClusterIP";
  const ports = list(spec.ports).map(obj);
  if (ports.length === 0 && !isHeadless(spec) && type !== "ExternalName") errs.push(required(specPath.child("ports")));
  const ips = clusterIPs(spec);
  if ((type === "LoadBalancer" || type === "NodePort") && isHeadless(spec)) {
    errs.push(invalid(specPath.child("clusterIPs").index(0), ips[0], `may not be set to 'None' for ${type} services`));
  }
  if (type === "ExternalName") {
    if (ips.length > 0) errs.push(forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"));
    if (list(spec.ipFamilies).length > 0) errs.push(forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden(specPath.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
    const cname = text(spec.externalName).replace(/\.$/, "");
    if (cname !== "") errs.push(...isDNS1123Subdomain(cname).map((m) => invalid(specPath.child("externalName"), cname, m)));
    else errs.push(required(specPath.child("externalName")));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, specPath.child("ports").index(i))));
  if (isObject(spec.selector)) errs.push(...validateLabels(spec.selector, specPath.child("selector")));
  const affinity = text(spec.sessionAffinity);
  if (affinity !== "" && !sessionAffinities.includes(affinity)) errs.push(notSupported(specPath.child("sessionAffinity"), affinity, sessionAffinities));
  const affinityConfigPath = specPath.child("sessionAffinityConfig");
  if (affinity === "ClientIP" && isObject(spec.sessionAffinityConfig)) {
    const timeout = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (typeof timeout === "number" && (timeout <= 0 || timeout > maxClientIPAffinitySeconds)) {
      errs.push(invalid(affinityConfigPath.child("clientIP", "timeoutSeconds"), timeout, `must be greater than 0 and less than ${maxClientIPAffinitySeconds}`));
    }
  } else if (affinity !== "ClientIP" && isObject(spec.sessionAffinityConfig)) {
    errs.push(forbidden(affinityConfigPath, "must not be set when session affinity is None"));
  }
  if (type !== "ExternalName") errs.push(...validateClusterIPFields(spec));
  list(spec.externalIPs).forEach((raw, i) => {
    const ip = text(raw);
    const at = specPath.child("externalIPs").index(i);
    const ipErrs = isValidIP(at, ip);
    errs.push(...(ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(at, ip)));
  });
  if (!serviceTypes.includes(type)) errs.push(notSupported(specPath.child("type"), type, serviceTypes));
  if (type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (typeof p.nodePort === "number" && p.nodePort !== 0) errs.push(forbidden(specPath.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (typeof p.nodePort !== "number" || p.nodePort === 0) return;
    const key = `${text(p.protocol) || "TCP"}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(specPath.child("ports").index(i).child("nodePort"), p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const protocol = text(p.protocol) || "TCP";
    const number = typeof p.port === "number" ? p.port : 0;
    const key = `${protocol}/${number}`;
    if (portKeys.has(key)) errs.push(duplicate(specPath.child("ports").index(i), goServicePortKey(protocol, number)));
    portKeys.add(key);
  });
  const ranges = list(spec.loadBalancerSourceRanges).map(text);
  if (ranges.length > 0) {
    const rangesPath = specPath.child("LoadBalancerSourceRanges");
    if (type !== "LoadBalancer") errs.push(forbidden(rangesPath, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(rangesPath.index(i), r.trim())));
  } else {
    const annotation = str(obj(obj(service.metadata).annotations)[sourceRangesAnnotation]);
    if (annotation !== undefined) {
      const annotationPath = FieldPath.of("metadata", "annotations").key(sourceRangesAnnotation);
      if (type !== "LoadBalancer") errs.push(forbidden(annotationPath, "may only be used when `type` is 'LoadBalancer'"));
      const trimmed = annotation.trim();
      if (trimmed !== "") for (const cidr of trimmed.split(",")) errs.push(...isValidCIDR(annotationPath, cidr.trim()));
    }
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && type !== "LoadBalancer") {
    errs.push(forbidden(specPath.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
  }
  const lbClass = str(spec.loadBalancerClass);
  if (lbClass !== undefined) {
    if (type === "LoadBalancer") errs.push(...isQualifiedName(lbClass).map((m) => invalid(specPath.child("loadBalancerClass"), lbClass, m)));
    else errs.push(forbidden(specPath.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
  }
  const externallyAccessible = type === "LoadBalancer" || type === "NodePort" || (type === "ClusterIP" && list(spec.externalIPs).length > 0);
  const external = text(spec.externalTrafficPolicy);
  if (!externallyAccessible) {
    if (external !== "") errs.push(invalid(specPath.child("externalTrafficPolicy"), external, "may only be set for externally-accessible services"));
  } else if (external !== "" && !trafficPolicies.includes(external)) {
    errs.push(notSupported(specPath.child("externalTrafficPolicy"), external, trafficPolicies));
  }
  const healthCheckNodePort = typeof spec.healthCheckNodePort === "number" ? spec.healthCheckNodePort : 0;
  const needsHealthCheck = type === "LoadBalancer" && external === "Local";
  if (!needsHealthCheck && healthCheckNodePort !== 0) {
    errs.push(invalid(specPath.child("healthCheckNodePort"), healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (needsHealthCheck && healthCheckNodePort !== 0) {
    errs.push(...isValidPortNum(healthCheckNodePort).map((m) => invalid(specPath.child("healthCheckNodePort"), healthCheckNodePort, m)));
  }
  const internal = str(spec.internalTrafficPolicy);
  if (internal !== undefined && !trafficPolicies.includes(internal)) errs.push(notSupported(specPath.child("internalTrafficPolicy"), internal, trafficPolicies));
  const distribution = str(spec.trafficDistribution);
  if (distribution !== undefined && distribution !== "PreferClose") errs.push(notSupported(specPath.child("trafficDistribution"), distribution, ["PreferClose"]));
  return errs;
}

export function validateService(service: JsonObject): FieldError[] {
  return [...validateObjectMeta(service.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label }), ...validateServiceSpec(service)];
}

function validateClusterIPChange(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const type = text(spec.type) || "ClusterIP";
  const oldType = text(oldSpec.type) || "ClusterIP";
  if (type === "ExternalName" || oldType === "ExternalName") return [];
  // An update that leaves the cluster IPs out keeps the allocated ones.
  if (text(spec.clusterIP) === "" && list(spec.clusterIPs).length === 0) return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const next = clusterIPs(spec);
  const prev = clusterIPs(oldSpec);
  const errs: FieldError[] = [];
  const ipsPath = specPath.child("clusterIPs");
  if (prev.length === next.length) {
    prev.forEach((ip, i) => {
      if (ip !== next[i]) errs.push(invalid(ipsPath.index(i), next, "may not change once set"));
    });
  } else if (prev.length > next.length) {
    if (next.length > 0 && next[0] !== prev[0]) errs.push(invalid(ipsPath.index(0), next, "may not change once set"));
    if (next.length === 1 && str(spec.ipFamilyPolicy) !== "SingleStack") {
      errs.push(invalid(specPath.child("ipFamilyPolicy"), str(spec.ipFamilyPolicy) ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (prev.length > 0 && next[0] !== prev[0]) {
    errs.push(invalid(ipsPath.index(0), next, "may not change once set"));
  }
  return errs;
}

export function validateServiceUpdate(service: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(service.spec);
  const oldSpec = obj(old.spec);
  const errs = [...validateObjectMetaUpdate(service.metadata, old.metadata), ...validateClusterIPChange(spec, oldSpec)];
  if (spec.type === "LoadBalancer" && oldSpec.type === "LoadBalancer" && str(spec.loadBalancerClass) !== str(oldSpec.loadBalancerClass)) {
    errs.push(invalid(specPath.child("loadBalancerClass"), str(spec.loadBalancerClass) ?? null, "may not change once set"));
  }
  const healthCheck = (s: JsonObject): boolean => s.type === "LoadBalancer" && s.externalTrafficPolicy === "Local";
  if (healthCheck(spec) && healthCheck(oldSpec) && spec.healthCheckNodePort !== undefined && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(forbidden(specPath.child("healthCheckNodePort"), "field is immutable"));
  }
  errs.push(...validateServiceSpec(service));
  return errs;
}
