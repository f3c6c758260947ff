import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Container, Pod, Secret } from "kubernetes-types/core/v1";
import { ContainerConfigError } from "./env-errors.ts";
import { expandContainerCommand, resolveContainerEnv, type EnvLookups } from "./resolve-container-env.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

const configMaps: Record<string, ConfigMap> = {
  settings: { metadata: { name: "settings", namespace: "shop" }, data: { MODE: "fast", "a=b": "x", "ключ": "z", "1starts-with-digit": "y", level: "3" } },
};
const secrets: Record<string, Secret> = {
  creds: { metadata: { name: "creds", namespace: "shop" }, data: { password: b64("s3cr3t"), USER: b64("admin") } },
};

function lookups(warnings: string[] = []): EnvLookups {
  return {
    configMap: async (namespace, name) => (namespace === "shop" ? configMaps[name] : undefined),
    secret: async (namespace, name) => (namespace === "shop" ? secrets[name] : undefined),
    nodeName: "node-a",
    hostIP: "192.0.2.10",
    podIPs: ["10.42.0.9"],
    nodeAllocatable: { cpu: "2", memory: "4Gi" },
    onInvalidKeys: (_reason, message) => warnings.push(message),
  };
}

function podWith(container: Container): Pod {
  return { metadata: { name: "web", namespace: "shop", uid: "uid-1", labels: { app: "web" } }, spec: { nodeName: "node-a", containers: [container] } };
}

async function envOf(container: Container, warnings?: string[]): Promise<Record<string, string>> {
  const env = await resolveContainerEnv(podWith(container), container, lookups(warnings));
  return Object.fromEntries(env.map(({ key, value }) => [key, value]));
}

describe("resolveContainerEnv", () => {
  const cases: [string, Container, Record<string, string>][] = [
    ["literal values", { name: "c", env: [{ name: "A", value: "1" }, { name: "EMPTY" }] }, { A: "1", EMPTY: "" }],
    [
      "expansion sees only earlier variables",
      { name: "c", env: [{ name: "LATE_REF", value: "$(B)" }, { name: "B", value: "b" }, { name: "C", value: "$(B)-$(B)" }, { name: "ESC", value: "$$(B)" }] },
      { LATE_REF: "$(B)", B: "b", C: "b-b", ESC: "$(B)" },
    ],
    [
      "fieldRef",
      {
        name: "c",
        env: [
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
          { name: "UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
          { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "HOST", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
          { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        ],
      },
      { POD: "web", NS: "shop", UID: "uid-1", APP: "web", NODE: "node-a", HOST: "192.0.2.10", IP: "10.42.0.9" },
    ],
    [
      "valueFrom results are not expanded",
      { name: "c", env: [{ name: "X", value: "x" }, { name: "REF", valueFrom: { configMapKeyRef: { name: "settings", key: "MODE" } } }] },
      { X: "x", REF: "fast" },
    ],
    [
      "resourceFieldRef with divisor and node allocatable for a missing limit",
      {
        name: "c",
        resources: { limits: { memory: "256Mi" } },
        env: [
          { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
          { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
        ],
      },
      { MEM: "256", CPU: "2" },
    ],
    [
      "configMapKeyRef and secretKeyRef",
      {
        name: "c",
        env: [
          { name: "MODE", valueFrom: { configMapKeyRef: { name: "settings", key: "MODE" } } },
          { name: "PW", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
        ],
      },
      { MODE: "fast", PW: "s3cr3t" },
    ],
    [
      "optional references to absent objects and keys leave the variable unset",
      {
        name: "c",
        env: [
          { name: "A", valueFrom: { configMapKeyRef: { name: "nope", key: "k", optional: true } } },
          { name: "B", valueFrom: { configMapKeyRef: { name: "settings", key: "nokey", optional: true } } },
          { name: "C", valueFrom: { secretKeyRef: { name: "nope", key: "k", optional: true } } },
          { name: "D", valueFrom: { secretKeyRef: { name: "creds", key: "nokey", optional: true } } },
        ],
      },
      {},
    ],
    [
      "envFrom with prefix; env entries override and expand against it",
      {
        name: "c",
        envFrom: [{ configMapRef: { name: "settings" }, prefix: "CFG_" }, { secretRef: { name: "creds" } }],
        env: [{ name: "USER", value: "$(USER)-override" }, { name: "LINE", value: "$(CFG_MODE):$(CFG_level)" }],
      },
      { CFG_MODE: "fast", CFG_level: "3", "CFG_1starts-with-digit": "y", password: "s3cr3t", USER: "admin-override", LINE: "fast:3" },
    ],
    ["optional envFrom of an absent source adds nothing", { name: "c", envFrom: [{ configMapRef: { name: "nope", optional: true } }, { secretRef: { name: "nope", optional: true } }] }, {}],
  ];

  for (const [name, container, expected] of cases) {
    test(name, async () => {
      assert.deepEqual(await envOf(container), expected);
    });
  }

  test("envFrom skips keys that are not valid names (relaxed rule: printable ASCII but '=') and says which", async () => {
    const warnings: string[] = [];
    const env = await envOf({ name: "c", envFrom: [{ configMapRef: { name: "settings" } }] }, warnings);
    assert.deepEqual(Object.keys(env).sort(), ["1starts-with-digit", "MODE", "level"]);
    assert.deepEqual(warnings, [
      "Keys [a=b, ключ] from the EnvFrom configMap shop/settings were skipped since they are considered invalid environment variable names.",
    ]);
  });

  const failures: [string, Container, string][] = [
    ["missing ConfigMap", { name: "c", env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "x", key: "k" } } }] }, 'configmap "x" not found'],
    ["missing ConfigMap key", { name: "c", env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "settings", key: "k" } } }] }, "couldn't find key k in ConfigMap shop/settings"],
    ["missing Secret", { name: "c", env: [{ name: "A", valueFrom: { secretKeyRef: { name: "x", key: "k" } } }] }, 'secret "x" not found'],
    ["missing Secret key", { name: "c", env: [{ name: "A", valueFrom: { secretKeyRef: { name: "creds", key: "k" } } }] }, "couldn't find key k in Secret shop/creds"],
    ["missing envFrom ConfigMap", { name: "c", envFrom: [{ configMapRef: { name: "gone" } }] }, 'configmap "gone" not found'],
    ["missing envFrom Secret", { name: "c", envFrom: [{ secretRef: { name: "gone" } }] }, 'secret "gone" not found'],
    ["unsupported fieldPath", { name: "c", env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.hostname" } } }] }, "unsupported fieldPath: spec.hostname"],
  ];
  for (const [name, container, message] of failures) {
    test(`${name} is a CreateContainerConfigError`, async () => {
      await assert.rejects(envOf(container), (e: unknown) => e instanceof ContainerConfigError && e.reason === "CreateContainerConfigError" && e.message === message);
    });
  }
});

test("a failed lookup is a CreateContainerConfigError naming the object", async () => {
  const container: Container = { name: "c", envFrom: [{ secretRef: { name: "creds" } }] };
  const failing: EnvLookups = { ...lookups(), secret: () => Promise.reject(new Error("connection refused")) };
  await assert.rejects(resolveContainerEnv(podWith(container), container, failing), (e: unknown) => e instanceof ContainerConfigError && e.message === "couldn't get secret shop/creds: connection refused");
});

describe("expandContainerCommand", () => {
  const env = [
    { key: "GREETING", value: "hello" },
    { key: "NAME", value: "world" },
  ];
  const cases: [string, Container, { command: string[]; args: string[] }][] = [
    ["expands command and args", { name: "c", command: ["/bin/echo", "$(GREETING)"], args: ["$(NAME)!", "$$(NAME)", "$(UNDEFINED)"] }, { command: ["/bin/echo", "hello"], args: ["world!", "$(NAME)", "$(UNDEFINED)"] }],
    ["no command keeps the image entrypoint", { name: "c" }, { command: [], args: [] }],
  ];
  for (const [name, container, expected] of cases) {
    test(name, () => {
      assert.deepEqual(expandContainerCommand(container, env), expected);
    });
  }
});
