// ServiceAccount admission (upstream plugin "ServiceAccount"), for pod
// creation: a pod without spec.serviceAccountName gets "default"; the
// account must exist (the "default" one is looked for a few more times, as
// the ServiceAccount controller creates it right after its namespace);
// unless the pod or the account opts out of automounting, every container
// and init container mounts a projected kube-api-access-<suffix> volume
// (a bound token, the cluster CA, the namespace) at
// /var/run/secrets/kubernetes.io/serviceaccount.
import { randomInt } from "node:crypto";
import type { Container, Pod, ServiceAccount, Volume } from "kubernetes-types/core/v1";
import { ApiError } from "../status.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission.ts";

export const defaultServiceAccountName = "default";
export const tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
const volumePrefix = "kube-api-access-";
const mirrorPodAnnotation = "kubernetes.io/config.mirror";
// Upstream's generated-name alphabet: no vowels, no look-alike characters.
const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

export interface ServiceAccountAdmissionOptions {
  /** The account, or undefined when it does not exist. */
  lookup(namespace: string, name: string): Promise<ServiceAccount | undefined>;
  /**
   * "require" (upstream): refuse pods whose account does not exist.
   * "ifPresent": admit them unchanged but for the account name (a server
   * without the controllers that create accounts).
   */
  mode: "require" | "ifPresent";
  /** Looks for the "default" account this many times in all (upstream: 10). */
  defaultAttempts?: number;
  /** Pause between looks: base plus up to base again at random (upstream: 100-200 ms). */
  retryDelayMs?: number;
  randomSuffix?: () => string;
}

export function randomNameSuffix(): string {
  return Array.from({ length: 5 }, () => suffixAlphabet[randomInt(suffixAlphabet.length)]).join("");
}

export function serviceAccountAdmission(options: ServiceAccountAdmissionOptions): AdmissionPlugin {
  const attempts = options.defaultAttempts ?? 10;
  const delay = options.retryDelayMs ?? 100;
  const suffix = options.randomSuffix ?? randomNameSuffix;

  async function find(namespace: string, name: string): Promise<ServiceAccount | undefined> {
    // Waiting only helps where a controller is about to create the account.
    const tries = name === defaultServiceAccountName && options.mode === "require" ? attempts : 1;
    for (let i = 0; i < tries; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, delay + Math.floor(Math.random() * delay)));
      const account = await options.lookup(namespace, name);
      if (account !== undefined) return account;
    }
    return undefined;
  }

  return {
    name: "ServiceAccount",
    async admit(a: AdmissionAttributes) {
      if (a.operation !== "CREATE" || a.subresource !== "" || a.resource.group !== "" || a.resource.plural !== "pods" || a.object === undefined) return;
      const pod = a.object as Pod;
      const spec = (pod.spec ??= { containers: [] });
      // The kubelet owns mirror pods' specs; changing them makes it delete and re-create them.
      if (pod.metadata?.annotations?.[mirrorPodAnnotation] !== undefined) {
        if (spec.serviceAccountName) throw forbidden(a, "a mirror pod may not reference service accounts");
        return;
      }
      spec.serviceAccountName ||= defaultServiceAccountName;
      const account = await find(a.namespace, spec.serviceAccountName);
      if (account === undefined) {
        if (options.mode === "ifPresent") return;
        throw forbidden(a, `error looking up service account ${a.namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
      }
      if ((spec.imagePullSecrets ?? []).length === 0 && (account.imagePullSecrets ?? []).length > 0) spec.imagePullSecrets = account.imagePullSecrets!.map((s) => ({ ...s }));
      if ((spec.automountServiceAccountToken ?? account.automountServiceAccountToken ?? true) === false) return;
      mountToken(spec, suffix);
    },
  };
}

/** Adds the projected volume (once) and its mount to every container without something mounted at the token path already. */
export function mountToken(spec: NonNullable<Pod["spec"]>, suffix: () => string): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(volumePrefix) && v.projected !== undefined);
  const name = existing?.name ?? `${volumePrefix}${suffix()}`;
  let mounted = false;
  const mountInto = (containers: Container[] | undefined) => {
    for (const container of containers ?? []) {
      if ((container.volumeMounts ?? []).some((m) => m.mountPath === tokenMountPath)) continue;
      container.volumeMounts = [...(container.volumeMounts ?? []), { name, readOnly: true, mountPath: tokenMountPath }];
      mounted = true;
    }
  };
  mountInto(spec.initContainers);
  mountInto(spec.containers);
  if (mounted && existing === undefined) spec.volumes = [...(spec.volumes ?? []), tokenVolume(name)];
}

export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    },
  };
}

function forbidden(a: AdmissionAttributes, why: string): ApiError {
  return new ApiError(403, "Forbidden", `pods "${a.name}" is forbidden: ${why}`, { name: a.name, kind: "pods" });
}
