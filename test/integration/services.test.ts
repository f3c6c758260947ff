// Services against a real `skiff server` (its own controller manager runs the
// Endpoints and EndpointSlice controllers): cluster IPs and node ports from
// the registry, then endpoints of a Deployment's pods, bound and made ready by
// the simulated node actor (no scheduler, no kubelet here).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { apiClient, type ApiClient } from "../support/api-client.ts";
import { startServer, type TestServer } from "../support/server.ts";

const namespace = "default";
const servicesApi = inNamespace(resources.services, namespace);
const servicesPath = `/api/v1/namespaces/${namespace}/services`;

let server: TestServer;
let client: RestClient;
let api: ApiClient;

before(async () => {
  server = await startServer();
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  api = await apiClient(server.kubeconfig);
});

after(async () => {
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
