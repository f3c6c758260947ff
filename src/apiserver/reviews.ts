// The create-only review resources: nothing is stored, the answer is computed
// from the request. authorization.k8s.io access and rules reviews (what
// `kubectl auth can-i` asks) and authentication.k8s.io self and token reviews
// (`kubectl auth whoami`).
import type { ResourceRequest } from "./request-info.ts";
import type { HttpExchange } from "./handler.ts";
import { readObject } from "./handler.ts";
import type { Authorizer, AuthorizationAttributes } from "./authz.ts";
import type { Authenticator } from "./authn.ts";
import type { UserInfo } from "./admission/admission.ts";
import { badRequest, methodNotAllowed } from "./status.ts";

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

function userInfoJson(u: UserInfo) {
  const out: Record<string, unknown> = { username: u.name, groups: u.groups };
  if (u.uid) out["uid"] = u.uid;
  if (u.extra) out["extra"] = u.extra;
  return out;
}

function accessAttributes(user: UserInfo, spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } }): AuthorizationAttributes {
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    return {
      user,
      verb: r.verb ?? "",
      resource: { group: r.group ?? "", version: r.version ?? "", resource: r.resource ?? "", subresource: r.subresource ?? "", namespace: r.namespace ?? "", name: r.name ?? "" },
    };
  }
  if (spec.nonResourceAttributes) return { user, verb: spec.nonResourceAttributes.verb ?? "", path: spec.nonResourceAttributes.path ?? "" };
  throw badRequest("exactly one of nonResourceAttributes or resourceAttributes must be specified");
}

/** True when the request is for a review resource this module answers. */
export function isReview(req: ResourceRequest): boolean {
  return (
    (req.group === "authorization.k8s.io" &&
      ["selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "localsubjectaccessreviews"].includes(req.resource)) ||
    (req.group === "authentication.k8s.io" && ["selfsubjectreviews", "tokenreviews"].includes(req.resource))
  );
}

export async function handleReview(req: ResourceRequest, ex: HttpExchange, authorizer: Authorizer, authenticator: Authenticator): Promise<void> {
  if (req.verb !== "create" || req.name !== "") throw methodNotAllowed();
  const body = (await readObject(ex)) as Record<string, unknown> & { spec?: Record<string, unknown> };
  const spec = (body.spec ?? {}) as Record<string, unknown>;
  const base = { ...body, apiVersion: `${req.group}/${req.version}`, metadata: { ...((body["metadata"] as object) ?? {}), creationTimestamp: null } };
  switch (req.resource) {
    case "selfsubjectaccessreviews":
    case "subjectaccessreviews":
    case "localsubjectaccessreviews": {
      const user: UserInfo =
        req.resource === "selfsubjectaccessreviews"
          ? ex.user
          : { name: String(spec["user"] ?? ""), groups: (spec["groups"] as string[] | undefined) ?? [], uid: spec["uid"] as string | undefined };
      const attrs = accessAttributes(user, spec as never);
      if (req.resource === "localsubjectaccessreviews" && attrs.resource) attrs.resource.namespace = req.namespace;
      const decision = await authorizer.authorize(attrs);
      const status: Record<string, unknown> = { allowed: decision.allowed };
      if (decision.reason) status["reason"] = decision.reason;
      if (!decision.allowed) status["denied"] = false;
      return ex.reply(201, { ...base, status });
    }
    case "selfsubjectrulesreviews": {
      // With allow-all authorization every verb on everything is allowed.
      const allowed = (await authorizer.authorize({ user: ex.user, verb: "*", resource: { group: "*", version: "*", resource: "*", subresource: "", namespace: String(spec["namespace"] ?? ""), name: "" } })).allowed;
      const status = allowed
        ? { resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }], incomplete: false }
        : { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: "rules are not known" };
      return ex.reply(201, { ...base, status });
    }
    case "selfsubjectreviews":
      return ex.reply(201, { ...base, status: { userInfo: userInfoJson(ex.user) } });
    case "tokenreviews": {
      const token = String(spec["token"] ?? "");
      const user = token === "" ? undefined : authenticator.authenticate(undefined, `Bearer ${token}`);
      const status = user ? { authenticated: true, user: userInfoJson(user), audiences: spec["audiences"] } : { authenticated: false, error: "invalid bearer token" };
      return ex.reply(201, { ...base, status });
    }
  }
  throw methodNotAllowed();
}
