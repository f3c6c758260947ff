import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import {
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicationController,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from "./workloads.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function template(labels: Record<string, string> = { app: "web" }): JsonObject {
  return { metadata: { labels }, spec: { containers: [{ name: "app", image: "nginx" }] } };
}

function deployment(): JsonObject {
  return {
    metadata: { name: "web", namespace: "default" },
    spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: template() },
  };
}

type Edit = (o: JsonObject) => void;
const spec = (o: JsonObject): JsonObject => o.spec as JsonObject;

function run(validate: (o: JsonObject) => FieldError[], base: () => JsonObject, edit: Edit): string[] {
  const o = base();
  edit(o);
  return texts(validate(o));
}

describe("Deployment", () => {
  test("valid", () => assert.deepEqual(texts(validateDeployment(deployment())), []));

  const cases: [string, Edit, string[]][] = [
    ["negative replicas", (d) => (spec(d).replicas = -1), ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
    [
      "no selector",
      (d) => delete spec(d).selector,
      ["spec.selector: Required value", 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      "empty selector",
      (d) => (spec(d).selector = {}),
      ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"],
    ],
    [
      "selector not matching",
      (d) => (spec(d).selector = { matchLabels: { app: "api" } }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      "invalid selector",
      (d) => (spec(d).selector = { matchExpressions: [{ key: "app", operator: "In" }] }),
      [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
      ],
    ],
    [
      "template restart policy",
      (d) => ((spec(d).template as JsonObject).spec = { containers: [{ name: "app", image: "nginx" }], restartPolicy: "Never" }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      "both surge and unavailable zero",
      (d) => (spec(d).strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
    ],
    [
      "bad percentage",
      (d) => (spec(d).strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "50", maxUnavailable: "150%" } }),
      [
        'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"50"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')',
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
      ],
    ],
    [
      "recreate with rolling parameters",
      (d) => (spec(d).strategy = { type: "Recreate", rollingUpdate: {} }),
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      "progress deadline not above min ready",
      (d) => {
        spec(d).minReadySeconds = 10;
        spec(d).progressDeadlineSeconds = 10;
      },
      ["spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"],
    ],
    [
      "replicas of the wrong type",
      (d) => (spec(d).replicas = "3"),
      ['spec.replicas: Invalid value: "3": must be of type integer'],
    ],
  ];
  for (const [name, edit, expected] of cases) test(name, () => assert.deepEqual(run(validateDeployment, deployment, edit), expected));

  test("selector is immutable", () => {
    const old = deployment();
    const next = deployment();
    spec(next).selector = { matchLabels: { app: "web", tier: "x" } };
    spec(next).template = template({ app: "web", tier: "x" });
    assert.deepEqual(texts(validateDeploymentUpdate(next, old)), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  test("scaling is an allowed update", () => {
    const next = deployment();
    spec(next).replicas = 10;
    assert.deepEqual(validateDeploymentUpdate(next, deployment()), []);
  });
});

describe("ReplicaSet and ReplicationController", () => {
  test("a ReplicaSet with an active deadline", () => {
    const rs = deployment();
    (spec(rs).template as JsonObject).spec = { containers: [{ name: "app", image: "nginx" }], activeDeadlineSeconds: 5 };
    assert.deepEqual(texts(validateReplicaSet(rs)), ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]);
  });

  test("a ReplicationController needs a selector matching its template", () => {
    const rc = { metadata: { name: "rc", namespace: "default" }, spec: { replicas: 1, selector: { app: "other" }, template: template() } };
    assert.deepEqual(texts(validateReplicationController(rc)), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    const noSelector = { metadata: { name: "rc", namespace: "default" }, spec: { template: template() } };
    assert.deepEqual(texts(validateReplicationController(noSelector)), ["spec.selector: Required value"]);
  });
});

function statefulSet(): JsonObject {
  return {
    metadata: { name: "db", namespace: "default" },
    spec: {
      serviceName: "db",
      replicas: 1,
      selector: { matchLabels: { app: "db" } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: { containers: [{ name: "db", image: "postgres", volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql" }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    },
  };
}

describe("StatefulSet", () => {
  test("mounts of claim templates are valid", () => assert.deepEqual(texts(validateStatefulSet(statefulSet())), []));

  const cases: [string, Edit, string[]][] = [
    [
      "name must be a DNS label",
      (s) => ((s.metadata as JsonObject).name = "db.v1"),
      ['metadata.name: Invalid value: "db.v1": must not contain dots'],
    ],
    [
      "pod management policy",
      (s) => (spec(s).podManagementPolicy = "Random"),
      ['spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\''],
    ],
    [
      "claim template without storage",
      (s) => (spec(s).volumeClaimTemplates = [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }]),
      ["spec.volumeClaimTemplates[0].spec.resources[storage]: Required value"],
    ],
    [
      "maxUnavailable zero",
      (s) => (spec(s).updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0 } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: cannot be 0'],
    ],
  ];
  for (const [name, edit, expected] of cases) test(name, () => assert.deepEqual(run(validateStatefulSet, statefulSet, edit), expected));

  test("only some spec fields may change", () => {
    const next = statefulSet();
    spec(next).replicas = 3;
    assert.deepEqual(validateStatefulSetUpdate(next, statefulSet()), []);
    spec(next).serviceName = "other";
    assert.deepEqual(texts(validateStatefulSetUpdate(next, statefulSet())), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

function daemonSet(): JsonObject {
  return { metadata: { name: "agent", namespace: "kube-system" }, spec: { selector: { matchLabels: { app: "web" } }, template: template() } };
}

describe("DaemonSet", () => {
  test("valid", () => assert.deepEqual(texts(validateDaemonSet(daemonSet())), []));

  const cases: [string, Edit, string[]][] = [
    [
      "surge and unavailable both set",
      (d) => (spec(d).updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }),
      ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero"],
    ],
    [
      "both zero",
      (d) => (spec(d).updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }),
      ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"],
    ],
    [
      "unknown strategy",
      (d) => (spec(d).updateStrategy = { type: "Replace" }),
      ['spec.updateStrategy: Unsupported value: {"type":"Replace"}: supported values: "RollingUpdate", "OnDelete"'],
    ],
  ];
  for (const [name, edit, expected] of cases) test(name, () => assert.deepEqual(run(validateDaemonSet, daemonSet, edit), expected));

  test("selector is immutable", () => {
    const next = daemonSet();
    spec(next).selector = { matchLabels: { app: "web", x: "y" } };
    spec(next).template = template({ app: "web", x: "y" });
    assert.deepEqual(
      validateDaemonSetUpdate(next, daemonSet()).map((e) => [e.field, e.detail]),
      [["spec.selector", "field is immutable"]],
    );
  });
});
