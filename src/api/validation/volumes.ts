// Pod volumes: unique DNS-label names and exactly one source each, with the
// checks upstream makes for the sources this project runs (emptyDir,
// hostPath, configMap, secret, projected, downwardAPI, PVC, ephemeral, NFS,
// CSI). Other sources are counted but not inspected.
import { duplicate, forbidden, invalid, notSupported, required, tooLong, type FieldError, type FieldPath } from "./field-error.ts";
import { goQuote } from "./go-value.ts";
import { integer, isObject, list, obj, str, text, type JsonObject } from "./json.ts";
import { byteLength, isDNS1123Label, isDNS1123Subdomain } from "./names.ts";
import { validateTemplateObjectMeta } from "./object-meta.ts";
import { readQuantity } from "./resources.ts";
import { validatePersistentVolumeClaimSpec } from "./persistent-volume-claim.ts";
import { validateObjectFieldSelector, validateResourceFieldSelector, volumeFieldPaths } from "./downward-api.ts";

// Upstream's order of sources; the second one set is the one reported.
// Some report paths differ from the JSON key (upstream's spelling kept).
const sources: readonly { key: string; reportAs?: string }[] = [
  { key: "emptyDir" },
  { key: "hostPath" },
  { key: "gitRepo" },
  { key: "gcePersistentDisk" },
  { key: "awsElasticBlockStore" },
  { key: "secret" },
  { key: "nfs" },
  { key: "iscsi" },
  { key: "glusterfs" },
  { key: "flocker" },
  { key: "persistentVolumeClaim" },
  { key: "rbd" },
  { key: "cinder" },
  { key: "cephfs", reportAs: "cephFS" },
  { key: "quobyte" },
  { key: "downwardAPI", reportAs: "downwarAPI" },
  { key: "fc" },
  { key: "flexVolume" },
  { key: "configMap" },
  { key: "azureFile" },
  { key: "vsphereVolume" },
  { key: "photonPersistentDisk" },
  { key: "portworxVolume" },
  { key: "azureDisk" },
  { key: "storageos" },
  { key: "projected" },
  { key: "scaleIO" },
  { key: "csi" },
  { key: "ephemeral" },
  { key: "image" },
];

const fileModeMessage = "must be a number between 0 and 0777 (octal), both inclusive";
const hostPathTypes = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

/** What the containers need to know about the declared volumes. */
export type DeclaredVolumes = Map<string, JsonObject>;

export function validateFileMode(value: unknown, path: FieldPath, errs: FieldError[]): void {
  const mode = integer(value, path, errs);
  if (mode !== undefined && (mode > 0o777 || mode < 0)) errs.push(invalid(path, mode, fileModeMessage));
}

/** A path that stays below the volume root: relative, without `..` elements. */
export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(invalid(path, target, "must be a relative path"));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split("/").includes("..") ? [invalid(path, target, "must not contain '..'")] : [];
}

function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith("..") && !target.startsWith("../")) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

function validateKeyToPath(item: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (text(item.key) === "") errs.push(required(path.child("key")));
  if (text(item.path) === "") errs.push(required(path.child("path")));
  errs.push(...validateLocalNonReservedPath(text(item.path), path.child("path")));
  validateFileMode(item.mode, path.child("mode"), errs);
  return errs;
}

function validateItems(items: unknown, path: FieldPath): FieldError[] {
  return list(items).flatMap((item, i) => validateKeyToPath(obj(item), path.index(i)));
}

function validateDownwardAPIFile(file: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (text(file.path) === "") errs.push(required(path.child("path")));
  errs.push(...validateLocalNonReservedPath(text(file.path), path.child("path")));
  if (isObject(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, volumeFieldPaths, path.child("fieldRef")));
    if (isObject(file.resourceFieldRef)) {
      errs.push(invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
    }
  } else if (isObject(file.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, path.child("resourceFieldRef"), true));
  } else {
    errs.push(required(path, "one of fieldRef and resourceFieldRef is required"));
  }
  validateFileMode(file.mode, path.child("mode"), errs);
  return errs;
}

function validateProjectedSources(projected: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seenPaths = new Set<string>();
  const claimPath = (p: string, shown: unknown): void => {
    if (p === "") return;
    if (seenPaths.has(p)) errs.push(invalid(path, shown, "conflicting duplicate paths"));
    seenPaths.add(p);
  };
  list(projected.sources).forEach((raw, i) => {
    const source = obj(raw);
    const sourcePath = path.child("sources").index(i);
    let count = 0;
    for (const kind of ["secret", "configMap"] as const) {
      if (!isObject(source[kind])) continue;
      count++;
      const s = source[kind];
      if (text(s.name) === "") errs.push(required(sourcePath.child(kind, "name")));
      list(s.items).forEach((item, j) => {
        errs.push(...validateKeyToPath(obj(item), sourcePath.child(kind, "items").index(j)));
        claimPath(text(obj(item).path), text(s.name));
      });
    }
    if (isObject(source.downwardAPI)) {
      count++;
      for (const file of list(source.downwardAPI.items)) {
        errs.push(...validateDownwardAPIFile(obj(file), sourcePath.child("downwardAPI")));
        claimPath(text(obj(file).path), text(obj(file).path));
      }
    }
    if (isObject(source.serviceAccountToken)) {
      count++;
      const token = source.serviceAccountToken;
      const expirationPath = sourcePath.child("serviceAccountToken", "expirationSeconds");
      const expiration = integer(token.expirationSeconds, expirationPath, errs);
      if (expiration !== undefined && expiration < 600) {
        errs.push(invalid(expirationPath, expiration, "may not specify a duration less than 10 minutes"));
      }
      if (expiration !== undefined && expiration > 2 ** 32) {
        errs.push(invalid(expirationPath, expiration, "may not specify a duration larger than 2^32 seconds"));
      }
      if (text(token.path) === "") errs.push(required(path.child("path")));
      else errs.push(...validateLocalNonReservedPath(text(token.path), path.child("path")));
    }
    if (isObject(source.clusterTrustBundle)) {
      count++;
      const bundle = source.clusterTrustBundle;
      const bundlePath = sourcePath.child("clusterTrustBundle");
      if (text(bundle.path) === "") errs.push(required(bundlePath.child("path")));
      errs.push(...validateLocalNonReservedPath(text(bundle.path), bundlePath.child("path")));
      claimPath(text(bundle.path), text(bundle.path));
    }
    if (count > 1) errs.push(forbidden(sourcePath, "may not specify more than 1 volume type per source"));
  });
  return errs;
}

function validateSourceContent(key: string, source: JsonObject, path: FieldPath, volumeName: string, podName: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case "emptyDir": {
      if (source.sizeLimit !== undefined) {
        const limit = readQuantity(source.sizeLimit, path.child("sizeLimit"), errs);
        if (limit !== undefined && limit.sign() < 0) errs.push(forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
      }
      break;
    }
    case "hostPath": {
      const target = text(source.path);
      if (target === "") return [required(path.child("path"))];
      errs.push(...validatePathNoBacksteps(target, path.child("path")));
      const type = str(source.type);
      if (type !== undefined && !hostPathTypes.includes(type)) errs.push(notSupported(path.child("type"), type, hostPathTypes));
      break;
    }
    case "secret":
      if (text(source.secretName) === "") errs.push(required(path.child("secretName")));
      validateFileMode(source.defaultMode, path.child("defaultMode"), errs);
      errs.push(...validateItems(source.items, path.child("items")));
      break;
    case "configMap":
      if (text(source.name) === "") errs.push(required(path.child("name")));
      validateFileMode(source.defaultMode, path.child("defaultMode"), errs);
      errs.push(...validateItems(source.items, path.child("items")));
      break;
    case "persistentVolumeClaim":
      if (text(source.claimName) === "") errs.push(required(path.child("claimName")));
      break;
    case "downwardAPI":
      validateFileMode(source.defaultMode, path.child("defaultMode"), errs);
      for (const file of list(source.items)) errs.push(...validateDownwardAPIFile(obj(file), path));
      break;
    case "projected":
      validateFileMode(source.defaultMode, path.child("defaultMode"), errs);
      errs.push(...validateProjectedSources(source, path));
      break;
    case "nfs":
      if (text(source.server) === "") errs.push(required(path.child("server")));
      if (text(source.path) === "") errs.push(required(path.child("path")));
      if (!text(source.path).startsWith("/")) errs.push(invalid(path.child("path"), text(source.path), "must be an absolute path"));
      break;
    case "csi": {
      const driver = text(source.driver);
      if (driver === "") errs.push(required(path.child("driver")));
      if (byteLength(driver) > 63) errs.push(tooLong(path.child("driver"), 63));
      errs.push(...isDNS1123Subdomain(driver.toLowerCase()).map((m) => invalid(path.child("driver"), driver, m)));
      break;
    }
    case "ephemeral": {
      const template = source.volumeClaimTemplate;
      if (!isObject(template)) {
        errs.push(required(path.child("volumeClaimTemplate")));
      } else {
        const templatePath = path.child("volumeClaimTemplate");
        errs.push(...validateTemplateObjectMeta(template.metadata, templatePath.child("metadata")));
        errs.push(...validatePersistentVolumeClaimSpec(template.spec, templatePath.child("spec")));
      }
      if (podName !== "" && volumeName !== "") {
        const claimName = `${podName}-${volumeName}`;
        for (const m of isDNS1123Subdomain(claimName)) {
          errs.push(invalid(path.child("name"), volumeName, `PVC name ${goQuote(claimName)}: ${m}`));
        }
      }
      break;
    }
  }
  return errs;
}

function validateVolumeSource(volume: JsonObject, path: FieldPath, podName: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const { key, reportAs } of sources) {
    const source = volume[key];
    if (!isObject(source)) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(reportAs ?? key), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(...validateSourceContent(key, source, path.child(key), text(volume.name), podName));
  }
  if (count === 0) errs.push(required(path, "must specify a volume type"));
  return errs;
}

/** Validates spec.volumes; returns the usable volumes by name for mount checks. */
export function validateVolumes(volumes: unknown, path: FieldPath, podName: string): { declared: DeclaredVolumes; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const declared: DeclaredVolumes = new Map();
  const createdClaims = new Set<string>();
  if (podName !== "") {
    for (const v of list(volumes)) if (isObject(obj(v).ephemeral)) createdClaims.add(`${podName}-${text(obj(v).name)}`);
  }
  list(volumes).forEach((raw, i) => {
    const volume = obj(raw);
    const at = path.index(i);
    const name = text(volume.name);
    const own = validateVolumeSource(volume, at, podName);
    if (name === "") own.push(required(at.child("name")));
    else own.push(...isDNS1123Label(name).map((m) => invalid(at.child("name"), name, m)));
    if (declared.has(name)) own.push(duplicate(at.child("name"), name));
    if (own.length === 0) declared.set(name, volume);
    else errs.push(...own);
    const claimName = text(obj(volume.persistentVolumeClaim).claimName);
    if (isObject(volume.persistentVolumeClaim) && createdClaims.has(claimName)) {
      errs.push(invalid(at.child("persistentVolumeClaim", "claimName"), claimName, "must not reference a PVC that gets created for an ephemeral volume"));
    }
  });
  return { declared, errs };
}
