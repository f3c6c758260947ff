import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from "./config.ts";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const meta = { name: "conf", namespace: "default" };
const b64 = (s: string): string => Buffer.from(s).toString("base64");
const keyRegex =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe("ConfigMap", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", { metadata: meta, data: { "app.properties": "a=b" }, binaryData: { logo: b64("png") } }, []],
    ["bad key", { metadata: meta, data: { "a/b": "x" } }, [`data[a/b]: Invalid value: "a/b": ${keyRegex}`]],
    ["key in both maps", { metadata: meta, data: { k: "x" }, binaryData: { k: b64("y") } }, ['data[k]: Invalid value: "k": duplicate of key present in binaryData']],
    ["too large", { metadata: meta, data: { a: "x".repeat(1024 * 1024), b: "y" } }, [": Too long: may not be more than 1048576 bytes"]],
    ["exactly the limit", { metadata: meta, data: { a: "x".repeat(1024 * 1024) } }, []],
  ];
  for (const [name, configMap, expected] of cases) test(name, () => assert.deepEqual(texts(validateConfigMap(configMap)), expected));

  test("immutable config maps keep their data", () => {
    const old = { metadata: meta, data: { a: "1" }, immutable: true };
    assert.deepEqual(texts(validateConfigMapUpdate({ metadata: meta, data: { a: "2" }, immutable: true }, old)), ["data: Forbidden: field is immutable when `immutable` is set"]);
    assert.deepEqual(texts(validateConfigMapUpdate({ metadata: meta, data: { a: "1" } }, old)), ["immutable: Forbidden: field is immutable when `immutable` is set"]);
    assert.deepEqual(validateConfigMapUpdate({ metadata: { ...meta, labels: { a: "b" } }, data: { a: "1" }, immutable: true }, old), []);
  });
});

describe("Secret", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["opaque", { metadata: meta, data: { password: b64("s3cret") } }, []],
    ["stringData keys are checked", { metadata: meta, stringData: { "a b": "x" } }, [`data[a b]: Invalid value: "a b": ${keyRegex}`]],
    ["malformed base64", { metadata: meta, data: { k: "%%%" } }, ['data[k]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 0']],
    [
      "too large after decoding",
      { metadata: meta, data: { a: b64("x".repeat(700 * 1024)) }, stringData: { b: "y".repeat(400 * 1024) } },
      ["data: Too long: may not be more than 1048576 bytes"],
    ],
    ["tls needs both parts", { metadata: meta, type: "kubernetes.io/tls", data: { "tls.crt": b64("c") } }, ["data[tls.key]: Required value"]],
    [
      "docker config must be JSON",
      { metadata: meta, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("{") } },
      [/^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /.source],
    ],
    [
      "service account token needs the account",
      { metadata: meta, type: "kubernetes.io/service-account-token" },
      ["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
    ],
    ["basic auth needs a field", { metadata: meta, type: "kubernetes.io/basic-auth" }, ["data[username]: Required value", "data[password]: Required value"]],
  ];
  for (const [name, secret, expected] of cases) {
    test(name, () => {
      const actual = texts(validateSecret(secret));
      if (name === "docker config must be JSON") {
        assert.equal(actual.length, 1);
        assert.match(actual[0]!, new RegExp(expected[0]!));
      } else {
        assert.deepEqual(actual, expected);
      }
    });
  }

  test("type is immutable", () => {
    const old = { metadata: meta, type: "Opaque" };
    assert.deepEqual(texts(validateSecretUpdate({ metadata: meta, type: "kubernetes.io/basic-auth", data: { username: b64("u") } }, old)), [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
    assert.deepEqual(validateSecretUpdate({ metadata: meta }, old), []);
  });

  test("immutable secrets keep their data, stringData included", () => {
    const old = { metadata: meta, data: { a: b64("1") }, immutable: true };
    assert.deepEqual(validateSecretUpdate({ metadata: meta, stringData: { a: "1" }, immutable: true }, old), []);
    assert.deepEqual(texts(validateSecretUpdate({ metadata: meta, stringData: { a: "2" }, immutable: true }, old)), ["data: Forbidden: field is immutable when `immutable` is set"]);
  });
});
