// Applies a PATCH body of any of the four patch types to the current object.
import { applyJsonPatch } from "../api/patch/json-patch.ts";
import { applyMergePatch } from "../api/patch/merge-patch.ts";
import { applyStrategicMergePatch, patchMetaFor } from "../api/patch/strategic-merge-patch.ts";
import type { ResourceInfo } from "../api/registry.ts";
import type { ApiObject } from "./registry/strategy.ts";
import { ApiError, badRequest } from "./status.ts";
import { mediaType, parseJson, parseYamlBody, unsupportedMediaType } from "./negotiation.ts";

export type PatchType = "json" | "merge" | "strategic" | "apply";

const patchTypes: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+cbor": "apply",
};

export function patchTypeOf(contentType: string | undefined): PatchType {
  const t = patchTypes[mediaType(contentType)];
  if (t === undefined) throw unsupportedMediaType(Object.keys(patchTypes).filter((k) => !k.endsWith("cbor")));
  return t;
}

export function parsePatch(type: PatchType, body: Buffer): unknown {
  return type === "apply" ? parseYamlBody(body) : parseJson(body);
}

/** The patched object; errors are 422 (upstream answers a patch that cannot apply with Invalid) or 400. */
export function applyPatch(info: ResourceInfo, type: Exclude<PatchType, "apply">, current: ApiObject, patch: unknown): ApiObject {
  try {
    switch (type) {
      case "json":
        return applyJsonPatch(current, patch) as ApiObject;
      case "merge":
        if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw badRequest("a merge patch must be a JSON object");
        return applyMergePatch(current, patch) as ApiObject;
      case "strategic": {
        const meta = patchMetaFor(info.group, info.version, info.kind);
        if (meta === undefined) {
          throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
        }
        if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw badRequest("a strategic merge patch must be a JSON object");
        return applyStrategicMergePatch(current, patch, meta) as ApiObject;
      }
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new ApiError(422, "Invalid", message);
  }
}
