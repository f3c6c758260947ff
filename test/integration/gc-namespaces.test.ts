// The garbage collector, namespace controller, ServiceAccount controller and
// root-CA publisher inside a real `skiff server` (its own controller manager),
// driven through kubectl and observed through the API. No scheduler or node:
// pods stay unbound, so deleting them takes no grace period.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { ConfigMap, Namespace, Pod, ServiceAccount } from "kubernetes-types/core/v1";
import { hasReason } from "../../src/client/errors.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { eventually } from "../support/eventually.ts";

let server: TestServer;
let client: RestClient;

before(async () => {
  server = await startServer();
  client = await RestClient.fromKubeconfig(server.kubeconfig);
});

after(async () => {
  client.close();
  await server.stop();
});

async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(result.code, 0, `kubectl ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

async function gone(what: string, read: () => Promise<unknown>): Promise<void> {
  await eventually(what, async () => {
    try {
      await read();
      return undefined;
    } catch (e) {
      if (hasReason(e, "NotFound")) return true;
      throw e;
    }
  });
}

function deploymentYaml(namespace: string, name: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "localhost:5000/busybox" }] } } },
  });
}

const podsOf = async (namespace: string, app: string) => (await client.list<Pod>(inNamespace(resources.pods, namespace), { labelSelector: `app=${app}` })).items;
const replicaSetsOf = async (namespace: string, app: string) => (await client.list<ReplicaSet>(inNamespace(resources.replicaSets, namespace), { labelSelector: `app=${app}` })).items;

async function deploymentWithPods(namespace: string, name: string, replicas: number): Promise<Pod[]> {
  await kubectl(["apply", "-f", "-"], deploymentYaml(namespace, name, replicas));
  return eventually(`${replicas} pods of ${name}`, async () => {
    const pods = await podsOf(namespace, name);
    return pods.length === replicas ? pods : undefined;
  });
}

describe("cascading deletion", () => {
  const namespace = "cascade";
  before(async () => {
    await kubectl(["create", "namespace", namespace]);
  });

  test("background (kubectl's default) removes the ReplicaSet and its pods after the Deployment", async () => {
    await deploymentWithPods(namespace, "bg", 2);
    await kubectl(["delete", "deployment", "bg", "-n", namespace, "--cascade=background"]);
    await eventually("no ReplicaSets and pods of bg", async () => ((await replicaSetsOf(namespace, "bg")).length === 0 && (await podsOf(namespace, "bg")).length === 0 ? true : undefined));
  });

  test("foreground keeps the Deployment (deletionTimestamp, foregroundDeletion) until its pods and ReplicaSet are gone", async () => {
    const pods = await deploymentWithPods(namespace, "fg", 2);
    // A finalizer on one pod holds the cascade midway so the order can be observed.
    const held = pods[0]!.metadata!.name!;
    await client.patch(inNamespace(resources.pods, namespace), held, "merge", { metadata: { finalizers: ["example.com/hold"] } });
    await kubectl(["delete", "deployment", "fg", "-n", namespace, "--cascade=foreground", "--wait=false"]);
    const deployments = inNamespace(resources.deployments, namespace);
    const midway = await eventually("the held pod alone left, its owners waiting", async () => {
      const left = await podsOf(namespace, "fg");
      const sets = await replicaSetsOf(namespace, "fg");
      const deployment = await client.get<Deployment>(deployments, "fg");
      return left.length === 1 && sets.length === 1 && sets[0]!.metadata?.deletionTimestamp ? { left, sets, deployment } : undefined;
    });
    assert.equal(midway.left[0]!.metadata?.name, held);
    assert.ok(midway.left[0]!.metadata?.deletionTimestamp);
    assert.ok(midway.deployment.metadata?.deletionTimestamp);
    assert.ok(midway.deployment.metadata?.finalizers?.includes("foregroundDeletion"));
    assert.ok(midway.sets[0]!.metadata?.finalizers?.includes("foregroundDeletion"));
    await client.patch(inNamespace(resources.pods, namespace), held, "merge", { metadata: { finalizers: null } });
    await gone("the Deployment fg", () => client.get(deployments, "fg"));
    assert.equal((await replicaSetsOf(namespace, "fg")).length, 0);
    assert.equal((await podsOf(namespace, "fg")).length, 0);
  });

  test("orphan leaves the ReplicaSet without an owner reference, and its pods", async () => {
    await deploymentWithPods(namespace, "or", 2);
    await kubectl(["delete", "deployment", "or", "-n", namespace, "--cascade=orphan"]);
    await gone("the Deployment or", () => client.get(inNamespace(resources.deployments, namespace), "or"));
    const sets = await replicaSetsOf(namespace, "or");
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.metadata?.ownerReferences, undefined);
    const pods = await podsOf(namespace, "or");
    assert.equal(pods.length, 2);
    assert.ok(pods.every((pod) => pod.metadata?.ownerReferences?.[0]?.uid === sets[0]!.metadata?.uid));
  });

  test("a dependent of a re-created owner (same name, new uid) is collected; one with another live owner keeps it", async () => {
    const configMaps = inNamespace(resources.configMaps, namespace);
    const first = await client.create<ConfigMap>(configMaps, { metadata: { name: "owner" } });
    const second = await client.create<ConfigMap>(configMaps, { metadata: { name: "other-owner" } });
    const ref = (cm: ConfigMap) => ({ apiVersion: "v1", kind: "ConfigMap", name: cm.metadata!.name!, uid: cm.metadata!.uid! });
    await client.delete(configMaps, "owner");
    await client.create<ConfigMap>(configMaps, { metadata: { name: "owner" } });
    await client.create<ConfigMap>(configMaps, { metadata: { name: "lone", ownerReferences: [ref(first)] } });
    await client.create<ConfigMap>(configMaps, { metadata: { name: "shared", ownerReferences: [ref(first), ref(second)] } });
    await gone("the dependent of the old owner", () => client.get(configMaps, "lone"));
    const shared = await eventually("the dangling reference patched out", async () => {
      const cm = await client.get<ConfigMap>(configMaps, "shared");
      return cm.metadata?.ownerReferences?.length === 1 ? cm : undefined;
    });
    assert.equal(shared.metadata?.ownerReferences?.[0]?.uid, second.metadata!.uid);
  });

  test("a cluster-scoped owner collects its namespaced dependents", async () => {
    const owner = await client.create<Namespace>(resources.namespaces, { metadata: { name: "owner-ns" } });
    const configMaps = inNamespace(resources.configMaps, namespace);
    await client.create<ConfigMap>(configMaps, { metadata: { name: "owned-by-ns", ownerReferences: [{ apiVersion: "v1", kind: "Namespace", name: "owner-ns", uid: owner.metadata!.uid! }] } });
    await kubectl(["delete", "namespace", "owner-ns"]);
    await gone("the dependent of the namespace", () => client.get(configMaps, "owned-by-ns"));
  });
});

describe("namespaces", () => {
  test("a new namespace gets the default ServiceAccount and kube-root-ca.crt with the cluster CA", async () => {
    await kubectl(["create", "namespace", "fresh"]);
    const kubeconfig = parseYaml(await readFile(server.kubeconfig, "utf8")) as { clusters: Array<{ cluster: Record<string, string> }> };
    const ca = Buffer.from(kubeconfig.clusters[0]!.cluster["certificate-authority-data"]!, "base64").toString("utf8");
    const sa = await eventually("the default ServiceAccount", () => client.get<ServiceAccount>(inNamespace(resources.serviceAccounts, "fresh"), "default"));
    assert.equal(sa.metadata?.name, "default");
    const configMaps = inNamespace(resources.configMaps, "fresh");
    const cm = await eventually("kube-root-ca.crt", () => client.get<ConfigMap>(configMaps, "kube-root-ca.crt"));
    assert.equal(cm.data?.["ca.crt"], ca);
    // Edited or deleted, both come back.
    await client.patch(configMaps, "kube-root-ca.crt", "merge", { data: { "ca.crt": "tampered" } });
    await eventually("the CA restored", async () => ((await client.get<ConfigMap>(configMaps, "kube-root-ca.crt")).data?.["ca.crt"] === ca ? true : undefined));
    await client.delete(configMaps, "kube-root-ca.crt");
    await eventually("kube-root-ca.crt re-created", async () => ((await client.get<ConfigMap>(configMaps, "kube-root-ca.crt")).data?.["ca.crt"] === ca ? true : undefined));
    await client.delete(inNamespace(resources.serviceAccounts, "fresh"), "default");
    await eventually("the default ServiceAccount re-created", async () => {
      const again = await client.get<ServiceAccount>(inNamespace(resources.serviceAccounts, "fresh"), "default");
      return again.metadata?.uid !== sa.metadata?.uid ? true : undefined;
    });
  });

  test("kubectl delete namespace empties it (Deployment, ConfigMaps, Secrets, a Service) and it goes", async () => {
    const namespace = "doomed";
    await kubectl(["create", "namespace", namespace]);
    await deploymentWithPods(namespace, "web", 2);
    await kubectl(["create", "configmap", "settings", "-n", namespace, "--from-literal=a=b"]);
    await kubectl(["create", "secret", "generic", "token", "-n", namespace, "--from-literal=t=x"]);
    await kubectl(["create", "service", "clusterip", "web", "-n", namespace, "--tcp=80:8080"]);
    const started = Date.now();
    await kubectl(["delete", "namespace", namespace, "--timeout=30s"]);
    const got = await server.kubectl(["get", "namespace", namespace]);
    assert.notEqual(got.code, 0);
    assert.match(got.stderr, /NotFound|not found/);
    assert.ok(Date.now() - started < 30_000);
    for (const resource of [resources.pods, resources.configMaps, resources.secrets, resources.services, resources.replicaSets, resources.deployments]) {
      assert.equal((await client.list(inNamespace(resource, namespace))).items.length, 0, resource.plural);
    }
  });

  test("a terminating namespace reports its deletion conditions while content with finalizers remains", async () => {
    const namespace = "lingering";
    await kubectl(["create", "namespace", namespace]);
    await client.create<ConfigMap>(inNamespace(resources.configMaps, namespace), { metadata: { name: "held", finalizers: ["example.com/hold"] } });
    await kubectl(["delete", "namespace", namespace, "--wait=false"]);
    const ns = await eventually("ContentRemaining True", async () => {
      const current = await client.get<Namespace>(resources.namespaces, namespace);
      return current.status?.conditions?.some((c) => c.type === "NamespaceContentRemaining" && c.status === "True") ? current : undefined;
    });
    assert.equal(ns.status?.phase, "Terminating");
    const byType = Object.fromEntries((ns.status?.conditions ?? []).map((c) => [c.type, c]));
    assert.equal(byType["NamespaceContentRemaining"]?.message, "Some resources are remaining: configmaps. has 1 resource instances");
    assert.equal(byType["NamespaceFinalizersRemaining"]?.message, "Some finalizers are remaining: example.com/hold in 1 resource instances");
    assert.equal(byType["NamespaceDeletionDiscoveryFailure"]?.status, "False");
    await client.patch(inNamespace(resources.configMaps, namespace), "held", "merge", { metadata: { finalizers: null } });
    await gone("the namespace lingering", () => client.get(resources.namespaces, namespace));
  });
});

describe("service accounts", () => {
  const namespace = "accounts";
  before(async () => {
    await kubectl(["create", "namespace", namespace]);
  });

  test("a pod created right after its namespace gets the default account and the kube-api-access volume", async () => {
    await kubectl(["run", "shell", "-n", namespace, "--image=localhost:5000/busybox", "--restart=Never"]);
    const pod = await client.get<Pod>(inNamespace(resources.pods, namespace), "shell");
    assert.equal(pod.spec?.serviceAccountName, "default");
    const volume = pod.spec?.volumes?.find((v) => v.name.startsWith("kube-api-access-"));
    assert.match(volume?.name ?? "", /^kube-api-access-[a-z0-9]{5}$/);
    assert.deepEqual(volume?.projected?.sources, [
      { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
    ]);
    assert.deepEqual(pod.spec?.containers[0]?.volumeMounts, [{ name: volume!.name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);
  });

  test("a pod naming a missing account is refused", async () => {
    const result = await server.kubectl(["run", "lost", "-n", namespace, "--image=localhost:5000/busybox", "--restart=Never", "--overrides", JSON.stringify({ spec: { serviceAccountName: "nobody" } })]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /error looking up service account accounts\/nobody: serviceaccount "nobody" not found/);
  });

  test("kubectl create token gives a JWT that authenticates as the account until the account is re-created", async () => {
    await eventually("the default account", () => client.get<ServiceAccount>(inNamespace(resources.serviceAccounts, namespace), "default"));
    const token = (await kubectl(["create", "token", "default", "-n", namespace])).trim();
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { sub: string; iss: string; exp: number; iat: number };
    assert.equal(claims.sub, `system:serviceaccount:${namespace}:default`);
    assert.equal(claims.iss, "https://kubernetes.default.svc.cluster.local");
    assert.equal(claims.exp - claims.iat, 3600);
    // Only the token: a kubeconfig's client certificate would authenticate first.
    const asToken = (args: string[]) => server.kubectl(["--kubeconfig=/dev/null", `--server=${server.url}`, `--certificate-authority=${server.dataDir}/server/tls/ca.crt`, `--token=${token}`, ...args]);
    const whoami = await asToken(["auth", "whoami", "-o", "json"]);
    assert.equal(whoami.code, 0, whoami.stderr);
    const review = JSON.parse(whoami.stdout) as { status: { userInfo: { username: string; groups: string[] } } };
    assert.equal(review.status.userInfo.username, `system:serviceaccount:${namespace}:default`);
    assert.deepEqual(review.status.userInfo.groups, ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"]);
    await client.delete(inNamespace(resources.serviceAccounts, namespace), "default");
    await eventually("the token refused", async () => ((await asToken(["auth", "whoami"])).code !== 0 ? true : undefined));
    const refused = await asToken(["auth", "whoami"]);
    assert.match(refused.stderr, /Unauthorized|provide credentials/);
  });
});

