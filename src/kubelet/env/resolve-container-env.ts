// A container's environment as the kubelet hands it to the runtime: envFrom
// sources first, then env entries in order, each literal value expanded
// against the variables defined before it. Service links (FOO_SERVICE_HOST
// and friends) are not generated.
import type { ConfigMap, Container, EnvVar, EnvVarSource, Pod, Secret } from "kubernetes-types/core/v1";
import type { KeyValue } from "../runtime/runtime.ts";
import { containerResourceValue, type ResourceAmounts } from "./container-resource.ts";
import { ContainerConfigError, DownwardApiError } from "./env-errors.ts";
import { expandVariables } from "./expand-variables.ts";
import { podFieldValue } from "./pod-field.ts";

export interface EnvLookups {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  nodeName: string;
  hostIP: string;
  hostIPs?: string[];
  podIPs: string[];
  /** Stands in for a container's missing cpu, memory or ephemeral-storage limit. */
  nodeAllocatable?: ResourceAmounts;
  /** Told about envFrom keys skipped as invalid names (upstream's InvalidEnvironmentVariableNames event). */
  onInvalidKeys?(reason: "InvalidEnvironmentVariableNames", message: string): void;
}

// Upstream's relaxed rule (the default since v1.32): printable ASCII other than '='.
const ENV_VAR_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

export async function resolveContainerEnv(pod: Pod, container: Container, lookups: EnvLookups): Promise<KeyValue[]> {
  const namespace = pod.metadata?.namespace ?? "";
  const sources = new SourceCache(namespace, lookups);
  const defined = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    let data: Record<string, string> | undefined;
    let described: string;
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? "";
      described = `configMap ${namespace}/${name}`;
      data = (await sources.configMap(name, from.configMapRef.optional === true))?.data ?? {};
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? "";
      described = `secret ${namespace}/${name}`;
      data = decodeSecretData(await sources.secret(name, from.secretRef.optional === true));
    } else {
      continue;
    }
    const invalidKeys: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const name = prefix + key;
      if (!ENV_VAR_NAME.test(name)) {
        invalidKeys.push(name);
        continue;
      }
      defined.set(name, value);
    }
    if (invalidKeys.length > 0) {
      lookups.onInvalidKeys?.(
        "InvalidEnvironmentVariableNames",
        `Keys [${invalidKeys.sort().join(", ")}] from the EnvFrom ${described} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  for (const entry of container.env ?? []) {
    const value = await entryValue(entry, pod, container, lookups, sources, defined);
    if (value !== undefined) defined.set(entry.name, value);
  }
  return [...defined].map(([key, value]) => ({ key, value }));
}

/** The container's command and args with `$(VAR)` references to its environment expanded. */
export function expandContainerCommand(container: Container, env: KeyValue[]): { command: string[]; args: string[] } {
  const values = new Map(env.map(({ key, value }) => [key, value]));
  const expand = (text: string) => expandVariables(text, (name) => values.get(name));
  return { command: (container.command ?? []).map(expand), args: (container.args ?? []).map(expand) };
}

// undefined: an optional reference to something absent, so the variable is not set at all.
async function entryValue(
  entry: EnvVar,
  pod: Pod,
  container: Container,
  lookups: EnvLookups,
  sources: SourceCache,
  defined: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  const from: EnvVarSource | undefined = entry.valueFrom;
  if (entry.value !== undefined && entry.value !== "") return expandVariables(entry.value, (name) => defined.get(name));
  if (!from) return "";
  const namespace = pod.metadata?.namespace ?? "";
  if (from.fieldRef) return downward(() => podFieldValue(pod, from.fieldRef?.fieldPath ?? "", lookups));
  if (from.resourceFieldRef) {
    const selector = from.resourceFieldRef;
    const target = selector.containerName ? findContainer(pod, selector.containerName) : container;
    return downward(() => containerResourceValue(target, selector, lookups.nodeAllocatable));
  }
  if (from.configMapKeyRef) {
    const { name = "", key, optional = false } = from.configMapKeyRef;
    const configMap = await sources.configMap(name, optional);
    if (!configMap) return undefined;
    const value = configMap.data?.[key];
    if (value !== undefined) return value;
    if (optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
  }
  if (from.secretKeyRef) {
    const { name = "", key, optional = false } = from.secretKeyRef;
    const secret = await sources.secret(name, optional);
    if (!secret) return undefined;
    const value = decodeSecretData(secret)[key];
    if (value !== undefined) return value;
    if (optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
  }
  return "";
}

function downward(read: () => string): string {
  try {
    return read();
  } catch (e) {
    if (e instanceof DownwardApiError) throw new ContainerConfigError(e.message, { cause: e });
    throw e;
  }
}

function findContainer(pod: Pod, name: string): Container {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const found = all.find((c) => c.name === name);
  if (!found) throw new ContainerConfigError(`container ${name} not found in pod ${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`);
  return found;
}

/** A Secret's values as text (the API carries them base64-encoded). */
export function decodeSecretData(secret: Secret | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret?.data ?? {})) decoded[key] = Buffer.from(value, "base64").toString("utf8");
  return decoded;
}

// Reads each ConfigMap and Secret once per container, and words a missing one as upstream does.
class SourceCache {
  private readonly configMaps = new Map<string, Promise<ConfigMap | undefined>>();
  private readonly secrets = new Map<string, Promise<Secret | undefined>>();

  constructor(
    private readonly namespace: string,
    private readonly lookups: EnvLookups,
  ) {}

  async configMap(name: string, optional: boolean): Promise<ConfigMap | undefined> {
    let pending = this.configMaps.get(name);
    if (!pending) {
      pending = this.lookups.configMap(this.namespace, name).catch((e: unknown) => {
        throw new ContainerConfigError(`couldn't get configMap ${this.namespace}/${name}: ${(e as Error).message}`, { cause: e });
      });
      this.configMaps.set(name, pending);
    }
    const found = await pending;
    if (!found && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
    return found;
  }

  async secret(name: string, optional: boolean): Promise<Secret | undefined> {
    let pending = this.secrets.get(name);
    if (!pending) {
      pending = this.lookups.secret(this.namespace, name).catch((e: unknown) => {
        throw new ContainerConfigError(`couldn't get secret ${this.namespace}/${name}: ${(e as Error).message}`, { cause: e });
      });
      this.secrets.set(name, pending);
    }
    const found = await pending;
    if (!found && !optional) throw new ContainerConfigError(`secret "${name}" not found`);
    return found;
  }
}
