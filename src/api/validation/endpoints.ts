// Endpoints (core/v1) and EndpointSlices (discovery.k8s.io/v1).
import { duplicate, invalid, notSupported, required, tooMany, FieldPath, type FieldError } from "./field-error.ts";
import { isValidIP, isValidIPv4Address, isValidIPv6Address, validateNonSpecialIP } from "./ip.ts";
import { integer, list, obj, str, text, type JsonObject } from "./json.ts";
import { validateLabels } from "./label-selector.ts";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from "./names.ts";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { protocols } from "./containers.ts";

function validatePort(port: JsonObject, requireName: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = text(port.name);
  if (requireName && name === "") errs.push(required(path.child("name")));
  else if (name !== "") errs.push(...isDNS1123Label(name).map((m) => invalid(path.child("name"), name, m)));
  const number = integer(port.port, path.child("port"), errs) ?? 0;
  errs.push(...isValidPortNum(number).map((m) => invalid(path.child("port"), number, m)));
  const protocol = str(port.protocol);
  if (protocol !== undefined && protocol !== "" && !protocols.includes(protocol)) errs.push(notSupported(path.child("protocol"), protocol, protocols));
  const appProtocol = str(port.appProtocol);
  if (appProtocol !== undefined) errs.push(...isQualifiedName(appProtocol).map((m) => invalid(path.child("appProtocol"), appProtocol, m)));
  return errs;
}

function validateAddress(address: JsonObject, path: FieldPath): FieldError[] {
  const ip = text(address.ip);
  const errs = isValidIP(path.child("ip"), ip);
  const hostname = text(address.hostname);
  if (hostname !== "") errs.push(...isDNS1123Label(hostname).map((m) => invalid(path.child("hostname"), hostname, m)));
  const nodeName = str(address.nodeName);
  if (nodeName !== undefined) errs.push(...nameIsDNSSubdomain(nodeName, false).map((m) => invalid(path.child("nodeName"), nodeName, m)));
  errs.push(...validateNonSpecialIP(path.child("ip"), ip));
  return errs;
}

export function validateEndpoints(endpoints: JsonObject): FieldError[] {
  const errs = validateObjectMeta(endpoints.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const subsetsPath = FieldPath.of("subsets");
  list(endpoints.subsets).forEach((raw, i) => {
    const subset = obj(raw);
    const at = subsetsPath.index(i);
    const ready = list(subset.addresses);
    const notReady = list(subset.notReadyAddresses);
    if (ready.length === 0 && notReady.length === 0) errs.push(required(at, "must specify `addresses` or `notReadyAddresses`"));
    ready.forEach((a, j) => errs.push(...validateAddress(obj(a), at.child("addresses").index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(obj(a), at.child("notReadyAddresses").index(j))));
    const ports = list(subset.ports);
    ports.forEach((p, j) => errs.push(...validatePort(obj(p), ports.length > 1, at.child("ports").index(j))));
  });
  return errs;
}

export function validateEndpointsUpdate(endpoints: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(endpoints.metadata, old.metadata), ...validateEndpoints(endpoints)];
}

const addressTypes = ["FQDN", "IPv4", "IPv6"];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 100;
const maxTopologyLabels = 16;

function validateFQDN(path: FieldPath, value: string): FieldError[] {
  if (value === "") return [required(path)];
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  const problems = isDNS1123Subdomain(name);
  if (problems.length > 0) return [invalid(path, name, problems.join(","))];
  const labels = name.split(".");
  if (labels.length < 2) return [invalid(path, name, "should be a domain with at least two segments separated by dots")];
  for (const label of labels) {
    const labelProblems = isDNS1123Label(label);
    if (labelProblems.length > 0) return [invalid(path, label, labelProblems.join(","))];
  }
  return [];
}

function validateSlice(slice: JsonObject, addressTypesAllowed: readonly string[]): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const addressType = text(slice.addressType);
  if (addressType === "") errs.push(required("addressType"));
  else if (!addressTypesAllowed.includes(addressType)) errs.push(notSupported("addressType", addressType, addressTypesAllowed));
  const endpointsPath = FieldPath.of("endpoints");
  const endpoints = list(slice.endpoints);
  if (endpoints.length > maxEndpoints) {
    errs.push(tooMany(endpointsPath, endpoints.length, maxEndpoints));
  } else {
    endpoints.forEach((raw, i) => {
      const endpoint = obj(raw);
      const at = endpointsPath.index(i);
      const addressesPath = at.child("addresses");
      const addresses = list(endpoint.addresses).map(text);
      if (addresses.length === 0) errs.push(required(addressesPath, "must contain at least 1 address"));
      else if (addresses.length > maxAddresses) errs.push(tooMany(addressesPath, addresses.length, maxAddresses));
      addresses.forEach((address, j) => {
        const ap = addressesPath.index(j);
        if (addressType === "IPv4") errs.push(...isValidIPv4Address(ap, address));
        else if (addressType === "IPv6") errs.push(...isValidIPv6Address(ap, address));
        else if (addressType === "FQDN") errs.push(...validateFQDN(ap, address));
      });
      const topology = obj(endpoint.deprecatedTopology);
      if (Object.keys(topology).length > maxTopologyLabels) {
        errs.push(tooMany(at.child("deprecatedTopology"), Object.keys(topology).length, maxTopologyLabels));
      }
      errs.push(...validateLabels(topology, at.child("deprecatedTopology")));
      const hostname = str(endpoint.hostname);
      if (hostname !== undefined) errs.push(...isDNS1123Label(hostname).map((m) => invalid(at.child("hostname"), hostname, m)));
      const nodeName = str(endpoint.nodeName);
      if (nodeName !== undefined) errs.push(...nameIsDNSSubdomain(nodeName, false).map((m) => invalid(at.child("nodeName"), nodeName, m)));
    });
  }
  const portsPath = FieldPath.of("ports");
  const ports = list(slice.ports).map(obj);
  if (ports.length > maxPorts) return [...errs, tooMany(portsPath, ports.length, maxPorts)];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = portsPath.index(i);
    const name = text(port.name);
    if (name !== "") errs.push(...isDNS1123Label(name).map((m) => invalid(at.child("name"), name, m)));
    if (names.has(name)) errs.push(duplicate(at.child("name"), name));
    names.add(name);
    const protocol = str(port.protocol);
    if (protocol !== undefined && !protocols.includes(protocol)) errs.push(notSupported(at.child("protocol"), protocol, protocols));
    const appProtocol = str(port.appProtocol);
    if (appProtocol !== undefined) errs.push(...isQualifiedName(appProtocol).map((m) => invalid(at.child("appProtocol"), appProtocol, m)));
  });
  return errs;
}

export function validateEndpointSlice(slice: JsonObject): FieldError[] {
  return validateSlice(slice, addressTypes);
}

export function validateEndpointSliceUpdate(slice: JsonObject, old: JsonObject): FieldError[] {
  // Slices stored with the deprecated IP address type stay updatable.
  return [
    ...validateObjectMetaUpdate(slice.metadata, old.metadata),
    ...validateSlice(slice, ["FQDN", "IP", "IPv4", "IPv6"]),
    ...validateImmutable(text(slice.addressType), text(old.addressType), FieldPath.of("addressType")),
  ];
}
