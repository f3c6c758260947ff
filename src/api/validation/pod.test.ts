import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validatePodCreate, validatePodTemplate, validatePodUpdate } from "./pod.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function pod(): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default" },
    spec: {
      containers: [
        {
          name: "app",
          image: "nginx:1.27",
          ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
          env: [{ name: "MODE", value: "prod" }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
          resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } },
          readinessProbe: { httpGet: { path: "/", port: "http" } },
        },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      terminationGracePeriodSeconds: 30,
    },
  };
}

type Edit = (p: JsonObject) => void;
const spec = (p: JsonObject): JsonObject => p.spec as JsonObject;
const container = (p: JsonObject, i = 0): JsonObject => (spec(p).containers as JsonObject[])[i] as JsonObject;

function edited(edit: Edit): JsonObject {
  const p = pod();
  edit(p);
  return p;
}

describe("validatePodCreate", () => {
  test("a valid pod", () => assert.deepEqual(texts(validatePodCreate(pod())), []));

  test("defaulted fields may be absent", () => {
    const p = edited((p) => {
      delete spec(p).restartPolicy;
      delete spec(p).dnsPolicy;
      delete spec(p).terminationGracePeriodSeconds;
      delete ((container(p).ports as JsonObject[])[0] as JsonObject).protocol;
    });
    assert.deepEqual(texts(validatePodCreate(p)), []);
  });

  const cases: [string, Edit, string[]][] = [
    ["no containers", (p) => (spec(p).containers = []), ["spec.containers: Required value"]],
    ["image required", (p) => delete container(p).image, ["spec.containers[0].image: Required value"]],
    [
      "image whitespace",
      (p) => (container(p).image = " nginx"),
      ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'],
    ],
    ["container name required", (p) => delete container(p).name, ["spec.containers[0].name: Required value"]],
    [
      "duplicate container names",
      (p) => (spec(p).containers as JsonObject[]).push({ name: "app", image: "busybox" }),
      ['spec.containers[1].name: Duplicate value: "app"'],
    ],
    [
      "init container named like a container",
      (p) => (spec(p).initContainers = [{ name: "app", image: "busybox" }]),
      ['spec.initContainers[0].name: Duplicate value: "app"'],
    ],
    [
      "port out of range and bad protocol",
      (p) => (container(p).ports = [{ containerPort: 70000, protocol: "HTTP" }]),
      [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    ["port required", (p) => (container(p).ports = [{ name: "x" }]), ["spec.containers[0].ports[0].containerPort: Required value"]],
    [
      "duplicate port names",
      (p) => (container(p).ports = [{ name: "http", containerPort: 80 }, { name: "http", containerPort: 81 }]),
      ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    ],
    [
      "host port conflict",
      (p) => (container(p).ports = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }]),
      ['spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//8080"'],
    ],
    [
      "env name with equals",
      (p) => (container(p).env = [{ name: "A=B", value: "x" }]),
      ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\''],
    ],
    [
      "env value and valueFrom",
      (p) => (container(p).env = [{ name: "A", value: "x", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]),
      ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'],
    ],
    [
      "env field path unsupported",
      (p) => (container(p).env = [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.restartPolicy" } } }]),
      [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      ],
    ],
    [
      "env field label unknown",
      (p) => (container(p).env = [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.foo" } } }]),
      ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: field label not supported: spec.foo'],
    ],
    [
      "env secret key required",
      (p) => (container(p).env = [{ name: "A", valueFrom: { secretKeyRef: { name: "s" } } }]),
      ["spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value"],
    ],
    [
      "mount of an unknown volume",
      (p) => (container(p).volumeMounts = [{ name: "missing", mountPath: "/x" }]),
      ['spec.containers[0].volumeMounts[0].name: Not found: "missing"'],
    ],
    [
      "mount paths unique",
      (p) => (container(p).volumeMounts = [{ name: "data", mountPath: "/d" }, { name: "data", mountPath: "/d" }]),
      ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique'],
    ],
    [
      "sub path may not climb",
      (p) => (container(p).volumeMounts = [{ name: "data", mountPath: "/d", subPath: "../etc" }]),
      ['spec.containers[0].volumeMounts.subPath: Invalid value: "../etc": must not contain \'..\''],
    ],
    [
      "duplicate volume names",
      (p) => (spec(p).volumes = [{ name: "data", emptyDir: {} }, { name: "data", emptyDir: {} }]),
      ['spec.volumes[1].name: Duplicate value: "data"'],
    ],
    [
      "volume without source, so its mount finds nothing",
      (p) => (spec(p).volumes = [{ name: "data" }]),
      ["spec.volumes[0]: Required value: must specify a volume type", 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    [
      "volume with two sources",
      (p) => (spec(p).volumes = [{ name: "data", emptyDir: {}, hostPath: { path: "/tmp" } }]),
      ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type", 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    [
      "config map volume",
      (p) => (spec(p).volumes = [{ name: "data", configMap: { defaultMode: 1000, items: [{ key: "a", path: "/abs" }] } }]),
      [
        "spec.volumes[0].configMap.name: Required value",
        "spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive",
        'spec.volumes[0].configMap.items[0].path: Invalid value: "/abs": must be a relative path',
        'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      ],
    ],
    [
      "requests above limits",
      (p) => (container(p).resources = { requests: { cpu: "2" }, limits: { cpu: "1" } }),
      ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ],
    [
      "unknown resource name",
      (p) => (container(p).resources = { requests: { gpu: "1" } }),
      ['spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified', 'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers'],
    ],
    [
      "extended resources are integers with a limit",
      (p) => (container(p).resources = { requests: { "example.com/gpu": "500m" } }),
      [
        'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
        "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources",
      ],
    ],
    [
      "negative quantity",
      (p) => (container(p).resources = { limits: { memory: "-1Mi" } }),
      ['spec.containers[0].resources.limits[memory]: Invalid value: "-1Mi": must be greater than or equal to 0'],
    ],
    [
      "unparsable quantity",
      (p) => (container(p).resources = { limits: { memory: "lots" } }),
      ["spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ],
    [
      "probe without handler",
      (p) => (container(p).livenessProbe = { periodSeconds: 5 }),
      ["spec.containers[0].livenessProbe: Required value: must specify a handler type"],
    ],
    [
      "probe with two handlers",
      (p) => (container(p).livenessProbe = { exec: { command: ["true"] }, tcpSocket: { port: 80 } }),
      ["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"],
    ],
    [
      "liveness success threshold",
      (p) => (container(p).livenessProbe = { exec: { command: ["true"] }, successThreshold: 2 }),
      ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"],
    ],
    [
      "negative probe period",
      (p) => (container(p).readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: -1 }),
      ["spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"],
    ],
    [
      "probe port name",
      (p) => (container(p).readinessProbe = { httpGet: { port: "HTTP" } }),
      [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    ],
    [
      "restart policy",
      (p) => (spec(p).restartPolicy = "Sometimes"),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      "dns policy",
      (p) => (spec(p).dnsPolicy = "Cluster"),
      ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
    ],
    ["dns policy None needs a config", (p) => (spec(p).dnsPolicy = "None"), ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]],
    [
      "negative grace period is allowed, a string is not",
      (p) => (spec(p).terminationGracePeriodSeconds = "30"),
      ['spec.terminationGracePeriodSeconds: Invalid value: "30": must be of type integer'],
    ],
    [
      "active deadline",
      (p) => (spec(p).activeDeadlineSeconds = 0),
      ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"],
    ],
    ["node selector", (p) => (spec(p).nodeSelector = { "-bad": "x" }), ["spec.nodeSelector"]],
    [
      "toleration without key",
      (p) => (spec(p).tolerations = [{ operator: "Equal", value: "x" }]),
      ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
    ],
    [
      "toleration seconds need NoExecute",
      (p) => (spec(p).tolerations = [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 10 }]),
      ['spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set'],
    ],
    [
      "toleration operator and effect",
      (p) => (spec(p).tolerations = [{ key: "k", operator: "Gt", effect: "Evict" }]),
      [
        'spec.tolerations[0].operator: Unsupported value: "Gt": supported values: "Equal", "Exists"',
        'spec.tolerations[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    ],
    [
      "hostNetwork needs matching host ports",
      (p) => {
        spec(p).hostNetwork = true;
        container(p).ports = [{ containerPort: 80, hostPort: 81 }];
      },
      ["spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true"],
    ],
    [
      "ephemeral containers only through their subresource",
      (p) => (spec(p).ephemeralContainers = [{ name: "debug", image: "busybox" }]),
      ["spec.ephemeralContainers: Forbidden: cannot be set on create"],
    ],
    [
      "node name with scheduling gates",
      (p) => {
        spec(p).nodeName = "node-1";
        spec(p).schedulingGates = [{ name: "example.com/gate" }];
      },
      ["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"],
    ],
    [
      "service account token needs a service account",
      (p) => (spec(p).volumes = [{ name: "data", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }]),
      ["spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set"],
    ],
    [
      "sleep hook beyond the grace period",
      (p) => (container(p).lifecycle = { preStop: { sleep: { seconds: 60 } } }),
      [
        "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.",
      ],
    ],
    [
      "init containers without restartPolicy have no probes",
      (p) => (spec(p).initContainers = [{ name: "init", image: "busybox", readinessProbe: { exec: { command: ["true"] } } }]),
      ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const errs = validatePodCreate(edited(edit));
      // Map-level label errors are asserted by path only.
      if (expected.length === 1 && !expected[0]!.includes(":")) assert.deepEqual(errs.map((e) => e.field), expected);
      else assert.deepEqual(texts(errs), expected);
    });
  }
});

describe("validatePodUpdate", () => {
  const old = (): JsonObject => {
    const p = pod();
    (p.metadata as JsonObject).uid = "u1";
    spec(p).tolerations = [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }];
    spec(p).activeDeadlineSeconds = 100;
    return p;
  };
  const forbiddenPrefix =
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n";

  const cases: [string, Edit, string[]][] = [
    ["image change", (p) => (container(p).image = "nginx:1.28"), []],
    ["shorter deadline", (p) => (spec(p).activeDeadlineSeconds = 50), []],
    ["longer deadline", (p) => (spec(p).activeDeadlineSeconds = 200), ["spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"]],
    ["deadline removed", (p) => delete spec(p).activeDeadlineSeconds, ["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"]],
    [
      "added toleration and changed tolerationSeconds",
      (p) =>
        (spec(p).tolerations = [
          { key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 },
          { key: "other", operator: "Exists" },
        ]),
      [],
    ],
    ["removed toleration", (p) => (spec(p).tolerations = []), ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]],
    ["added container", (p) => (spec(p).containers as JsonObject[]).push({ name: "b", image: "busybox" }), ["spec.containers: Forbidden: pod updates may not add or remove containers"]],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const next = old();
      edit(next);
      assert.deepEqual(texts(validatePodUpdate(next, old())), expected);
    });
  }

  test("other spec changes are forbidden, listing what changed", () => {
    const next = old();
    spec(next).nodeName = "node-2";
    const errs = texts(validatePodUpdate(next, old()));
    assert.equal(errs.length, 1);
    assert.ok(errs[0]!.startsWith(forbiddenPrefix), errs[0]);
    assert.ok(errs[0]!.includes('+ nodeName: "node-2"'), errs[0]);
  });

  test("metadata immutability applies", () => {
    const next = old();
    (next.metadata as JsonObject).uid = "u2";
    assert.deepEqual(texts(validatePodUpdate(next, old())), ['metadata.uid: Invalid value: "u2": field is immutable']);
  });
});

describe("validatePodTemplate", () => {
  test("template labels are checked on the template's path", () => {
    const template = { metadata: { name: "t", namespace: "default" }, template: { metadata: { labels: { "-x": "y" } }, spec: spec(pod()) } };
    assert.deepEqual(
      validatePodTemplate(template).map((e) => e.field),
      ["template.labels"],
    );
  });

  test("template images may carry whitespace", () => {
    const p = pod();
    container(p).image = " nginx";
    const template = { metadata: { name: "t", namespace: "default" }, template: { spec: spec(p) } };
    assert.deepEqual(validatePodTemplate(template), []);
  });
});
