// The files a configMap, secret or downwardAPI volume (or projected source)
// shows, built from the objects it refers to. Pure: the caller fetches.
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from "kubernetes-types/core/v1";
import { containerResourceValue, type ResourceAmounts } from "../env/container-resource.ts";
import { DownwardApiError } from "../env/env-errors.ts";
import { metadataFieldValue } from "../env/pod-field.ts";
import type { Payload } from "./atomic-writer.ts";
import { VolumeSourceError } from "./volume-errors.ts";

/** The mode of files in configMap, secret, downwardAPI and projected volumes unless told otherwise (0644). */
export const DEFAULT_FILE_MODE = 0o644;

export function configMapPayload(configMap: ConfigMap, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const values = new Map<string, Buffer>();
  for (const [key, text] of Object.entries(configMap.data ?? {})) values.set(key, Buffer.from(text, "utf8"));
  for (const [key, base64] of Object.entries(configMap.binaryData ?? {})) values.set(key, Buffer.from(base64, "base64"));
  return keyedPayload(values, items, defaultMode, optional, (key) => `configmap references non-existent config key: ${key}`);
}

export function secretPayload(secret: Secret, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const values = new Map<string, Buffer>();
  for (const [key, base64] of Object.entries(secret.data ?? {})) values.set(key, Buffer.from(base64, "base64"));
  return keyedPayload(values, items, defaultMode, optional, (key) => `references non-existent secret key: ${key}`);
}

function keyedPayload(values: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean, missing: (key: string) => string): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [key, content] of values) payload.set(key, { content, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const content = values.get(item.key);
    if (content === undefined) {
      if (optional) continue;
      throw new VolumeSourceError(missing(item.key));
    }
    payload.set(item.path, { content, mode: item.mode ?? defaultMode });
  }
  return payload;
}

export function downwardApiPayload(pod: Pod, items: DownwardAPIVolumeFile[], defaultMode: number, nodeAllocatable?: ResourceAmounts): Payload {
  const payload: Payload = new Map();
  for (const item of items) {
    let text: string;
    try {
      if (item.fieldRef) text = metadataFieldValue(pod, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) text = containerResourceValue(containerNamed(pod, item.resourceFieldRef.containerName ?? ""), item.resourceFieldRef, nodeAllocatable);
      else continue;
    } catch (e) {
      if (e instanceof DownwardApiError) throw new VolumeSourceError(e.message, { cause: e });
      throw e;
    }
    payload.set(item.path, { content: Buffer.from(text, "utf8"), mode: item.mode ?? defaultMode });
  }
  return payload;
}

function containerNamed(pod: Pod, name: string) {
  const found = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
  if (!found) throw new VolumeSourceError(`container ${JSON.stringify(name)} not found in pod for resourceFieldRef`);
  return found;
}

/** Merges projected sources; a path two sources claim is an error, as upstream reports it. */
export function mergePayloads(parts: Payload[]): Payload {
  const merged: Payload = new Map();
  for (const part of parts) {
    for (const [path, file] of part) {
      if (merged.has(path)) throw new VolumeSourceError(`conflicting projected path: ${path}`);
      merged.set(path, file);
    }
  }
  return merged;
}
