import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import { validateIngress } from "./ingress.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function ingress(path: JsonObject = { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }): JsonObject {
  return {
    metadata: { name: "web", namespace: "default" },
    spec: { rules: [{ host: "example.com", http: { paths: [path] } }], tls: [{ hosts: ["example.com"], secretName: "tls" }] },
  };
}

describe("Ingress", () => {
  test("valid", () => assert.deepEqual(texts(validateIngress(ingress())), []));

  const cases: [string, JsonObject, string[]][] = [
    [
      "neither rules nor default backend",
      { metadata: { name: "web", namespace: "default" }, spec: {} },
      ["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"],
    ],
    ["path type required", ingress({ path: "/", backend: { service: { name: "web", port: { number: 80 } } } }), ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]],
    [
      "path type unknown",
      ingress({ path: "/", pathType: "Regex", backend: { service: { name: "web", port: { number: 80 } } } }),
      ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
    ],
    [
      "relative prefix path",
      ingress({ path: "api", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }),
      ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    ],
    [
      "path with dot segments",
      ingress({ path: "/a/../b", pathType: "Exact", backend: { service: { name: "web", port: { number: 80 } } } }),
      ["spec.rules[0].http.paths[0].path: Invalid value: \"/a/../b\": must not contain '/../'"],
    ],
    [
      "backend without port",
      ingress({ path: "/", pathType: "Prefix", backend: { service: { name: "web" } } }),
      ["spec.rules[0].http.paths[0].backend: Required value: port name or number is required"],
    ],
    [
      "backend service name",
      ingress({ path: "/", pathType: "Prefix", backend: { service: { name: "1web", port: { name: "http" } } } }),
      [
        "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      "no backend",
      ingress({ path: "/", pathType: "Prefix", backend: {} }),
      ['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required'],
    ],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validateIngress(value)), expected));

  test("a host must be a name", () => {
    const i = ingress();
    ((i.spec as JsonObject).rules as JsonObject[])[0]!.host = "10.0.0.1";
    assert.deepEqual(texts(validateIngress(i)), ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']);
  });

  test("wildcard hosts", () => {
    const i = ingress();
    ((i.spec as JsonObject).rules as JsonObject[])[0]!.host = "*.example.com";
    assert.deepEqual(validateIngress(i), []);
  });
});
