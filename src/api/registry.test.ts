import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { builtinResources, compareVersionPriority, ResourceConflictError, ResourceRegistry } from "./registry.ts";
import type { ResourceInfo } from "./registry.ts";

// `kubectl api-resources -o wide` against a default v1.32 API server, rows of
// the groups "", apps and batch, as kubectl prints them.
const UPSTREAM_API_RESOURCES = `
NAME                     SHORTNAMES   APIVERSION   NAMESPACED   KIND                    VERBS                                                        CATEGORIES
bindings                              v1           true         Binding                 create
componentstatuses        cs           v1           false        ComponentStatus         get,list
configmaps               cm           v1           true         ConfigMap               create,delete,deletecollection,get,list,patch,update,watch
endpoints                ep           v1           true         Endpoints               create,delete,deletecollection,get,list,patch,update,watch
events                   ev           v1           true         Event                   create,delete,deletecollection,get,list,patch,update,watch
limitranges              limits       v1           true         LimitRange              create,delete,deletecollection,get,list,patch,update,watch
namespaces               ns           v1           false        Namespace               create,delete,get,list,patch,update,watch
nodes                    no           v1           false        Node                    create,delete,deletecollection,get,list,patch,update,watch
persistentvolumeclaims   pvc          v1           true         PersistentVolumeClaim   create,delete,deletecollection,get,list,patch,update,watch
persistentvolumes        pv           v1           false        PersistentVolume        create,delete,deletecollection,get,list,patch,update,watch
pods                     po           v1           true         Pod                     create,delete,deletecollection,get,list,patch,update,watch   all
podtemplates                          v1           true         PodTemplate             create,delete,deletecollection,get,list,patch,update,watch
replicationcontrollers   rc           v1           true         ReplicationController   create,delete,deletecollection,get,list,patch,update,watch   all
resourcequotas           quota        v1           true         ResourceQuota           create,delete,deletecollection,get,list,patch,update,watch
secrets                               v1           true         Secret                  create,delete,deletecollection,get,list,patch,update,watch
serviceaccounts          sa           v1           true         ServiceAccount          create,delete,deletecollection,get,list,patch,update,watch
services                 svc          v1           true         Service                 create,delete,deletecollection,get,list,patch,update,watch   all
controllerrevisions                   apps/v1      true         ControllerRevision      create,delete,deletecollection,get,list,patch,update,watch
daemonsets               ds           apps/v1      true         DaemonSet               create,delete,deletecollection,get,list,patch,update,watch   all
deployments              deploy       apps/v1      true         Deployment              create,delete,deletecollection,get,list,patch,update,watch   all
replicasets              rs           apps/v1      true         ReplicaSet              create,delete,deletecollection,get,list,patch,update,watch   all
statefulsets             sts          apps/v1      true         StatefulSet             create,delete,deletecollection,get,list,patch,update,watch   all
cronjobs                 cj           batch/v1     true         CronJob                 create,delete,deletecollection,get,list,patch,update,watch   all
jobs                                  batch/v1     true         Job                     create,delete,deletecollection,get,list,patch,update,watch   all
`;

interface Row {
  name: string;
  shortNames: string;
  apiVersion: string;
  namespaced: string;
  kind: string;
  verbs: string;
  categories: string;
}

/** Splits the fixed-width table at the header's column starts. */
function parseTable(text: string): Row[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0] ?? "";
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index);
  return lines.slice(1).map((line) => {
    const cells = starts.map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim());
    const [name = "", shortNames = "", apiVersion = "", namespaced = "", kind = "", verbs = "", categories = ""] = cells;
    return { name, shortNames, apiVersion, namespaced, kind, verbs, categories };
  });
}

function rowOf(info: ResourceInfo): Row {
  return {
    name: info.plural,
    shortNames: info.shortNames.join(","),
    apiVersion: info.group === "" ? info.version : `${info.group}/${info.version}`,
    namespaced: String(info.namespaced),
    kind: info.kind,
    verbs: [...info.verbs].sort().join(","),
    categories: info.categories.join(","),
  };
}

describe("builtinResources", () => {
  test("matches kubectl api-resources for the groups '', apps and batch", () => {
    const expected = parseTable(UPSTREAM_API_RESOURCES);
    assert.equal(expected.length, 24);
    const actual = builtinResources.filter((r) => ["", "apps", "batch"].includes(r.group) && r.preferredVersion).map(rowOf);
    assert.deepEqual(actual, expected);
  });

  test("verbs come in discovery's alphabetical order and are known verbs", () => {
    const known = new Set(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]);
    for (const r of builtinResources) {
      for (const verbs of [r.verbs, ...r.subresources.map((s) => s.verbs)]) {
        assert.deepEqual(verbs, [...verbs].sort(), `${r.plural}: ${verbs.join(",")}`);
        for (const v of verbs) assert.ok(known.has(v), `${r.plural}: ${v}`);
      }
    }
  });

  test("names follow upstream conventions", () => {
    for (const r of builtinResources) {
      assert.equal(r.singular, r.kind.toLowerCase(), r.plural);
      assert.equal(r.listKind, `${r.kind}List`, r.plural);
      const names = r.subresources.map((s) => s.name);
      assert.deepEqual(names, [...names].sort(), `${r.plural} subresources sorted`);
    }
    const keys = builtinResources.map((r) => `${r.group}/${r.version}/${r.plural}`);
    assert.equal(new Set(keys).size, keys.length, "no duplicate resource");
  });

  const singletons: [string, string, Partial<ResourceInfo>][] = [
    ["authentication.k8s.io", "tokenreviews", { namespaced: false, verbs: ["create"], kind: "TokenReview" }],
    ["authentication.k8s.io", "selfsubjectreviews", { namespaced: false, verbs: ["create"], kind: "SelfSubjectReview" }],
    ["authorization.k8s.io", "selfsubjectaccessreviews", { namespaced: false, verbs: ["create"] }],
    ["authorization.k8s.io", "selfsubjectrulesreviews", { namespaced: false, verbs: ["create"] }],
    ["authorization.k8s.io", "subjectaccessreviews", { namespaced: false, verbs: ["create"] }],
    ["authorization.k8s.io", "localsubjectaccessreviews", { namespaced: true, verbs: ["create"] }],
    ["apiextensions.k8s.io", "customresourcedefinitions", { shortNames: ["crd", "crds"], categories: ["api-extensions"], namespaced: false }],
    ["admissionregistration.k8s.io", "mutatingwebhookconfigurations", { categories: ["api-extensions"], shortNames: [] }],
    ["admissionregistration.k8s.io", "validatingadmissionpolicybindings", { categories: ["api-extensions"] }],
    ["autoscaling", "horizontalpodautoscalers", { shortNames: ["hpa"], categories: ["all"], version: "v2", preferredVersion: true }],
    ["events.k8s.io", "events", { shortNames: ["ev"], storage: "events", kind: "Event" }],
    ["networking.k8s.io", "networkpolicies", { shortNames: ["netpol"], subresources: [] }],
    ["networking.k8s.io", "ingresses", { shortNames: ["ing"], namespaced: true }],
    ["policy", "poddisruptionbudgets", { shortNames: ["pdb"] }],
    ["scheduling.k8s.io", "priorityclasses", { shortNames: ["pc"], namespaced: false }],
    ["storage.k8s.io", "storageclasses", { shortNames: ["sc"], namespaced: false }],
    ["storage.k8s.io", "csistoragecapacities", { namespaced: true }],
    ["certificates.k8s.io", "certificatesigningrequests", { shortNames: ["csr"], namespaced: false }],
    ["coordination.k8s.io", "leases", { namespaced: true, shortNames: [] }],
    ["discovery.k8s.io", "endpointslices", { namespaced: true, shortNames: [] }],
    ["node.k8s.io", "runtimeclasses", { namespaced: false }],
    ["flowcontrol.apiserver.k8s.io", "flowschemas", { namespaced: false }],
  ];
  for (const [group, plural, expected] of singletons) {
    test(`${plural}.${group} as upstream reports it`, () => {
      const info = builtinResources.find((r) => r.group === group && r.plural === plural && r.preferredVersion);
      assert.ok(info, `${plural}.${group} exists`);
      for (const [field, value] of Object.entries(expected)) {
        assert.deepEqual(info[field as keyof ResourceInfo], value, `${plural}.${field}`);
      }
    });
  }

  const subresourceCases: [string, string, string[]][] = [
    ["", "pods", ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "status"]],
    ["", "namespaces", ["finalize", "status"]],
    ["", "nodes", ["proxy", "status"]],
    ["", "services", ["proxy", "status"]],
    ["", "serviceaccounts", ["token"]],
    ["", "replicationcontrollers", ["scale", "status"]],
    ["", "configmaps", []],
    ["apps", "deployments", ["scale", "status"]],
    ["apps", "daemonsets", ["status"]],
    ["apps", "controllerrevisions", []],
    ["batch", "jobs", ["status"]],
    ["certificates.k8s.io", "certificatesigningrequests", ["approval", "status"]],
    ["storage.k8s.io", "volumeattachments", ["status"]],
    ["admissionregistration.k8s.io", "validatingadmissionpolicies", ["status"]],
  ];
  for (const [group, plural, names] of subresourceCases) {
    test(`${plural}${group ? "." + group : ""} subresources`, () => {
      const info = builtinResources.find((r) => r.group === group && r.plural === plural);
      assert.deepEqual(info?.subresources.map((s) => s.name), names);
    });
  }

  test("subresources whose kind lives elsewhere name its group and version", () => {
    const pods = builtinResources.find((r) => r.group === "" && r.plural === "pods");
    const sub = (name: string) => pods?.subresources.find((s) => s.name === name);
    assert.deepEqual(sub("eviction"), { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] });
    assert.deepEqual(sub("log"), { name: "log", kind: "Pod", verbs: ["get"] });
    assert.deepEqual(sub("exec"), { name: "exec", kind: "PodExecOptions", verbs: ["create", "get"] });
    assert.deepEqual(sub("binding"), { name: "binding", kind: "Binding", verbs: ["create"] });
    const deployments = builtinResources.find((r) => r.group === "apps" && r.plural === "deployments");
    assert.deepEqual(deployments?.subresources[0], { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] });
    const sa = builtinResources.find((r) => r.plural === "serviceaccounts");
    assert.deepEqual(sa?.subresources[0], { name: "token", kind: "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: ["create"] });
  });

  test("storage names are shared across versions and between the two event APIs", () => {
    const storageOf = (group: string, version: string, plural: string) =>
      builtinResources.find((r) => r.group === group && r.version === version && r.plural === plural)?.storage;
    assert.equal(storageOf("autoscaling", "v1", "horizontalpodautoscalers"), "horizontalpodautoscalers.autoscaling");
    assert.equal(storageOf("autoscaling", "v2", "horizontalpodautoscalers"), "horizontalpodautoscalers.autoscaling");
    assert.equal(storageOf("", "v1", "events"), "events");
    assert.equal(storageOf("events.k8s.io", "v1", "events"), "events");
    assert.equal(storageOf("", "v1", "pods"), "pods");
    assert.equal(storageOf("apps", "v1", "deployments"), "deployments.apps");
    const storages = builtinResources.map((r) => r.storage);
    assert.equal(new Set(storages).size, storages.length - 2, "only hpa and events share a storage");
  });

  test("is frozen so no caller can change what others see", () => {
    const pods = builtinResources.find((r) => r.plural === "pods");
    assert.ok(pods && Object.isFrozen(pods) && Object.isFrozen(pods.verbs) && Object.isFrozen(pods.subresources[0]));
    assert.ok(Object.isFrozen(builtinResources));
  });
});

describe("compareVersionPriority", () => {
  test("orders versions the way Kubernetes ranks them", () => {
    const shuffled = ["v1beta1", "foo10", "v11alpha2", "v2", "v12alpha1", "v10beta3", "v1", "foo1", "v3beta1", "v10", "v11beta2"];
    const expected = ["v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v1beta1", "v12alpha1", "v11alpha2", "foo1", "foo10"];
    assert.deepEqual([...shuffled].sort(compareVersionPriority), expected);
  });

  const pairs: [string, string, "first" | "second" | "equal"][] = [
    ["v2", "v1", "first"],
    ["v1", "v2beta1", "first"],
    ["v1beta2", "v1beta1", "first"],
    ["v1alpha1", "v1beta1", "second"],
    ["v0", "v1alpha1", "first"],
    ["v1", "vfoo", "first"],
    ["v1", "v1", "equal"],
  ];
  for (const [a, b, winner] of pairs) {
    test(`${a} vs ${b}: ${winner}`, () => {
      const result = compareVersionPriority(a, b);
      if (winner === "first") assert.ok(result < 0);
      else if (winner === "second") assert.ok(result > 0);
      else assert.equal(result, 0);
    });
  }
});

function customResource(overrides: Partial<ResourceInfo>): ResourceInfo {
  return {
    group: "stable.example.com",
    version: "v1",
    kind: "CronTab",
    listKind: "CronTabList",
    plural: "crontabs",
    singular: "crontab",
    namespaced: true,
    shortNames: ["ct"],
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    categories: [],
    subresources: [],
    storage: "crontabs.stable.example.com",
    preferredVersion: true,
    ...overrides,
  };
}

describe("ResourceRegistry", () => {
  test("lists groups in upstream order with versions by priority", () => {
    const registry = new ResourceRegistry();
    assert.deepEqual(
      registry.groups().map((g) => g.name),
      [
        "",
        "apps",
        "events.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "networking.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "node.k8s.io",
        "discovery.k8s.io",
        "flowcontrol.apiserver.k8s.io",
      ],
    );
    assert.deepEqual(registry.groups().find((g) => g.name === "autoscaling"), { name: "autoscaling", versions: ["v2", "v1"], preferredVersion: "v2" });
    assert.deepEqual(registry.groups()[0], { name: "", versions: ["v1"], preferredVersion: "v1" });
  });

  test("finds resources by plural and by kind", () => {
    const registry = new ResourceRegistry();
    assert.equal(registry.byResource("apps", "v1", "deployments")?.kind, "Deployment");
    assert.equal(registry.byKind("", "v1", "Endpoints")?.plural, "endpoints");
    assert.equal(registry.byKind("autoscaling", "v1", "HorizontalPodAutoscaler")?.version, "v1");
    assert.equal(registry.byResource("apps", "v1beta1", "deployments"), undefined);
    assert.equal(registry.byKind("apps", "v1", "Pod"), undefined);
  });

  test("resources of a group version come sorted by plural", () => {
    const registry = new ResourceRegistry();
    assert.deepEqual(
      registry.resources("apps", "v1").map((r) => r.plural),
      ["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"],
    );
    assert.deepEqual(registry.resources("nope", "v1"), []);
  });

  test("holds custom resources after the built-in groups and forgets them on remove", () => {
    const registry = new ResourceRegistry();
    registry.add(customResource({}));
    registry.add(customResource({ version: "v1beta1", preferredVersion: false }));
    registry.add(customResource({ group: "a.example.com", storage: "crontabs.a.example.com" }));
    const names = registry.groups().map((g) => g.name);
    assert.deepEqual(names.slice(-2), ["a.example.com", "stable.example.com"]);
    assert.deepEqual(registry.groups().at(-1), { name: "stable.example.com", versions: ["v1", "v1beta1"], preferredVersion: "v1" });
    assert.equal(registry.byKind("stable.example.com", "v1beta1", "CronTab")?.plural, "crontabs");
    assert.equal(registry.all().at(-1)?.version, "v1beta1");

    registry.remove("stable.example.com", "v1", "crontabs");
    assert.deepEqual(registry.groups().at(-1), { name: "stable.example.com", versions: ["v1beta1"], preferredVersion: "v1beta1" });
    registry.remove("stable.example.com", "v1beta1", "crontabs");
    assert.ok(!registry.groups().some((g) => g.name === "stable.example.com"));
  });

  test("a version claimed preferred wins over a higher-priority one", () => {
    const registry = new ResourceRegistry([]);
    registry.add(customResource({ version: "v2", preferredVersion: false }));
    registry.add(customResource({ version: "v1", preferredVersion: true }));
    assert.deepEqual(registry.groups(), [{ name: "stable.example.com", versions: ["v2", "v1"], preferredVersion: "v1" }]);
  });

  test("adding the same resource again replaces it", () => {
    const registry = new ResourceRegistry([]);
    registry.add(customResource({ shortNames: ["ct"] }));
    registry.add(customResource({ shortNames: ["tab"] }));
    assert.deepEqual(registry.all().map((r) => r.shortNames), [["tab"]]);
  });

  test("refuses a second resource for a kind already served", () => {
    const registry = new ResourceRegistry();
    const clash = customResource({ group: "apps", version: "v1", kind: "Deployment", plural: "deploys" });
    assert.throws(
      () => registry.add(clash),
      (error: unknown) => error instanceof ResourceConflictError && error.reason === "ResourceConflict" && error.existing.plural === "deployments",
    );
    assert.equal(registry.byResource("apps", "v1", "deploys"), undefined);
  });

  test("all() walks every resource in discovery order", () => {
    const registry = new ResourceRegistry();
    const all = registry.all();
    assert.equal(all.length, builtinResources.length);
    assert.equal(all[0]?.plural, "bindings");
    assert.equal(all.at(-1)?.plural, "prioritylevelconfigurations");
    const autoscaling = all.filter((r) => r.group === "autoscaling").map((r) => r.version);
    assert.deepEqual(autoscaling, ["v2", "v1"]);
  });
});
