import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
  bodyProblems,
  MalformedJsonError,
  parseFieldValidation,
  patchBodyProblems,
  strictDecodingError,
  strictPatchError,
  unknownFieldProblem,
  unknownFields,
  type FieldValidation,
  type WriteOptionsKind,
} from "./field-validation.ts";
import { ApiError } from "./status.ts";

const podSpec = () => ({
  restartPolicy: "Always",
  serviceAccountName: "web",
  nodeSelector: { "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": "a" },
  securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } },
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }],
      },
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "web" } } } },
      ],
    },
  },
  tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule", tolerationSeconds: 30 }],
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } }],
  initContainers: [{ name: "init", image: "busybox", command: ["sh", "-c", "true"], restartPolicy: "Always" }],
  containers: [
    {
      name: "web",
      image: "nginx:1.27",
      imagePullPolicy: "IfNotPresent",
      args: ["--port=8080"],
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
      env: [
        { name: "MODE", value: "prod" },
        { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "KEY", valueFrom: { secretKeyRef: { name: "s", key: "k", optional: true } } },
        { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1m" } } },
      ],
      envFrom: [{ configMapRef: { name: "cfg" } }, { prefix: "S_", secretRef: { name: "s" } }],
      resources: { limits: { cpu: "500m", memory: "128Mi", "nvidia.com/gpu": 1 }, requests: { cpu: 0.25, memory: "64Mi" } },
      livenessProbe: { httpGet: { path: "/healthz", port: "http", httpHeaders: [{ name: "X", value: "y" }] }, initialDelaySeconds: 3 },
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
      startupProbe: { exec: { command: ["true"] }, failureThreshold: 30 },
      lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ["true"] } } },
      volumeMounts: [{ name: "data", mountPath: "/data" }, { name: "cfg", mountPath: "/etc/cfg", readOnly: true }],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
    },
  ],
  volumes: [
    { name: "data", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } },
    { name: "cfg", configMap: { name: "cfg", items: [{ key: "a", path: "a.conf" }], defaultMode: 420 } },
    { name: "host", hostPath: { path: "/var/log", type: "Directory" } },
    { name: "claim", persistentVolumeClaim: { claimName: "data" } },
    {
      name: "token",
      projected: {
        sources: [
          { serviceAccountToken: { path: "token", expirationSeconds: 3600, audience: "api" } },
          { downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
          { secret: { name: "s" } },
        ],
      },
    },
  ],
});

const objectMeta = (name: string) => ({
  name,
  namespace: "default",
  labels: { app: "web", "app.kubernetes.io/part-of": "shop" },
  annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"a":1}\n', "example.com/any key": "x" },
  ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u", controller: true, blockOwnerDeletion: true }],
  finalizers: ["example.com/f"],
  managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "v1", time: "2024-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:labels": { ".": {} } } } }],
});

const pod = () => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: objectMeta("web-0"),
  spec: podSpec(),
  status: {
    phase: "Running",
    podIP: "10.0.0.5",
    podIPs: [{ ip: "10.0.0.5" }],
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }],
    containerStatuses: [{ name: "web", ready: true, restartCount: 0, image: "nginx", imageID: "sha", state: { running: { startedAt: "2024-01-01T00:00:00Z" } } }],
  },
});

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: objectMeta("web"),
  spec: {
    replicas: 3,
    revisionHistoryLimit: 5,
    selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "Exists" }] },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
    template: { metadata: { labels: { app: "web" }, annotations: { "prometheus.io/scrape": "true" } }, spec: podSpec() },
  },
  status: { replicas: 3, readyReplicas: 3, conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }] },
});

const service = () => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", labels: { app: "web" } },
  spec: {
    type: "NodePort",
    selector: { app: "web", "app.kubernetes.io/name": "web" },
    ports: [
      { name: "http", port: 80, targetPort: "http", nodePort: 30080, protocol: "TCP" },
      { name: "alt", port: 8443, targetPort: 8443, appProtocol: "https" },
    ],
    sessionAffinity: "ClientIP",
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
    ipFamilies: ["IPv4"],
    ipFamilyPolicy: "SingleStack",
  },
  status: { loadBalancer: { ingress: [{ ip: "1.2.3.4", ports: [{ port: 80, protocol: "TCP" }] }] } },
});

const configMap = () => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "cfg" },
  data: { "app.properties": "a=1", "spec.foo": "not a field", bogus: "x", "weird key with spaces": "y" },
  binaryData: { "blob.bin": "AAEC" },
  immutable: false,
});

const job = () => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "pi" },
  spec: {
    backoffLimit: 4,
    completions: 5,
    parallelism: 2,
    completionMode: "Indexed",
    ttlSecondsAfterFinished: 100,
    podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { containerName: "pi", operator: "In", values: [42] } }] },
    template: { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl", command: ["perl", "-e", "1"] }] } },
  },
});

const cronJob = () => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "hello" },
  spec: {
    schedule: "*/1 * * * *",
    timeZone: "Etc/UTC",
    concurrencyPolicy: "Forbid",
    successfulJobsHistoryLimit: 3,
    jobTemplate: {
      metadata: { labels: { job: "hello" } },
      spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "hello", image: "busybox", args: ["date"] }] } } },
    },
  },
});

const customResourceDefinition = () => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wd"] },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
        additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }],
        schema: {
          openAPIV3Schema: {
            type: "object",
            "x-kubernetes-preserve-unknown-fields": true,
            properties: {
              spec: {
                type: "object",
                required: ["size"],
                "x-kubernetes-validations": [{ rule: "self.size >= 0", message: "size must not be negative" }],
                properties: {
                  size: { type: "integer", default: 1, minimum: 0 },
                  port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
                  tags: { type: "array", items: { type: "string", anythingGoesInsideItems: 1 }, "x-kubernetes-list-type": "set" },
                  extra: { type: "object", additionalProperties: { type: "string" }, "x-kubernetes-map-type": "granular" },
                  color: { type: "string", enum: ["red", { odd: true }] },
                },
              },
            },
          },
        },
      },
    ],
  },
});

const controllerRevision = () => ({
  apiVersion: "apps/v1",
  kind: "ControllerRevision",
  metadata: { name: "web-1" },
  revision: 1,
  data: { spec: { template: { anything: { at: ["all", { depths: true }] } } } },
});

const webhookConfiguration = () => ({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingWebhookConfiguration",
  metadata: { name: "policy" },
  webhooks: [
    {
      name: "policy.example.com",
      admissionReviewVersions: ["v1"],
      sideEffects: "None",
      clientConfig: { service: { namespace: "default", name: "policy", path: "/validate", port: 443 }, caBundle: "Q0E=" },
      rules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"], scope: "Namespaced" }],
    },
  ],
});

describe("parseFieldValidation", () => {
  const accepted: [string | null, FieldValidation][] = [
    [null, "Warn"],
    ["", "Warn"],
    ["Warn", "Warn"],
    ["Ignore", "Ignore"],
    ["Strict", "Strict"],
  ];
  for (const [value, expected] of accepted) {
    test(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(parseFieldValidation(value, "CreateOptions"), expected));
  }

  const rejected: [string, WriteOptionsKind][] = [
    ["strict", "CreateOptions"],
    ["warn", "UpdateOptions"],
    ["Strict ", "PatchOptions"],
    ["true", "CreateOptions"],
  ];
  for (const [value, options] of rejected) {
    test(`${JSON.stringify(value)} on ${options} is a 422 naming the options`, () => {
      const detail = `Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Strict", "Warn"`;
      assert.throws(
        () => parseFieldValidation(value, options),
        (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.code, 422);
          assert.equal(e.reason, "Invalid");
          assert.equal(e.message, `${options}.meta.k8s.io "" is invalid: fieldValidation: ${detail}`);
          assert.deepEqual(e.details, {
            group: "meta.k8s.io",
            kind: options,
            causes: [{ reason: "FieldValueNotSupported", message: detail, field: "fieldValidation" }],
          });
          return true;
        },
      );
    });
  }
});

describe("unknownFields: objects every field of which is known", () => {
  const known: [string, string, string, string, () => unknown][] = [
    ["Pod", "", "v1", "Pod", pod],
    ["Deployment with a full template", "apps", "v1", "Deployment", deployment],
    ["Service with int and string target ports", "", "v1", "Service", service],
    ["ConfigMap whose keys look like fields", "", "v1", "ConfigMap", configMap],
    ["Job", "batch", "v1", "Job", job],
    ["CronJob", "batch", "v1", "CronJob", cronJob],
    ["CRD using x-kubernetes extensions and free-form JSON", "apiextensions.k8s.io", "v1", "CustomResourceDefinition", customResourceDefinition],
    ["ControllerRevision with arbitrary data", "apps", "v1", "ControllerRevision", controllerRevision],
    ["webhook rules with resources and scope", "admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", webhookConfiguration],
  ];
  for (const [name, group, version, kind, make] of known) {
    test(name, () => {
      const obj = make();
      assert.deepEqual(unknownFields(group, version, kind, obj), []);
      assert.deepEqual(bodyProblems(group, version, kind, JSON.stringify(obj, null, 2)), []);
    });
  }
});

describe("unknownFields: typos at several depths", () => {
  const cases: [string, string, string, string, (o: Record<string, unknown>) => void, string[]][] = [
    ["top level", "apps", "v1", "Deployment", (o) => (o["specs"] = {}), ["specs"]],
    ["metadata", "apps", "v1", "Deployment", (o) => set(o, ["metadata", "label"], { a: "b" }), ["metadata.label"]],
    ["spec", "apps", "v1", "Deployment", (o) => set(o, ["spec", "foo"], 1), ["spec.foo"]],
    [
      "container in the template",
      "apps",
      "v1",
      "Deployment",
      (o) => set(o, ["spec", "template", "spec", "containers", 0, "imagePullPolice"], "Always"),
      ["spec.template.spec.containers[0].imagePullPolice"],
    ],
    [
      "second element of a nested list",
      "",
      "v1",
      "Pod",
      (o) => set(o, ["spec", "containers", 0, "env", 1, "valueFrom", "fieldRef", "path"], "x"),
      ["spec.containers[0].env[1].valueFrom.fieldRef.path"],
    ],
    [
      "inside a probe's int-or-string neighbour",
      "",
      "v1",
      "Pod",
      (o) => set(o, ["spec", "containers", 0, "livenessProbe", "httpGet", "prot"], 80),
      ["spec.containers[0].livenessProbe.httpGet.prot"],
    ],
    ["status", "", "v1", "Service", (o) => set(o, ["status", "loadBalancer", "ingress", 0, "hostnme"], "h"), ["status.loadBalancer.ingress[0].hostnme"]],
    ["case matters", "", "v1", "Service", (o) => set(o, ["spec", "Type"], "ClusterIP"), ["spec.Type"]],
    [
      "JSONSchemaProps below a map of properties",
      "apiextensions.k8s.io",
      "v1",
      "CustomResourceDefinition",
      (o) => set(o, ["spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "spec", "properties", "size", "minimun"], 0),
      ["spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.minimun"],
    ],
    [
      "an empty struct knows no field",
      "apiextensions.k8s.io",
      "v1",
      "CustomResourceDefinition",
      (o) => set(o, ["spec", "versions", 0, "subresources", "status", "enabled"], true),
      ["spec.versions[0].subresources.status.enabled"],
    ],
    [
      "CronJob's job template",
      "batch",
      "v1",
      "CronJob",
      (o) => set(o, ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "args2"], []),
      ["spec.jobTemplate.spec.template.spec.containers[0].args2"],
    ],
  ];
  for (const [name, group, version, kind, mutate, expected] of cases) {
    test(name, () => {
      const base: Record<string, () => unknown> = { Deployment: deployment, Pod: pod, Service: service, CustomResourceDefinition: customResourceDefinition, CronJob: cronJob };
      const obj = base[kind]!() as Record<string, unknown>;
      mutate(obj);
      assert.deepEqual(unknownFields(group, version, kind, obj), expected);
      assert.deepEqual(bodyProblems(group, version, kind, JSON.stringify(obj)), expected.map(unknownFieldProblem));
    });
  }

  test("several typos come back in document order, and nothing below an unknown field", () => {
    const obj = deployment() as Record<string, unknown>;
    set(obj, ["spec", "foo"], { deeper: { still: 1 } });
    set(obj, ["spec", "template", "spec", "containers", 0, "bogus"], true);
    set(obj, ["spec", "template", "spec", "volumes", 1, "configMap", "items", 0, "mod"], 1);
    set(obj, ["metadata", "nam"], "x");
    assert.deepEqual(unknownFields("apps", "v1", "Deployment", obj), [
      "metadata.nam",
      "spec.template.spec.containers[0].bogus",
      "spec.template.spec.volumes[1].configMap.items[0].mod",
      "spec.foo",
    ]);
  });

  test("apiVersion and kind are always known", () => {
    assert.deepEqual(unknownFields("", "v1", "ConfigMap", { apiVersion: "v1", kind: "ConfigMap" }), []);
  });
});

describe("unknownFields: what is never flagged", () => {
  const cases: [string, string, string, string, unknown][] = [
    ["labels and annotations with any keys", "", "v1", "ConfigMap", { metadata: { labels: { "spec.foo": "x", "": "y" }, annotations: { "a/b": "c" } } }],
    ["resource quantities by any name", "", "v1", "Pod", { spec: { containers: [{ name: "c", resources: { limits: { "example.com/foo": "1" } } }] } }],
    ["int-or-string given either way", "apps", "v1", "Deployment", { spec: { strategy: { rollingUpdate: { maxSurge: 2, maxUnavailable: "10%" } } } }],
    ["a raw extension holding objects", "apps", "v1", "ControllerRevision", { data: { anything: { goes: [{ here: 1 }] } } }],
    ["managed fields' field sets", "", "v1", "Pod", { metadata: { managedFields: [{ fieldsV1: { "f:spec": { "k:{\"name\":\"c\"}": {} } } }] } }],
    ["schema defaults and examples", "apiextensions.k8s.io", "v1", "CustomResourceDefinition", { spec: { versions: [{ schema: { openAPIV3Schema: { default: { x: 1 }, example: [1, { y: 2 }] } } }] } }],
    ["a value of the wrong shape (left to validation)", "", "v1", "Pod", { spec: [{ bogus: 1 }], status: "Running" }],
    ["a custom resource", "example.com", "v1", "Widget", { spec: { anything: 1 }, bogus: true }],
    ["a kind the group does not have", "apps", "v1", "Widget", { bogus: true }],
    ["a version the kind does not have", "apps", "v1beta9", "Deployment", { bogus: true }],
    ["a body that is not an object", "", "v1", "Pod", [1, 2]],
  ];
  for (const [name, group, version, kind, obj] of cases) {
    test(name, () => {
      assert.deepEqual(unknownFields(group, version, kind, obj), []);
      assert.deepEqual(bodyProblems(group, version, kind, JSON.stringify(obj)), []);
    });
  }
});

describe("bodyProblems: repeated keys seen in the raw text", () => {
  const cases: [string, string, string, string, string, string[]][] = [
    ["a repeated struct field", "", "v1", "ConfigMap", '{"metadata":{"name":"a","name":"b"}}', ['duplicate field "metadata.name"']],
    ["a repeated map key", "", "v1", "ConfigMap", '{"data":{"k":"1","k":"2"}}', ['duplicate field "data.k"']],
    ["a repeated top-level field", "", "v1", "ConfigMap", '{"kind":"ConfigMap","kind":"ConfigMap"}', ['duplicate field "kind"']],
    [
      "in a list element, between unknown fields, in document order",
      "apps",
      "v1",
      "Deployment",
      '{"spec":{"foo":1,"template":{"spec":{"containers":[{"name":"a"},{"name":"b","image":"x","name":"c"}]}},"bar":2}}',
      ['unknown field "spec.foo"', 'duplicate field "spec.template.spec.containers[1].name"', 'unknown field "spec.bar"'],
    ],
    ["an unknown field twice is reported once, not as a duplicate", "", "v1", "ConfigMap", '{"spec":1,"spec":2}', ['unknown field "spec"']],
    ["nothing inside self-decoding JSON", "apps", "v1", "ControllerRevision", '{"data":{"a":1,"a":2}}', []],
    ["custom resources: repeated keys anywhere", "example.com", "v1", "Widget", '{"spec":{"x":[{"a":1,"a":2}]},"spec":{}}', ['duplicate field "spec.x[0].a"', 'duplicate field "spec"']],
    ["keys with escapes are compared decoded", "", "v1", "ConfigMap", '{"data":{"a\\u0062":"1","ab":"2"}}', ['duplicate field "data.ab"']],
    ["paths are quoted as Go quotes them", "", "v1", "ConfigMap", '{"data":{"say \\"hi\\"\\n":"1","say \\"hi\\"\\n":"2"}}', ['duplicate field "data.say \\"hi\\"\\n"']],
    ["whitespace anywhere", "", "v1", "ConfigMap", ' {\n "data" : { "k" : "1" ,\t"k":"2" } , "x" : [ 1 , 2 ] }\n', ['duplicate field "data.k"', 'unknown field "x"']],
    ["scalars of every kind are skipped", "", "v1", "ConfigMap", '{"immutable":true,"data":null,"metadata":{"generation":-1.5e3,"name":"a\\\\"},"x":false}', ['unknown field "x"']],
  ];
  for (const [name, group, version, kind, body, expected] of cases) {
    test(name, () => assert.deepEqual(bodyProblems(group, version, kind, body), expected));
  }

  test("at most 100 problems, as upstream keeps", () => {
    const fields = Array.from({ length: 150 }, (_, i) => `"f${i}":1`).join(",");
    const problems = bodyProblems("", "v1", "ConfigMap", `{${fields}}`);
    assert.equal(problems.length, 100);
    assert.equal(problems[99], 'unknown field "f99"');
  });

  const malformed = ['{"data":', '{"data" 1}', '{"a":1 "b":2}', "[1 2]", '{"a":"unterminated}', "", '{"a":[1,2}'];
  for (const body of malformed) {
    test(`malformed text ${JSON.stringify(body)} throws MalformedJsonError`, () => {
      assert.throws(() => bodyProblems("example.com", "v1", "Widget", body), (e: unknown) => e instanceof MalformedJsonError && e.reason === "MalformedJson");
    });
  }
});

describe("patchBodyProblems", () => {
  const cases: [string, "json" | "merge" | "strategic", string, string[]][] = [
    ["strategic: repeated keys at any depth", "strategic", '{"spec":{"replicas":1,"replicas":2,"template":{"spec":{"$setElementOrder/containers":[{"name":"a"}]}}}}', ['duplicate field "spec.replicas"']],
    ["merge: unknown fields are not the body's business", "merge", '{"spec":{"foo":1}}', []],
    ["json: operations' unknown and repeated keys", "json", '[{"op":"add","path":"/a","value":{"k":1,"k":2}},{"op":"remove","path":"/b","op":"remove","extra":1}]', [
      'json patch duplicate field "[0].value.k"',
      'json patch duplicate field "[1].op"',
      'json patch unknown field "[1].extra"',
    ]],
  ];
  for (const [name, type, body, expected] of cases) {
    test(name, () => assert.deepEqual(patchBodyProblems(type, body), expected));
  }
});

describe("errors returned to Strict writes", () => {
  test("create or update: 400 with upstream's decode message", () => {
    const e = strictDecodingError("Deployment", "v1", "Deployment", ['unknown field "spec.foo"', 'unknown field "spec.template.spec.containers[0].bogus"']);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    assert.equal(
      e.message,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bogus"',
    );
  });

  const patchCases: [string, "json" | "merge" | "strategic", unknown, unknown, string][] = [
    [
      "strategic: the patch printed as Go prints a map",
      "strategic",
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.26", bogus: true }] } }, replicas: 3, ratio: 0.5, big: 2500000.5, tiny: 0.00001, none: null } },
      {},
      ' "" is invalid: patch: Invalid value: "map[spec:map[big:2.5000005e+06 none:<nil> ratio:0.5 replicas:3 template:map[spec:map[containers:[map[bogus:true image:nginx:1.26 name:web]]]] tiny:1e-05]]": strict decoding error: unknown field "spec.template.spec.containers[0].bogus"',
    ],
    [
      "merge: the patched object as JSON, quoted",
      "merge",
      { spec: { bogus: true } },
      { kind: "ConfigMap", spec: { bogus: true } },
      ' "" is invalid: patch: Invalid value: "{\\"kind\\":\\"ConfigMap\\",\\"spec\\":{\\"bogus\\":true}}": strict decoding error: unknown field "spec.template.spec.containers[0].bogus"',
    ],
  ];
  for (const [name, type, patchBody, patched, message] of patchCases) {
    test(`patch, ${name}: 422`, () => {
      const e = strictPatchError(type, patchBody, patched, ['unknown field "spec.template.spec.containers[0].bogus"']);
      assert.equal(e.code, 422);
      assert.equal(e.reason, "Invalid");
      assert.equal(e.message, message);
      assert.equal(e.details?.causes?.[0]?.field, "patch");
      assert.equal(e.details?.causes?.[0]?.reason, "FieldValueInvalid");
      assert.equal(e.message.endsWith(`patch: ${e.details?.causes?.[0]?.message}`), true);
    });
  }
});

function set(obj: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let at: unknown = obj;
  for (const step of path.slice(0, -1)) {
    const container = at as Record<string | number, unknown>;
    container[step] ??= {};
    at = container[step];
  }
  (at as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}
