// The real kubectl 1.32 against a freshly started `skiff server`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { request } from "node:https";
import { startServer, type TestServer } from "../support/server.ts";

function fetchWithoutCredentials(url: string, caBase64: string): Promise<{ status: number; body: { reason?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: Buffer.from(caBase64, "base64").toString("utf8") }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

let server: TestServer;
let work: string;

async function ok(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<string> {
  const r = await server.kubectl(args, options);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function fails(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<string> {
  const r = await server.kubectl(args, options);
  assert.notEqual(r.code, 0, `kubectl ${args.join(" ")} should have failed: ${r.stdout}`);
  return r.stderr;
}

function deployment(replicas: number, extraLabels: Record<string, string> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "e2e", labels: { app: "web", ...extraLabels } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "localhost:5000/web:v1", ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "e2e" },
  spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] },
};

before(async () => {
  server = await startServer();
  work = await mkdtemp(join(tmpdir(), "skiff-kubectl-"));
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, "the server stops cleanly on SIGTERM");
});

describe("kubectl against skiff", () => {
  test("version reports 1.32 and create namespace (a protobuf body) works", async () => {
    const version = JSON.parse(await ok(["version", "-o", "json"]));
    assert.equal(version.serverVersion.minor, "32");
    assert.match(await ok(["create", "namespace", "e2e"]), /namespace\/e2e created/);
    const table = await ok(["get", "namespaces"]);
    assert.match(table, /^NAME\s+STATUS\s+AGE/m);
    assert.match(table, /^e2e\s+Active\s+/m);
  });

  test("apply -f creates a Deployment and a Service; re-apply changes only what changed", async () => {
    const file = join(work, "app.yaml");
    await writeFile(file, [toYaml(deployment(2)), toYaml(service)].join("---\n"));
    const out = await ok(["apply", "-f", file]);
    assert.match(out, /deployment.apps\/web created/);
    assert.match(out, /service\/web created/);
    // Something another actor adds must survive the re-apply.
    await ok(["annotate", "-n", "e2e", "deployment", "web", "team=blue"]);
    await writeFile(file, [toYaml(deployment(3, { tier: "frontend" })), toYaml(service)].join("---\n"));
    const again = await ok(["apply", "-f", file]);
    assert.match(again, /deployment.apps\/web configured/);
    assert.match(again, /service\/web unchanged/);
    const d = JSON.parse(await ok(["get", "-n", "e2e", "deployment", "web", "-o", "json"]));
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.metadata.labels.tier, "frontend");
    assert.equal(d.metadata.annotations.team, "blue");
    assert.equal(d.metadata.generation, 2);
    assert.ok(d.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
    const svc = JSON.parse(await ok(["get", "-n", "e2e", "service", "web", "-o", "json"]));
    assert.equal(svc.spec.ports[0].protocol, "TCP");
    assert.equal(svc.spec.type, "ClusterIP");
  });

  test("get renders tables, wide, yaml, json, jsonpath and custom columns", async () => {
    const table = await ok(["get", "-n", "e2e", "deployments"]);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s*$/m);
    // The controllers create the pods; no node runs them here, so none is ready.
    assert.match(table, /^web\s+0\/3\s+\d\s+0\s+\S+\s*$/m);
    const wide = await ok(["get", "-n", "e2e", "deployments", "-o", "wide"]);
    assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(wide, /web\s+localhost:5000\/web:v1\s+app=web/);
    const all = await ok(["get", "deployments", "-A", "--show-labels"]);
    assert.match(all, /^e2e\s+web\s+.*app=web,tier=frontend/m);
    const yaml = parseYaml(await ok(["get", "-n", "e2e", "deployment", "web", "-o", "yaml"]));
    assert.equal(yaml.kind, "Deployment");
    assert.equal(yaml.spec.strategy.rollingUpdate.maxSurge, "25%");
    const list = JSON.parse(await ok(["get", "-n", "e2e", "deployments", "-o", "json"]));
    assert.equal(list.kind, "List");
    assert.equal(list.items.length, 1);
    assert.equal(await ok(["get", "-n", "e2e", "deployment", "web", "-o", "jsonpath={.spec.replicas}"]), "3");
    const cols = await ok(["get", "-n", "e2e", "deployments", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas"]);
    assert.match(cols, /^NAME\s+REPLICAS\s*\nweb\s+3\s*$/m);
  });

  test("get -w sees a label added by another kubectl", async () => {
    const watcher = spawn("/usr/bin/kubectl", [`--cache-dir=${join(server.dataDir, "kubectl-cache")}`, "get", "-n", "e2e", "deployment", "web", "-w", "-o", "jsonpath={.metadata.labels.stage}{\"\\n\"}"], {
      env: { ...process.env, KUBECONFIG: server.kubeconfig },
    });
    let seen = "";
    watcher.stdout.on("data", (d) => (seen += d));
    try {
      const deadline = Date.now() + 20_000;
      // The watch prints the current object first (an empty stage).
      while (!seen.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await ok(["label", "-n", "e2e", "deployment", "web", "stage=canary"]);
      while (!seen.includes("canary") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(seen, /canary/);
    } finally {
      watcher.kill();
    }
  });

  test("edit through $EDITOR and scale change the deployment", async () => {
    const editor = join(work, "editor.sh");
    await writeFile(editor, "#!/bin/sh\nsed -i 's/^  replicas: 3$/  replicas: 4/' \"$1\"\n");
    await chmod(editor, 0o755);
    assert.match(await ok(["edit", "-n", "e2e", "deployment", "web"], { env: { EDITOR: editor, KUBE_EDITOR: editor } }), /edited/);
    assert.equal(await ok(["get", "-n", "e2e", "deployment", "web", "-o", "jsonpath={.spec.replicas}"]), "4");
    assert.match(await ok(["scale", "-n", "e2e", "deployment", "web", "--replicas=5"]), /scaled/);
    assert.equal(await ok(["get", "-n", "e2e", "deployment", "web", "-o", "jsonpath={.spec.replicas}"]), "5");
    // skiff server runs the controllers: the Deployment's ReplicaSet creates the pods.
    const deadline = Date.now() + 20_000;
    let pods: { metadata: { name: string; ownerReferences: { kind: string; name: string }[] } }[] = [];
    while (Date.now() < deadline) {
      pods = JSON.parse(await ok(["get", "-n", "e2e", "pods", "-l", "app=web", "-o", "json"])).items;
      if (pods.length === 5) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(pods.length, 5);
    const owner = pods[0]!.metadata.ownerReferences[0]!;
    assert.equal(owner.kind, "ReplicaSet");
    assert.match(owner.name, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.match(pods[0]!.metadata.name, new RegExp(`^${owner.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
  });

  test("describe, api-resources and explain work", async () => {
    const described = await ok(["describe", "-n", "e2e", "deployment", "web"]);
    assert.match(described, /^Name:\s+web$/m);
    assert.match(described, /^Replicas:\s+5 desired/m);
    await ok(["describe", "namespace", "e2e"]);
    const resources = await ok(["api-resources"]);
    for (const row of expectedApiResources) {
      const [name, shortNames, apiVersion, namespaced, kind] = row;
      const pattern = new RegExp(`^${name}\\s+${shortNames ? `${shortNames}\\s+` : ""}${apiVersion.replace("/", "\\/")}\\s+${namespaced}\\s+${kind}\\s*$`, "m");
      assert.match(resources, pattern, `api-resources row for ${name}`);
    }
    const explained = await ok(["explain", "pod.spec.containers"]);
    assert.match(explained, /KIND:\s+Pod/);
    assert.match(explained, /image\s+<string>/);
  });

  test("the protobuf generators and auth commands", async () => {
    await ok(["create", "job", "j1", "-n", "e2e", "--image=localhost:5000/busybox:latest", "--", "echo", "hi"]);
    const job = JSON.parse(await ok(["get", "-n", "e2e", "job", "j1", "-o", "json"]));
    const uid = job.metadata.uid;
    assert.deepEqual(job.spec.selector.matchLabels, { "batch.kubernetes.io/controller-uid": uid });
    assert.equal(job.spec.template.metadata.labels["job-name"], "j1");
    assert.equal(job.spec.backoffLimit, 6);
    await ok(["create", "cronjob", "c1", "-n", "e2e", "--image=localhost:5000/busybox:latest", "--schedule=*/5 * * * *"]);
    await ok(["create", "secret", "generic", "s1", "-n", "e2e", "--from-literal=k=v"]);
    assert.equal(await ok(["get", "-n", "e2e", "secret", "s1", "-o", "jsonpath={.data.k}"]), Buffer.from("v").toString("base64"));
    await ok(["create", "serviceaccount", "sa1", "-n", "e2e"]);
    await ok(["create", "service", "clusterip", "s2", "-n", "e2e", "--tcp=80:8080"]);
    assert.equal((await ok(["auth", "can-i", "create", "pods"])).trim(), "yes");
    assert.match(await ok(["auth", "whoami"]), /admin/);
    assert.match(await ok(["get", "all", "-n", "e2e"]), /cronjob.batch\/c1/);
  });

  test("errors: invalid name, stale resourceVersion, unknown resource, no credentials", async () => {
    const invalid = await fails(["create", "configmap", "Bad_Name", "-n", "e2e", "--from-literal=a=b"]);
    assert.match(invalid, /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
    const current = JSON.parse(await ok(["get", "-n", "e2e", "service", "web", "-o", "json"]));
    const file = join(work, "svc.json");
    current.metadata.labels = { first: "yes" };
    await writeFile(file, JSON.stringify(current));
    await ok(["replace", "-f", file]);
    current.metadata.labels = { second: "yes" };
    await writeFile(file, JSON.stringify(current));
    const conflict = await fails(["replace", "-f", file]);
    assert.match(conflict, /Error from server \(Conflict\).*the object has been modified/);
    const unknown = await fails(["get", "widgets"]);
    assert.match(unknown, /the server doesn't have a resource type "widgets"/);
    const config = parseYaml(await readFile(server.kubeconfig, "utf8"));
    // A client with no valid credentials: a token the server does not know, and no client certificate.
    config.users[0].user = { token: "not-a-known-token" };
    const strangerConfig = join(work, "stranger.yaml");
    await writeFile(strangerConfig, toYaml(config));
    const denied = await fails(["get", "pods"], { env: { KUBECONFIG: strangerConfig } });
    assert.match(denied, /You must be logged in to the server \(Unauthorized\)/);
    const response = await fetchWithoutCredentials(`${server.url}/api/v1/namespaces/default/pods`, config.clusters[0].cluster["certificate-authority-data"]);
    assert.equal(response.status, 401);
    assert.equal(response.body.reason, "Unauthorized");
  });

  test("delete honours --cascade background, foreground and orphan", async () => {
    for (const name of ["bg", "fg", "orphan"]) {
      await ok(["create", "deployment", name, "-n", "e2e", "--image=localhost:5000/web:v1"]);
    }
    await ok(["delete", "-n", "e2e", "deployment", "bg", "--cascade=background"]);
    assert.match(await fails(["get", "-n", "e2e", "deployment", "bg"]), /NotFound/);
    // The garbage collector finishes both cascades: kubectl waits until the Deployment is gone.
    const replicaSetsOf = async (app: string) => JSON.parse(await ok(["get", "-n", "e2e", "replicasets", "-l", `app=${app}`, "-o", "json"])).items as { metadata: { ownerReferences?: unknown[] } }[];
    for (let attempt = 0; attempt < 200 && (await replicaSetsOf("orphan")).length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    await ok(["delete", "-n", "e2e", "deployment", "fg", "--cascade=foreground", "--timeout=30s"]);
    assert.match(await fails(["get", "-n", "e2e", "deployment", "fg"]), /NotFound/);
    assert.deepEqual(await replicaSetsOf("fg"), []);
    await ok(["delete", "-n", "e2e", "deployment", "orphan", "--cascade=orphan", "--timeout=30s"]);
    const orphaned = await replicaSetsOf("orphan");
    assert.equal(orphaned.length, 1);
    assert.equal(orphaned[0]!.metadata.ownerReferences, undefined, "orphaning removes the owner reference");
  });
});

// Upstream 1.32's `kubectl api-resources` rows for the core, apps and batch groups.
const expectedApiResources: [string, string, string, string, string][] = [
  ["bindings", "", "v1", "true", "Binding"],
  ["componentstatuses", "cs", "v1", "false", "ComponentStatus"],
  ["configmaps", "cm", "v1", "true", "ConfigMap"],
  ["endpoints", "ep", "v1", "true", "Endpoints"],
  ["events", "ev", "v1", "true", "Event"],
  ["limitranges", "limits", "v1", "true", "LimitRange"],
  ["namespaces", "ns", "v1", "false", "Namespace"],
  ["nodes", "no", "v1", "false", "Node"],
  ["persistentvolumeclaims", "pvc", "v1", "true", "PersistentVolumeClaim"],
  ["persistentvolumes", "pv", "v1", "false", "PersistentVolume"],
  ["pods", "po", "v1", "true", "Pod"],
  ["podtemplates", "", "v1", "true", "PodTemplate"],
  ["replicationcontrollers", "rc", "v1", "true", "ReplicationController"],
  ["resourcequotas", "quota", "v1", "true", "ResourceQuota"],
  ["secrets", "", "v1", "true", "Secret"],
  ["serviceaccounts", "sa", "v1", "true", "ServiceAccount"],
  ["services", "svc", "v1", "true", "Service"],
  ["controllerrevisions", "", "apps/v1", "true", "ControllerRevision"],
  ["daemonsets", "ds", "apps/v1", "true", "DaemonSet"],
  ["deployments", "deploy", "apps/v1", "true", "Deployment"],
  ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
  ["statefulsets", "sts", "apps/v1", "true", "StatefulSet"],
  ["cronjobs", "cj", "batch/v1", "true", "CronJob"],
  ["jobs", "", "batch/v1", "true", "Job"],
];

describe("field validation", () => {
  test("apply with an unknown field fails strictly; --validate=warn warns and applies", async () => {
    const file = join(work, "typo.yaml");
    const d = deployment(1);
    (d.spec.template.spec.containers[0] as Record<string, unknown>)["imagee"] = "oops";
    d.metadata.name = "typo";
    await writeFile(file, toYaml(d));
    const strict = await fails(["apply", "-f", file]);
    assert.match(strict, /strict decoding error: unknown field "spec.template.spec.containers\[0\].imagee"/);
    const warned = await server.kubectl(["apply", "-f", file, "--validate=warn"]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: unknown field "spec.template.spec.containers\[0\].imagee"/);
    assert.match(warned.stdout, /deployment.apps\/typo created/);
  });
});

describe("server-side apply", () => {
  test("apply --server-side creates, updates, conflicts with kubectl scale, and --force-conflicts wins", async () => {
    const file = join(work, "ssa.yaml");
    const d = deployment(2);
    d.metadata.name = "ssa";
    await writeFile(file, toYaml(d));
    assert.match(await ok(["apply", "--server-side", "-f", file]), /deployment.apps\/ssa serverside-applied/);
    const created = JSON.parse(await ok(["get", "-n", "e2e", "deployment", "ssa", "-o", "json", "--show-managed-fields"]));
    const entry = created.metadata.managedFields.find((m: { manager: string }) => m.manager === "kubectl");
    assert.equal(entry.operation, "Apply");
    assert.ok(entry.fieldsV1["f:spec"]["f:replicas"], "the applier owns spec.replicas");
    await ok(["scale", "-n", "e2e", "deployment", "ssa", "--replicas=5"]);
    const conflict = await fails(["apply", "--server-side", "-f", file]);
    assert.match(conflict, /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    await ok(["apply", "--server-side", "--force-conflicts", "-f", file]);
    assert.equal(await ok(["get", "-n", "e2e", "deployment", "ssa", "-o", "jsonpath={.spec.replicas}"]), "2");
  });
});
