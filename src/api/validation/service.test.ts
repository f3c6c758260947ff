import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validateService, validateServiceUpdate } from "./service.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function service(): JsonObject {
  return {
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  };
}

type Edit = (o: JsonObject) => void;
const spec = (o: JsonObject): JsonObject => o.spec as JsonObject;

describe("validateService", () => {
  test("valid", () => assert.deepEqual(texts(validateService(service())), []));

  const cases: [string, Edit, string[]][] = [
    [
      "name must be a DNS-1035 label",
      (s) => ((s.metadata as JsonObject).name = "1web"),
      [
        "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    ["ports required", (s) => (spec(s).ports = []), ["spec.ports: Required value"]],
    ["headless needs no ports", (s) => Object.assign(spec(s), { ports: [], clusterIP: "None" }), []],
    ["ExternalName needs no ports", (s) => Object.assign(spec(s), { ports: [], type: "ExternalName", externalName: "db.example.com." }), []],
    ["ExternalName needs a name", (s) => Object.assign(spec(s), { type: "ExternalName" }), ["spec.externalName: Required value"]],
    [
      "port names required with several ports",
      (s) => (spec(s).ports = [{ port: 80 }, { name: "https", port: 443 }]),
      ["spec.ports[0].name: Required value"],
    ],
    [
      "duplicate port",
      (s) => (spec(s).ports = [{ name: "a", port: 80 }, { name: "b", port: 80 }]),
      [
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    ],
    ["port range", (s) => (spec(s).ports = [{ port: 0 }]), ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    [
      "type",
      (s) => (spec(s).type = "Internal"),
      ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ],
    [
      "node port on ClusterIP",
      (s) => (spec(s).ports = [{ name: "http", port: 80, nodePort: 30080 }]),
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      "headless NodePort",
      (s) => Object.assign(spec(s), { type: "NodePort", clusterIP: "None" }),
      ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
    ],
    [
      "bad cluster IP",
      (s) => (spec(s).clusterIP = "10.0.0.300"),
      ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    [
      "selector labels",
      (s) => (spec(s).selector = { app: "-" }),
      [
        "spec.selector: Invalid value: \"-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      "external traffic policy on ClusterIP",
      (s) => (spec(s).externalTrafficPolicy = "Local"),
      ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ],
    [
      "session affinity",
      (s) => (spec(s).sessionAffinity = "Cookie"),
      ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'],
    ],
    [
      "loopback external IP",
      (s) => (spec(s).externalIPs = ["127.0.0.1"]),
      ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const s = service();
      edit(s);
      assert.deepEqual(texts(validateService(s)), expected);
    });
  }
});

describe("validateServiceUpdate", () => {
  const old = (): JsonObject => {
    const s = service();
    Object.assign(spec(s), { clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"] });
    return s;
  };

  test("cluster IP may not change", () => {
    const next = old();
    Object.assign(spec(next), { clusterIP: "10.96.0.11", clusterIPs: ["10.96.0.11"] });
    assert.deepEqual(texts(validateServiceUpdate(next, old())), ['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']);
  });

  test("leaving cluster IPs out keeps them", () => {
    const next = old();
    delete spec(next).clusterIP;
    delete spec(next).clusterIPs;
    assert.deepEqual(validateServiceUpdate(next, old()), []);
  });

  test("ports may change", () => {
    const next = old();
    spec(next).ports = [{ name: "http", port: 8080 }];
    assert.deepEqual(validateServiceUpdate(next, old()), []);
  });
});
