import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject } from "./json-value.ts";
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from "./kubernetes-protobuf.ts";
import { ProtobufDecodeError, ProtobufEncodeError } from "./protobuf-errors.ts";
import { WireWriter } from "./wire-writer.ts";

const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Bodies recorded from kubectl v1.32.4 (see kubernetes-protobuf.kubectl.test.ts for the live check). */
const recordedBodies: { command: string; hex: string; object: JsonObject }[] = [
  {
    command: "kubectl create namespace foo",
    hex: "6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200",
    object: { kind: "Namespace", apiVersion: "v1", metadata: { name: "foo", creationTimestamp: null }, spec: {}, status: {} },
  },
  {
    command: "kubectl create secret generic s1 --from-literal=k=v",
    hex: "6b3873000a0c0a0276311206536563726574121e0a120a02733112001a0022002a0032003800420012060a016b1201761a001a002200",
    object: { kind: "Secret", apiVersion: "v1", metadata: { name: "s1", creationTimestamp: null }, data: { k: "dg==" } },
  },
  {
    command: "kubectl auth can-i create pods",
    hex:
      "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577" +
      "123f0a100a0012001a0022002a0032003800420012210a1f0a0764656661756c7412066372656174651a0022002a04706f647332003a00" +
      "1a08080012001a0020001a002200",
    object: {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } },
      status: { allowed: false },
    },
  },
  {
    command: "kubectl create deployment d1 --image=localhost:5000/web:v1 --replicas=2 --port=80",
    hex:
      "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c2010a1d0a02643112001a0022002a003200380042005a090a0361" +
      "707012026431129201080212" +
      "0b0a090a03617070120264311a790a1b0a0012001a0022002a003200380042005a090a0361707012026431125a123c0a0377656212156c" +
      "6f63616c686f73743a353030302f7765623a76312a00320a0a001000185022002a0042006a007200800100880100900100a201001a0032" +
      "0042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200",
    object: {
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name: "d1", creationTimestamp: null, labels: { app: "d1" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "d1" } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: "d1" } },
          spec: { containers: [{ name: "web", image: "localhost:5000/web:v1", ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  },
];

describe("kubectl's recorded protobuf bodies", () => {
  for (const { command, hex, object } of recordedBodies) {
    test(`decodes ${command}`, () => {
      const decoded = decodeKubernetesProtobuf(fromHex(hex));
      assert.deepEqual(decoded, { apiVersion: object["apiVersion"], kind: object["kind"], object });
    });
    test(`encodes ${command} to the same bytes`, () => {
      assert.equal(toHex(encodeKubernetesProtobuf(String(object["apiVersion"]), String(object["kind"]), object)), hex);
    });
  }
});

/** What a Go API server's JSON looks like after a protobuf write: the Go structs' json tags decide. */
const goJsonCases: { name: string; apiVersion: string; kind: string; input: JsonObject; output: JsonObject }[] = [
  {
    name: "non-pointer structs appear even when absent",
    apiVersion: "v1",
    kind: "Namespace",
    input: {},
    output: { metadata: { creationTimestamp: null }, spec: {}, status: {} },
  },
  {
    name: "non-omitempty scalars appear as zero; omitempty ones and empty lists vanish",
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    input: { metadata: { name: "p", generation: 0, finalizers: [] }, globalDefault: false, description: "" },
    output: { metadata: { name: "p", creationTimestamp: null }, value: 0 },
  },
  {
    name: "a pointer bool set to false is kept",
    apiVersion: "v1",
    kind: "ConfigMap",
    input: { metadata: { name: "c" }, immutable: false, data: { a: "" } },
    output: { metadata: { name: "c", creationTimestamp: null }, immutable: false, data: { a: "" } },
  },
  {
    name: "a nil pointer without omitempty is null",
    apiVersion: "apps/v1",
    kind: "Deployment",
    input: { spec: {} },
    output: {
      metadata: { creationTimestamp: null },
      spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
      status: {},
    },
  },
  {
    name: "an empty list without omitempty becomes null, as it does through Go",
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    input: { metadata: { name: "r" }, rules: [] },
    output: { metadata: { name: "r", creationTimestamp: null }, rules: null },
  },
  {
    name: "intOrString as number and string, and a zero non-pointer one",
    apiVersion: "v1",
    kind: "Service",
    input: {
      spec: {
        ports: [
          { name: "a", port: 80, targetPort: 8080 },
          { name: "b", port: 81, targetPort: "http" },
          { name: "c", port: 82 },
        ],
      },
    },
    output: {
      metadata: { creationTimestamp: null },
      spec: {
        ports: [
          { name: "a", port: 80, targetPort: 8080 },
          { name: "b", port: 81, targetPort: "http" },
          { name: "c", port: 82, targetPort: 0 },
        ],
      },
      status: { loadBalancer: {} },
    },
  },
  {
    name: "secret bytes stay base64, binary and empty values included",
    apiVersion: "v1",
    kind: "Secret",
    input: { data: { bin: "AP8Q", empty: "" }, stringData: { plain: "text" }, type: "Opaque" },
    output: {
      metadata: { creationTimestamp: null },
      data: { bin: "AP8Q", empty: "" },
      stringData: { plain: "text" },
      type: "Opaque",
    },
  },
  {
    name: "times are whole seconds in UTC; object references keep pointer bools",
    apiVersion: "v1",
    kind: "ConfigMap",
    input: {
      metadata: {
        name: "c",
        creationTimestamp: "2024-05-01T12:20:30.9+02:00",
        deletionTimestamp: "2024-05-02T00:00:00Z",
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u1", controller: true }],
        managedFields: [
          {
            manager: "kubectl",
            operation: "Update",
            apiVersion: "v1",
            time: "2024-05-01T10:20:30Z",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:data": { "f:a": {} } },
          },
        ],
      },
    },
    output: {
      metadata: {
        name: "c",
        creationTimestamp: "2024-05-01T10:20:30Z",
        deletionTimestamp: "2024-05-02T00:00:00Z",
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u1", controller: true }],
        managedFields: [
          {
            manager: "kubectl",
            operation: "Update",
            apiVersion: "v1",
            time: "2024-05-01T10:20:30Z",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:data": { "f:a": {} } },
          },
        ],
      },
    },
  },
  {
    name: "micro times keep microseconds",
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    input: { spec: { holderIdentity: "node-1", renewTime: "2024-05-01T10:20:30.123456789Z", leaseDurationSeconds: 40 } },
    output: {
      metadata: { creationTimestamp: null },
      spec: { holderIdentity: "node-1", leaseDurationSeconds: 40, renewTime: "2024-05-01T10:20:30.123456Z" },
    },
  },
  {
    name: "Go's zero time is null",
    apiVersion: "v1",
    kind: "Namespace",
    input: { metadata: { creationTimestamp: "0001-01-01T00:00:00Z" } },
    output: { metadata: { creationTimestamp: null }, spec: {}, status: {} },
  },
  {
    name: "inline volume sources, quantities and negative integers",
    apiVersion: "v1",
    kind: "Pod",
    input: {
      spec: {
        activeDeadlineSeconds: -5,
        containers: [{ name: "c", resources: { limits: { cpu: "500m", memory: "1Gi" }, requests: { cpu: 1 } } }],
        volumes: [
          { name: "cm", configMap: { name: "settings", defaultMode: 420 } },
          { name: "scratch", emptyDir: { sizeLimit: "64Mi" } },
        ],
      },
    },
    output: {
      metadata: { creationTimestamp: null },
      spec: {
        activeDeadlineSeconds: -5,
        containers: [{ name: "c", resources: { limits: { cpu: "500m", memory: "1Gi" }, requests: { cpu: "1" } } }],
        volumes: [
          { name: "cm", configMap: { name: "settings", defaultMode: 420 } },
          { name: "scratch", emptyDir: { sizeLimit: "64Mi" } },
        ],
      },
      status: {},
    },
  },
  {
    name: "repeated int32 and pointer int32",
    apiVersion: "batch/v1",
    kind: "Job",
    input: {
      spec: {
        backoffLimit: 0,
        podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [1, -2, 300] } }] },
        template: { spec: { containers: [] } },
      },
    },
    output: {
      metadata: { creationTimestamp: null },
      spec: {
        backoffLimit: 0,
        podFailurePolicy: {
          rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [1, -2, 300] } }],
        },
        template: { metadata: { creationTimestamp: null }, spec: { containers: null } },
      },
      status: {},
    },
  },
  {
    name: "extra values are plain lists of strings",
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    input: { spec: { user: "alice", groups: ["devs"], extra: { scopes: ["a", "b"] }, nonResourceAttributes: { path: "/x", verb: "get" } } },
    output: {
      metadata: { creationTimestamp: null },
      spec: { nonResourceAttributes: { path: "/x", verb: "get" }, user: "alice", groups: ["devs"], extra: { scopes: ["a", "b"] } },
      status: { allowed: false },
    },
  },
  {
    name: "raw extensions carry embedded JSON",
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    input: { data: { spec: { template: { metadata: { labels: { a: "b" } } } } }, revision: 3 },
    output: {
      metadata: { creationTimestamp: null },
      data: { spec: { template: { metadata: { labels: { a: "b" } } } } },
      revision: 3,
    },
  },
  {
    name: "a list keeps its items and list metadata",
    apiVersion: "v1",
    kind: "ConfigMapList",
    input: { metadata: { resourceVersion: "7", remainingItemCount: 0 }, items: [{ metadata: { name: "a" } }] },
    output: {
      metadata: { resourceVersion: "7", remainingItemCount: 0 },
      items: [{ metadata: { name: "a", creationTimestamp: null } }],
    },
  },
  {
    name: "a Status under any group version",
    apiVersion: "v1",
    kind: "Status",
    input: { status: "Failure", reason: "NotFound", code: 404, details: { name: "x", kind: "pods", causes: [] } },
    output: { metadata: {}, status: "Failure", reason: "NotFound", details: { name: "x", kind: "pods" }, code: 404 },
  },
];

describe("Go JSON semantics after encode and decode", () => {
  for (const { name, apiVersion, kind, input, output } of goJsonCases) {
    test(name, () => {
      const decoded = decodeKubernetesProtobuf(encodeKubernetesProtobuf(apiVersion, kind, input));
      assert.deepEqual(decoded.object, { kind, apiVersion, ...output });
    });
    test(`${name}: decoding is a fixed point of encoding`, () => {
      const once = decodeKubernetesProtobuf(encodeKubernetesProtobuf(apiVersion, kind, input));
      const twice = decodeKubernetesProtobuf(encodeKubernetesProtobuf(apiVersion, kind, once.object));
      assert.deepEqual(twice, once);
    });
  }

  test("JSON keys follow Go struct order", () => {
    const { object } = decodeKubernetesProtobuf(
      encodeKubernetesProtobuf("v1", "ConfigMap", { data: { a: "b" }, metadata: { labels: { x: "y" }, name: "c" } }),
    );
    assert.deepEqual(Object.keys(object), ["kind", "apiVersion", "metadata", "data"]);
    assert.deepEqual(Object.keys(object["metadata"] as JsonObject), ["name", "creationTimestamp", "labels"]);
  });
});

/** Builds an envelope by hand, so tests can send what our encoder never writes. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ""): Uint8Array {
  const typeMeta = new WireWriter();
  typeMeta.stringField(1, apiVersion);
  typeMeta.stringField(2, kind);
  const unknown = new WireWriter();
  unknown.bytesField(1, typeMeta.finish());
  unknown.bytesField(2, raw);
  unknown.stringField(3, contentEncoding);
  return Buffer.concat([Buffer.from("k8s\0"), unknown.finish()]);
}

function message(write: (writer: WireWriter) => void): Uint8Array {
  const writer = new WireWriter();
  write(writer);
  return writer.finish();
}

describe("decodeKubernetesProtobuf on unusual input", () => {
  test("skips fields it does not know, of every wire type", () => {
    const metadata = message((w) => w.stringField(1, "c"));
    const raw = Buffer.concat([
      message((w) => w.bytesField(1, metadata)),
      fromHex("f83e07"), // field 999, varint
      fromHex("f93e0102030405060708"), // field 999, fixed64
      fromHex("fd3e01020304"), // field 999, fixed32
      message((w) => w.stringField(999, "later field")),
    ]);
    const { object } = decodeKubernetesProtobuf(envelope("v1", "ConfigMap", raw));
    assert.deepEqual(object, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "c", creationTimestamp: null } });
  });

  test("reads packed repeated integers as well as unpacked ones", () => {
    const requirement = message((w) => {
      w.stringField(2, "In");
      w.bytesField(3, fromHex("01ffffffff0f02")); // packed 1, -1, 2
      w.varintField(3, 7);
    });
    const raw = message((w) =>
      w.bytesField(
        2,
        message((spec) =>
          spec.bytesField(11, message((policy) => policy.bytesField(1, message((rule) => rule.bytesField(2, requirement))))),
        ),
      ),
    );
    const { object } = decodeKubernetesProtobuf(envelope("batch/v1", "Job", raw));
    const spec = object["spec"] as { podFailurePolicy: { rules: { onExitCodes: unknown }[] } };
    assert.deepEqual(spec.podFailurePolicy.rules[0]?.onExitCodes, { operator: "In", values: [1, -1, 2, 7] });
  });

  test("merges a message field sent twice and keeps the last scalar", () => {
    const raw = Buffer.concat([
      message((w) => w.bytesField(1, message((m) => m.stringField(1, "first")))),
      message((w) => w.bytesField(1, message((m) => m.stringField(3, "ns")))),
      message((w) => w.bytesField(1, message((m) => m.stringField(1, "second")))),
    ]);
    const { object } = decodeKubernetesProtobuf(envelope("v1", "ConfigMap", raw));
    assert.deepEqual(object["metadata"], { name: "second", namespace: "ns", creationTimestamp: null });
  });

  test("keeps a map key named __proto__ as an ordinary key", () => {
    const label = message((entry) => {
      entry.stringField(1, "__proto__");
      entry.stringField(2, "x");
    });
    const raw = message((w) => w.bytesField(1, message((metadata) => metadata.bytesField(11, label))));
    const labels = decodeKubernetesProtobuf(envelope("v1", "ConfigMap", raw)).object["metadata"] as { labels: object };
    assert.deepEqual(Object.keys(labels.labels), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(labels.labels), Object.prototype);
  });

  const failures: { name: string; body: Uint8Array; message: RegExp }[] = [
    { name: "JSON instead of protobuf", body: Buffer.from('{"kind":"Pod"}'), message: /does not start with/ },
    { name: "an empty body", body: new Uint8Array(0), message: /does not start with/ },
    { name: "a kind without a schema", body: envelope("example.com/v1", "Widget", new Uint8Array(0)), message: /"Widget" in "example.com\/v1"/ },
    { name: "a known kind in the wrong group", body: envelope("apps/v1", "Pod", new Uint8Array(0)), message: /"Pod" in "apps\/v1"/ },
    { name: "a compressed payload", body: envelope("v1", "Pod", new Uint8Array(0), "gzip"), message: /content encoding "gzip"/ },
    { name: "a truncated envelope", body: fromHex("6b3873000a0f0a0276"), message: /envelope: .*runs past the end/ },
    {
      name: "a string field sent as a varint",
      body: envelope("v1", "ConfigMap", message((w) => w.bytesField(1, message((m) => m.varintField(1, 5))))),
      message: /ConfigMap\.metadata\.name: expected wire type lengthDelimited, got varint/,
    },
    {
      name: "an IntOrString of unknown type",
      body: envelope(
        "v1",
        "Service",
        message((w) =>
          w.bytesField(2, message((spec) => spec.bytesField(1, message((port) => port.bytesField(4, message((v) => v.varintField(1, 2))))))),
        ),
      ),
      message: /Service\.spec\.ports\.targetPort: IntOrString has unknown type 2/,
    },
    {
      name: "embedded JSON that is not JSON",
      body: envelope("apps/v1", "ControllerRevision", message((w) => w.bytesField(2, message((raw) => raw.stringField(1, "{nope"))))),
      message: /ControllerRevision\.data: embedded object is not JSON/,
    },
  ];
  for (const { name, body, message: expected } of failures) {
    test(`rejects ${name}`, () =>
      assert.throws(
        () => decodeKubernetesProtobuf(body),
        (error) => error instanceof ProtobufDecodeError && error.reason === "InvalidProtobuf" && expected.test(error.message),
      ));
  }
});

describe("encodeKubernetesProtobuf on bad input", () => {
  const failures: { name: string; apiVersion: string; kind: string; object: object; message: RegExp }[] = [
    { name: "an unknown kind", apiVersion: "v1", kind: "Widget", object: {}, message: /"Widget" in "v1"/ },
    { name: "a number for a string", apiVersion: "v1", kind: "ConfigMap", object: { metadata: { name: 5 } }, message: /ConfigMap\.metadata\.name: expected a string/ },
    { name: "a fraction for an integer", apiVersion: "apps/v1", kind: "Deployment", object: { spec: { replicas: 1.5 } }, message: /spec\.replicas: expected an integer/ },
    { name: "an object for a list", apiVersion: "v1", kind: "Namespace", object: { metadata: { finalizers: {} } }, message: /finalizers: expected a list/ },
    { name: "a bad time", apiVersion: "v1", kind: "Namespace", object: { metadata: { creationTimestamp: "yesterday" } }, message: /creationTimestamp: expected an RFC 3339 time/ },
    { name: "a list for an object", apiVersion: "v1", kind: "Namespace", object: { spec: [] }, message: /Namespace\.spec: expected an object/ },
  ];
  for (const { name, apiVersion, kind, object, message: expected } of failures) {
    test(`rejects ${name}`, () =>
      assert.throws(
        () => encodeKubernetesProtobuf(apiVersion, kind, object),
        (error) => error instanceof ProtobufEncodeError && error.reason === "UnencodableObject" && expected.test(error.message),
      ));
  }
});
