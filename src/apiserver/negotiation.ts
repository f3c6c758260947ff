// Content negotiation: what the client accepts (JSON, Table, aggregated
// discovery) and how to read the body it sent.
import { parse as parseYaml } from "yaml";
import { decodeKubernetesProtobuf, ProtobufDecodeError } from "./protobuf/index.ts";
import { ApiError, badRequest } from "./status.ts";

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: "*/*", params: {} }];
  return header.split(",").map((part) => {
    const [type = "", ...params] = part.split(";").map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf("=");
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

export type Rendering = { kind: "json" } | { kind: "table"; version: "v1" | "v1beta1" };

/** JSON or a meta.k8s.io Table, in the client's order of preference; 406 if neither. */
export function chooseRendering(accept: string | undefined, tableAllowed: boolean): Rendering {
  for (const m of parseAccept(accept)) {
    if (m.params["as"] === "Table") {
      if (!tableAllowed || m.params["g"] !== "meta.k8s.io") continue;
      if (m.params["v"] === "v1" || m.params["v"] === "v1beta1") return { kind: "table", version: m.params["v"] };
      continue;
    }
    if (m.params["as"] !== undefined) continue;
    if (["application/json", "*/*", "application/*", "application/vnd.kubernetes.protobuf", "application/yaml"].includes(m.type)) {
      return { kind: "json" };
    }
  }
  throw new ApiError(406, "NotAcceptable", "the server was unable to respond with a content type that the client supports");
}

export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  for (const m of parseAccept(accept)) {
    if (m.params["as"] === "APIGroupDiscoveryList" && m.params["g"] === "apidiscovery.k8s.io" && m.params["v"] === "v2") return true;
    if (m.params["as"] === undefined) return false;
  }
  return false;
}

export const maxBodyBytes = 3 * 1024 * 1024;

const bodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Decodes a create/update body; a missing Content-Type is JSON (kubectl's scale sends none). */
export function decodeBody(contentType: string | undefined, body: Buffer): unknown {
  const type = mediaType(contentType);
  switch (type) {
    case "":
    case "application/json":
    case "*/*":
      return parseJson(body);
    case "application/yaml":
      return parseYamlBody(body);
    case "application/vnd.kubernetes.protobuf":
      try {
        const { apiVersion, kind, object } = decodeKubernetesProtobuf(body);
        return { ...object, apiVersion, kind };
      } catch (e) {
        if (e instanceof ProtobufDecodeError) {
          throw new ApiError(415, "UnsupportedMediaType", `the body of the request could not be decoded as protobuf: ${e.message}`);
        }
        throw e;
      }
    default:
      throw unsupportedMediaType(bodyTypes);
  }
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw badRequest(`json: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString("utf8"));
  } catch (e) {
    throw badRequest(`yaml: ${e instanceof Error ? e.message : String(e)}`);
  }
}
