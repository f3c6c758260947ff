// Subresources beyond status: scale, pods/binding, pods/eviction,
// namespaces/finalize.
import type { ResourceRest } from "./rest/resource-rest.ts";
import type { ApiObject } from "./registry/strategy.ts";
import type { ResourceRequest } from "./request-info.ts";
import { deleteOptions, header, readObject, writeOptions, type HttpExchange, type SubresourceHandlers } from "./handler.ts";
import { ApiError, badRequest, conflict, methodNotAllowed } from "./status.ts";
import { applyPatch, parsePatch, patchTypeOf } from "./patch-body.ts";
import { labelSelectorFromObject } from "../api/label-selector.ts";
import { timestamp } from "./rest/object-meta.ts";
import type { Registry } from "./registry/lookup.ts";
import { tokenRequestHandler, type ServiceAccountTokens } from "./service-account-token.ts";

interface Replicated {
  spec?: { replicas?: number; selector?: unknown };
  status?: { replicas?: number };
}

function selectorString(selector: unknown): string {
  if (selector === undefined || selector === null) return "";
  const s = selector as Record<string, unknown>;
  // ReplicationControllers have a plain map selector; the apps kinds a LabelSelector.
  const isMap = !("matchLabels" in s) && !("matchExpressions" in s);
  return labelSelectorFromObject((isMap ? { matchLabels: s } : s) as never).toString();
}

function toScale(obj: ApiObject) {
  const r = obj as Replicated;
  const m = obj.metadata ?? {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: r.spec?.replicas ?? 0 },
    status: { replicas: r.status?.replicas ?? 0, selector: selectorString(r.spec?.selector) },
  };
}

function wantedReplicas(scale: unknown, name: string): number {
  const replicas = (scale as { spec?: { replicas?: unknown } }).spec?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, "Invalid", `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, {
      name,
      group: "autoscaling",
      kind: "Scale",
      causes: [{ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, field: "spec.replicas" }],
    });
  }
  return replicas;
}

async function scale(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> {
  const { namespace, name } = req;
  const opts = writeOptions(ex, "scale");
  switch (req.verb) {
    case "get":
      return ex.reply(200, toScale(await rest.get(namespace, name, ex.query.get("resourceVersion"))));
    case "update": {
      const body = await readObject(ex);
      const wantVersion = body.metadata?.resourceVersion;
      const updated = await rest.modify(namespace, name, "main", opts, (current) => {
        if (wantVersion && wantVersion !== current.metadata?.resourceVersion) throw conflict(rest.target(name), "the object has been modified; please apply your changes to the latest version and try again");
        (current as Replicated).spec = { ...(current as Replicated).spec, replicas: wantedReplicas(body, name) };
        return current;
      });
      return ex.reply(200, toScale(updated));
    }
    case "patch": {
      const type = patchTypeOf(header(ex, "content-type"));
      if (type === "apply") throw badRequest("apply patches are not supported on the scale subresource");
      const body = parsePatch(type, await ex.body());
      const updated = await rest.modify(namespace, name, "main", opts, (current) => {
        // Scale has no lists: a strategic merge patch is a merge patch.
        const patched = applyPatch(rest.info, type === "strategic" ? "merge" : type, toScale(current) as ApiObject, body);
        (current as Replicated).spec = { ...(current as Replicated).spec, replicas: wantedReplicas(patched, name) };
        return current;
      });
      return ex.reply(200, toScale(updated));
    }
    default:
      throw methodNotAllowed();
  }
}

const success = (code: number) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code });

async function binding(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> {
  if (req.verb !== "create") throw methodNotAllowed();
  const body = (await readObject(ex)) as { target?: { name?: string; kind?: string }; metadata?: { name?: string } };
  const node = body.target?.name;
  if (!node) throw new ApiError(422, "Invalid", `Binding "${req.name}" is invalid: target.name: Required value`);
  // Like upstream's binding storage, which updates the pod below the field manager: binding adds no
  // managedFields entry, so a scheduled pod carries only its creator's and the kubelet's.
  const opts = { ...writeOptions(ex, "binding"), managedFieldsApplied: true };
  await rest.modify(req.namespace, req.name, "subresource", opts, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp) throw conflict(rest.target(req.name), `pod ${req.name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw conflict(rest.target(req.name), `pod ${req.name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    const status = (pod.status ??= {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: string | null }[] };
    const conditions = (status.conditions ??= []);
    const scheduled = { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: timestamp(new Date()) };
    const i = conditions.findIndex((c) => c.type === "PodScheduled");
    if (i >= 0) conditions[i] = scheduled;
    else conditions.push(scheduled);
    return pod;
  }, false);
  ex.reply(201, success(201));
}

interface Budget {
  spec?: { selector?: unknown };
  status?: { disruptionsAllowed?: number };
}

function evictionHandler(registry: Registry) {
  return async (rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> => {
    if (req.verb !== "create") throw methodNotAllowed();
    const body = (await readObject(ex)) as { deleteOptions?: Record<string, unknown> };
    const pod = await rest.get(req.namespace, req.name, null);
    const pdbs = registry.rest("policy", "v1", "poddisruptionbudgets");
    if (pdbs !== undefined && pod.status && (pod.status as { phase?: string }).phase === "Running") {
      const budgets = await pdbs.list(req.namespace, { matches: () => true, isEmpty: () => true }, {});
      for (const b of budgets.items as Budget[]) {
        const selector = b.spec?.selector ? labelSelectorFromObject(b.spec.selector as never) : undefined;
        if (selector === undefined || !selector.matches(pod.metadata?.labels ?? {})) continue;
        if ((b.status?.disruptionsAllowed ?? 0) < 1) {
          throw new ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
            causes: [{ reason: "DisruptionBudget", message: `The disruption budget ${(b as ApiObject).metadata?.name} needs more healthy pods` }],
          });
        }
      }
    }
    const opts = await deleteOptionsFrom(ex, body.deleteOptions);
    await rest.delete(req.namespace, req.name, opts);
    ex.reply(201, success(201));
  };
}

async function deleteOptionsFrom(ex: HttpExchange, options: Record<string, unknown> | undefined) {
  const opts = await deleteOptions({ ...ex, body: async () => Buffer.alloc(0) });
  if (options?.["gracePeriodSeconds"] !== undefined) opts.gracePeriodSeconds = Number(options["gracePeriodSeconds"]);
  if (Array.isArray(options?.["dryRun"])) opts.dryRun = (options["dryRun"] as unknown[]).includes("All");
  return opts;
}

async function finalize(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> {
  if (req.verb !== "update") throw methodNotAllowed();
  const body = (await readObject(ex)) as { spec?: { finalizers?: string[] } };
  const updated = await rest.modify(req.namespace, req.name, "subresource", writeOptions(ex, "finalize"), (ns) => {
    const spec = (ns.spec ??= {}) as { finalizers?: string[] };
    const finalizers = body.spec?.finalizers ?? [];
    if (finalizers.length > 0) spec.finalizers = finalizers;
    else delete spec.finalizers;
    return ns;
  }, false);
  ex.reply(200, updated);
}

/** Without a token signer, serviceaccounts/<n>/token is not served. */
export function subresourceHandlers(registry: Registry, serviceAccountTokens?: ServiceAccountTokens): SubresourceHandlers {
  return {
    "apps/deployments/scale": scale,
    "apps/replicasets/scale": scale,
    "apps/statefulsets/scale": scale,
    "/replicationcontrollers/scale": scale,
    "/pods/binding": binding,
    "/pods/eviction": evictionHandler(registry),
    "/namespaces/finalize": finalize,
    ...(serviceAccountTokens === undefined ? {} : { "/serviceaccounts/token": tokenRequestHandler(serviceAccountTokens, registry) }),
  };
}
