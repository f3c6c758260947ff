// ConfigMaps and Secrets: key names, the 1 MiB size limit, the content each
// Secret type requires, and the `immutable` flag.
import { forbidden, invalid, required, tooLong, FieldPath, type FieldError } from "./field-error.ts";
import { jsonEqual, obj, str, text, type JsonObject } from "./json.ts";
import { byteLength, isConfigMapKey, nameIsDNSSubdomain } from "./names.ts";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

export const maxSecretSize = 1024 * 1024;
const immutableMessage = "field is immutable when `immutable` is set";
const redacted = "<secret contents redacted>";

function base64Problem(value: string): string | undefined {
  const bad = value.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  const padding = value.indexOf("=");
  if (value.length % 4 !== 0 || (padding >= 0 && !/^=*$/.test(value.slice(padding)))) {
    return `illegal base64 data at input byte ${padding >= 0 ? padding : value.length - (value.length % 4)}`;
  }
  return undefined;
}

/** Decoded bytes of the base64 values of a data map; malformed values are reported. */
function decodedSizes(map: unknown, path: FieldPath, errs: FieldError[], shown: (v: string) => unknown): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [key, raw] of Object.entries(obj(map))) {
    const value = text(raw);
    const problem = base64Problem(value);
    if (problem !== undefined) errs.push(invalid(path.key(key), shown(value), problem));
    sizes.set(key, Buffer.from(value, "base64").length);
  }
  return sizes;
}

export function validateConfigMap(configMap: JsonObject): FieldError[] {
  const errs = validateObjectMeta(configMap.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const dataPath = FieldPath.of("data");
  const binaryPath = FieldPath.of("binaryData");
  const binary = obj(configMap.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(obj(configMap.data))) {
    errs.push(...isConfigMapKey(key).map((m) => invalid(dataPath.key(key), key, m)));
    if (key in binary) errs.push(invalid(dataPath.key(key), key, "duplicate of key present in binaryData"));
    total += byteLength(text(value));
  }
  for (const key of Object.keys(binary)) errs.push(...isConfigMapKey(key).map((m) => invalid(binaryPath.key(key), key, m)));
  for (const size of decodedSizes(binary, binaryPath, errs, (v) => v).values()) total += size;
  if (total > maxSecretSize) errs.push(tooLong(FieldPath.of(""), maxSecretSize));
  return errs;
}

function validateImmutableContent(next: JsonObject, prev: JsonObject, fields: readonly string[]): FieldError[] {
  if (prev.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (next.immutable !== true) errs.push(forbidden("immutable", immutableMessage));
  for (const field of fields) if (!jsonEqual(next[field], prev[field])) errs.push(forbidden(field, immutableMessage));
  return errs;
}

export function validateConfigMapUpdate(configMap: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(configMap.metadata, old.metadata),
    ...validateImmutableContent(configMap, old, ["data", "binaryData"]),
    ...validateConfigMap(configMap),
  ];
}

/** The secret's content after stringData is folded into data, as the API does on decode. */
function secretContent(secret: JsonObject, errs: FieldError[]): Map<string, { size: number; text?: string }> {
  const dataPath = FieldPath.of("data");
  const content = new Map<string, { size: number; text?: string }>();
  for (const [key, size] of decodedSizes(secret.data, dataPath, errs, () => redacted)) {
    content.set(key, { size, text: Buffer.from(text(obj(secret.data)[key]), "base64").toString("utf8") });
  }
  for (const [key, raw] of Object.entries(obj(secret.stringData))) content.set(key, { size: byteLength(text(raw)), text: text(raw) });
  return content;
}

function jsonProblem(content: string): string | undefined {
  try {
    JSON.parse(content);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function validateSecret(secret: JsonObject): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const dataPath = FieldPath.of("data");
  const content = secretContent(secret, errs);
  let total = 0;
  for (const [key, { size }] of content) {
    errs.push(...isConfigMapKey(key).map((m) => invalid(dataPath.key(key), key, m)));
    total += size;
  }
  if (total > maxSecretSize) errs.push(tooLong(dataPath, maxSecretSize));
  const has = (key: string): boolean => content.has(key);
  switch (text(secret.type)) {
    case "kubernetes.io/service-account-token": {
      const annotation = "kubernetes.io/service-account.name";
      if (text(obj(obj(secret.metadata).annotations)[annotation]) === "") errs.push(required(FieldPath.of("metadata", "annotations").key(annotation)));
      break;
    }
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = text(secret.type) === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      const entry = content.get(key);
      if (entry === undefined) {
        errs.push(required(dataPath.key(key)));
        break;
      }
      const problem = jsonProblem(entry.text ?? "");
      if (problem !== undefined) errs.push(invalid(dataPath.key(key), redacted, problem));
      break;
    }
    case "kubernetes.io/basic-auth":
      if (!has("username") && !has("password")) errs.push(required(dataPath.key("username")), required(dataPath.key("password")));
      break;
    case "kubernetes.io/ssh-auth":
      if ((content.get("ssh-privatekey")?.size ?? 0) === 0) errs.push(required(dataPath.key("ssh-privatekey")));
      break;
    case "kubernetes.io/tls":
      if (!has("tls.crt")) errs.push(required(dataPath.key("tls.crt")));
      if (!has("tls.key")) errs.push(required(dataPath.key("tls.key")));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: JsonObject, old: JsonObject): FieldError[] {
  // An unset type is the default, Opaque.
  const type = str(secret.type) ?? "Opaque";
  const oldType = str(old.type) ?? "Opaque";
  const errs = [...validateObjectMetaUpdate(secret.metadata, old.metadata), ...validateImmutable(type, oldType, FieldPath.of("type"))];
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(forbidden("immutable", immutableMessage));
    const folded = (s: JsonObject): JsonObject => {
      const data: JsonObject = { ...obj(s.data) };
      for (const [key, value] of Object.entries(obj(s.stringData))) data[key] = Buffer.from(text(value)).toString("base64");
      return data;
    };
    if (!jsonEqual(folded(secret), folded(old))) errs.push(forbidden("data", immutableMessage));
  }
  errs.push(...validateSecret(secret));
  return errs;
}
