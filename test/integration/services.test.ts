// Services against a real `skiff server` (its own controller manager runs the
// Endpoints and EndpointSlice controllers): cluster IPs and node ports from
// the registry, then endpoints of a Deployment's pods, bound and made ready by
// the simulated node actor (no scheduler, no kubelet here).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { apiClient, type ApiClient } from "../support/api-client.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { runSimulatedNodeActor } from "../support/simulated-node-actor.ts";
import { eventually } from "../support/eventually.ts";

const namespace = "default";
const servicesApi = inNamespace(resources.services, namespace);
const servicesPath = `/api/v1/namespaces/${namespace}/services`;
const podsApi = inNamespace(resources.pods, namespace);
const slicesApi = inNamespace(resources.endpointSlices, namespace);
const endpointsApi = inNamespace(resources.endpoints, namespace);
const deploymentsApi = inNamespace(resources.deployments, namespace);

let server: TestServer;
let client: RestClient;
let api: ApiClient;
const stopActor = new AbortController();
let actor: Promise<void>;

before(async () => {
  // The actor binds pods and gives them addresses; the server's scheduler would find no Node to use.
  server = await startServer(["--disable-scheduler"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  api = await apiClient(server.kubeconfig);
  actor = runSimulatedNodeActor(client, stopActor.signal);
});

after(async () => {
  stopActor.abort();
  await actor;
  api.close();
  client.close();
  await server.stop();
});

function service(name: string, spec: Service["spec"] = {}): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { ports: [{ port: 80 }], ...spec } };
}

const inServiceCidr = (ip: string) => /^10\.43\.\d{1,3}\.\d{1,3}$/.test(ip) && ip !== "10.43.0.0" && ip !== "10.43.255.255";

describe("cluster IP allocation", () => {
  test("300 concurrently created Services get distinct addresses in 10.43.0.0/16, none of the static band", async () => {
    const created = await Promise.all(Array.from({ length: 300 }, (_, i) => client.create<Service>(servicesApi, service(`many-${i}`))));
    const ips = created.map((s) => s.spec?.clusterIP ?? "");
    assert.equal(new Set(ips).size, 300);
    for (const s of created) {
      const ip = s.spec?.clusterIP ?? "";
      assert.ok(inServiceCidr(ip), ip);
      // The lower 256 addresses are left for requested IPs while the upper band has room.
      assert.ok(!/^10\.43\.0\./.test(ip), ip);
      assert.deepEqual(s.spec?.clusterIPs, [ip]);
      assert.deepEqual(s.spec?.ipFamilies, ["IPv4"]);
      assert.equal(s.spec?.ipFamilyPolicy, "SingleStack");
      assert.equal(s.spec?.internalTrafficPolicy, "Cluster");
      assert.equal(s.spec?.sessionAffinity, "None");
    }
    const kubernetes = await client.get<Service>(servicesApi, "kubernetes");
    assert.ok(!ips.includes(kubernetes.spec?.clusterIP ?? ""));
    await Promise.all(created.map((s) => client.delete(servicesApi, s.metadata!.name!)));
  });

  test("a requested address is honoured once; a second claim and one outside the range are refused with 422", async () => {
    const first = await client.create<Service>(servicesApi, service("static-a", { clusterIP: "10.43.0.53" }));
    assert.equal(first.spec?.clusterIP, "10.43.0.53");
    const again = await api.call("POST", servicesPath, { body: service("static-b", { clusterIP: "10.43.0.53" }) });
    assert.equal(again.status, 422);
    assert.equal(again.json.reason, "Invalid");
    assert.equal(again.json.message, 'Service "static-b" is invalid: spec.clusterIPs: Invalid value: ["10.43.0.53"]: failed to allocate IP 10.43.0.53: provided IP is already allocated');
    const outside = await api.call("POST", servicesPath, { body: service("static-c", { clusterIP: "10.96.0.5" }) });
    assert.equal(outside.status, 422);
    assert.match(outside.json.message, /failed to allocate IP 10\.96\.0\.5: provided IP 10\.96\.0\.5 is not in the valid range/);
    const kubernetesIp = await api.call("POST", servicesPath, { body: service("static-d", { clusterIP: "10.43.0.1" }) });
    assert.equal(kubernetesIp.status, 422);
  });

  test("a deleted Service's address can be requested again", async () => {
    await client.delete(servicesApi, "static-a");
    const reused = await client.create<Service>(servicesApi, service("static-e", { clusterIP: "10.43.0.53" }));
    assert.equal(reused.spec?.clusterIP, "10.43.0.53");
  });

  test("headless and ExternalName Services get no address", async () => {
    const headless = await client.create<Service>(servicesApi, service("headless", { clusterIP: "None", selector: { app: "x" } }));
    assert.deepEqual(headless.spec?.clusterIPs, ["None"]);
    const external = await client.create<Service>(servicesApi, { apiVersion: "v1", kind: "Service", metadata: { name: "external", namespace }, spec: { type: "ExternalName", externalName: "example.com" } });
    assert.equal(external.spec?.clusterIP, undefined);
  });
});

describe("node port allocation", () => {
  test("NodePort Services get ports in 30000-32767; a taken port is refused; the port is kept on update and released on type change", async () => {
    const created = await client.create<Service>(servicesApi, service("np-a", { type: "NodePort", ports: [{ name: "http", port: 80 }, { name: "https", port: 443, nodePort: 31443 }] }));
    const [http, https] = created.spec?.ports ?? [];
    assert.ok(http?.nodePort !== undefined && http.nodePort >= 30000 && http.nodePort <= 32767, String(http?.nodePort));
    assert.equal(https?.nodePort, 31443);
    assert.equal(created.spec?.externalTrafficPolicy, "Cluster");

    const conflict = await api.call("POST", servicesPath, { body: service("np-b", { type: "NodePort", ports: [{ port: 80, nodePort: 31443 }] }) });
    assert.equal(conflict.status, 422);
    assert.equal(conflict.json.message, 'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 31443: provided port is already allocated');

    // A client that sends the ports without nodePort keeps the allocated ones.
    const relabelled = await client.update<Service>(servicesApi, { ...created, metadata: { ...created.metadata, labels: { x: "y" } }, spec: { ...created.spec, ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] } });
    assert.deepEqual(relabelled.spec?.ports?.map((p) => p.nodePort), [http.nodePort, 31443]);

    const clusterOnly = await client.patch<Service>(servicesApi, "np-a", "merge", { spec: { type: "ClusterIP", externalTrafficPolicy: null } });
    assert.deepEqual(clusterOnly.spec?.ports?.map((p) => p.nodePort), [undefined, undefined]);
    assert.equal(clusterOnly.spec?.clusterIP, created.spec?.clusterIP);
    const taken = await client.create<Service>(servicesApi, service("np-c", { type: "NodePort", ports: [{ port: 80, nodePort: 31443 }] }));
    assert.equal(taken.spec?.ports?.[0]?.nodePort, 31443);
  });

  test("kubectl expose --type=NodePort and kubectl get svc show the ports", async () => {
    const created = await server.kubectl(["create", "deployment", "web", "--image=nginx", "--port=8080"]);
    assert.equal(created.code, 0, created.stderr);
    const exposed = await server.kubectl(["expose", "deployment", "web", "--port=80", "--target-port=8080", "--type=NodePort"]);
    assert.equal(exposed.code, 0, exposed.stderr);
    const svc = await client.get<Service>(servicesApi, "web");
    const nodePort = svc.spec?.ports?.[0]?.nodePort;
    const listed = await server.kubectl(["get", "svc", "web"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`web\\s+NodePort\\s+${svc.spec?.clusterIP?.replaceAll(".", "\\.")}\\s+<none>\\s+80:${nodePort}/TCP`));
  });
});

describe("endpoints of a Deployment behind a Service", () => {
  const app = "echo";
  const deployment = (replicas: number): Deployment => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: app, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: "main", image: "echo", ports: [{ name: "http", containerPort: 8080 }] }] } },
    },
  });

  async function readyPods(count: number): Promise<Pod[]> {
    return eventually(`${count} ready pods with addresses`, async () => {
      const pods = (await client.list<Pod>(podsApi, { labelSelector: `app=${app}` })).items.filter((p) => p.metadata?.deletionTimestamp == null);
      const ready = pods.filter((p) => p.status?.podIP && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
      return pods.length === count && ready.length === count ? ready : undefined;
    });
  }

  async function sliceOf(service: Service): Promise<EndpointSlice[]> {
    return (await client.list<EndpointSlice>(slicesApi, { labelSelector: `kubernetes.io/service-name=${service.metadata?.name}` })).items;
  }

  const addressesOf = (slices: EndpointSlice[], condition: "ready" | "serving") =>
    slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.[condition] === true).flatMap((e) => e.addresses)).sort();

  test("slices and Endpoints list ready pods, move a pod that turns unready, and follow scaling", async () => {
    await client.create<Deployment>(deploymentsApi, deployment(3));
    const service = await client.create<Service>(servicesApi, { apiVersion: "v1", kind: "Service", metadata: { name: app, namespace }, spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
    let pods = await readyPods(3);
    let ips = pods.map((p) => p.status!.podIP!).sort();
    for (const ip of ips) assert.match(ip, /^10\.42\./);

    const [slice] = await eventually("one slice with the three pods", async () => {
      const slices = await sliceOf(service);
      return slices.length === 1 && addressesOf(slices, "ready").join() === ips.join() ? slices : undefined;
    });
    assert.ok(slice !== undefined);
    assert.match(slice.metadata?.name ?? "", new RegExp(`^${app}-[a-z0-9]{5}$`));
    assert.equal(slice.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
    assert.equal(slice.addressType, "IPv4");
    assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
    assert.deepEqual(slice.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [["Service", app, service.metadata?.uid, true]]);
    const first = slice.endpoints?.[0];
    assert.equal(first?.targetRef?.kind, "Pod");
    assert.equal(first?.nodeName, "simulated-node");

    const endpoints = await eventually("Endpoints with the three pods", async () => {
      const e = await client.get<Endpoints>(endpointsApi, app);
      return (e.subsets?.[0]?.addresses ?? []).map((a) => a.ip).join() === ips.join() ? e : undefined;
    });
    assert.deepEqual(endpoints.subsets?.[0]?.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
    assert.ok(endpoints.metadata?.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]);
    const listed = await server.kubectl(["get", "endpoints", app]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${app}\\s+${ips.map((ip) => `${ip.replaceAll(".", "\\.")}:8080`).join(",")}`));

    // One pod turns unready: notReadyAddresses in Endpoints, ready false in the slice.
    const unready = pods[0]!;
    await client.updateStatus<Pod>(podsApi, {
      ...unready,
      status: { ...unready.status, conditions: (unready.status?.conditions ?? []).map((c) => (c.type === "Ready" || c.type === "ContainersReady" ? { ...c, status: "False" } : c)) },
    });
    const unreadyIp = unready.status!.podIP!;
    await eventually("the unready pod in notReadyAddresses", async () => {
      const e = await client.get<Endpoints>(endpointsApi, app);
      const notReady = (e.subsets?.[0]?.notReadyAddresses ?? []).map((a) => a.ip);
      const ready = (e.subsets?.[0]?.addresses ?? []).map((a) => a.ip);
      return notReady.join() === unreadyIp && ready.length === 2 ? true : undefined;
    });
    const afterUnready = await eventually("the unready pod not ready in the slice", async () => {
      const slices = await sliceOf(service);
      return addressesOf(slices, "ready").length === 2 && !addressesOf(slices, "ready").includes(unreadyIp) ? slices : undefined;
    });
    assert.equal(afterUnready[0]?.metadata?.name, slice.metadata?.name, "the slice is updated in place");

    // Scaling to 5 adds two endpoints to the same slice.
    await client.patch<Deployment>(deploymentsApi, app, "merge", { spec: { replicas: 5 } });
    pods = await eventually("four ready pods and one unready", async () => {
      const all = (await client.list<Pod>(podsApi, { labelSelector: `app=${app}` })).items.filter((p) => p.metadata?.deletionTimestamp == null && p.status?.podIP);
      return all.length === 5 ? all : undefined;
    });
    ips = pods.map((p) => p.status!.podIP!).sort();
    await eventually("the slice lists five pods", async () => {
      const slices = await sliceOf(service);
      const all = slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)).sort();
      return slices.length === 1 && all.join() === ips.join() && addressesOf(slices, "ready").length === 4 ? true : undefined;
    });
  });
});

describe("Service life cycle through kubectl", () => {
  const manifest = (port: number) => `apiVersion: v1
kind: Service
metadata:
  name: applied
  namespace: ${namespace}
spec:
  type: NodePort
  selector:
    app: applied
  ports:
  - name: http
    port: ${port}
`;

  test("re-applying a manifest without allocated fields keeps the cluster IP and node port; deleting the Service removes its Endpoints and slices", async () => {
    for (const args of [["apply", "-f", "-"], ["apply", "--server-side", "-f", "-"]]) {
      const first = await server.kubectl(args, { input: manifest(80) });
      assert.equal(first.code, 0, first.stderr);
      const before = await client.get<Service>(servicesApi, "applied");
      const again = await server.kubectl(args, { input: manifest(80) });
      assert.equal(again.code, 0, again.stderr);
      const after = await client.get<Service>(servicesApi, "applied");
      assert.equal(after.spec?.clusterIP, before.spec?.clusterIP);
      assert.equal(after.spec?.ports?.[0]?.nodePort, before.spec?.ports?.[0]?.nodePort);
    }
    await eventually("an empty placeholder slice and Endpoints", async () => {
      const slices = (await client.list<EndpointSlice>(slicesApi, { labelSelector: "kubernetes.io/service-name=applied" })).items;
      const endpoints = await client.get<Endpoints>(endpointsApi, "applied");
      return slices.length === 1 && (slices[0]?.endpoints ?? []).length === 0 && endpoints.subsets === undefined ? true : undefined;
    });
    const deleted = await server.kubectl(["delete", "service", "applied"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await eventually("Endpoints and slices gone with the Service", async () => {
      const slices = (await client.list<EndpointSlice>(slicesApi, { labelSelector: "kubernetes.io/service-name=applied" })).items;
      const endpoints = (await client.list<Endpoints>(endpointsApi)).items.filter((e) => e.metadata?.name === "applied");
      return slices.length === 0 && endpoints.length === 0 ? true : undefined;
    });
  });
});
