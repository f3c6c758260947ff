// What exists from the first start: the system namespaces, the `kubernetes`
// Service in default, the default IngressClass `skiff` and the system
// PriorityClasses. Idempotent:
// present objects are kept.
import type { Registry } from "./registry/lookup.ts";
import type { ApiObject } from "./registry/strategy.ts";
import { ApiError } from "./status.ts";
import type { UserInfo } from "./admission/admission.ts";
import { systemPriorityClasses } from "./admission/priority.ts";

const system: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };

export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The first address of the service CIDR belongs to the `kubernetes` Service. */
export const kubernetesServiceIP = "10.43.0.1";

async function ensure(registry: Registry, plural: string, namespace: string, obj: ApiObject): Promise<void> {
  const rest = registry.rest("", "v1", plural)!;
  try {
    await rest.create(namespace, obj, { dryRun: false, user: system });
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
  }
}

export async function bootstrap(registry: Registry, apiServerAddress: { ip: string; port: number }): Promise<void> {
  for (const name of systemNamespaces) {
    await ensure(registry, "namespaces", "", { metadata: { name } });
  }
  await ensure(registry, "services", "default", {
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      type: "ClusterIP",
      clusterIP: kubernetesServiceIP,
      clusterIPs: [kubernetesServiceIP],
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: apiServerAddress.port }],
      sessionAffinity: "None",
    },
  });
  // The class the node's ingress (src/ingress, controller "skiff.dev/ingress") serves; Ingresses without a class belong to it.
  const defaultIngressClass = {
    metadata: { name: "skiff", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
    spec: { controller: "skiff.dev/ingress" },
  };
  try {
    await registry.rest("networking.k8s.io", "v1", "ingressclasses")!.create("", defaultIngressClass, { dryRun: false, user: system });
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
  }
  for (const priorityClass of systemPriorityClasses) {
    try {
      await registry.rest("scheduling.k8s.io", "v1", "priorityclasses")!.create("", structuredClone(priorityClass) as unknown as ApiObject, { dryRun: false, user: system });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    }
  }
  // Endpoints may not point into 127.0.0.0/8 (pods could not reach it): a
  // server bound to loopback only publishes the Service.
  if (apiServerAddress.ip.startsWith("127.") || apiServerAddress.ip === "::1") return;
  await ensure(registry, "endpoints", "default", {
    metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: apiServerAddress.ip }], ports: [{ name: "https", port: apiServerAddress.port, protocol: "TCP" }] }],
  });
  // The same address as an EndpointSlice, which is what proxies read; the slice controller leaves selectorless Services alone.
  try {
    await registry.rest("discovery.k8s.io", "v1", "endpointslices")!.create(
      "default",
      {
        metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
        addressType: "IPv4",
        endpoints: [{ addresses: [apiServerAddress.ip], conditions: { ready: true } }],
        ports: [{ name: "https", port: apiServerAddress.port, protocol: "TCP" }],
      },
      { dryRun: false, user: system },
    );
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
  }
}
