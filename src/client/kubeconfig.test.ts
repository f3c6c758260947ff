import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadKubeconfig, parseKubeconfig, type KubeconfigSelection } from "./kubeconfig.ts";
import { InvalidClientOptionError } from "./errors.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function config(overrides: { contexts?: unknown[]; users?: unknown[]; clusters?: unknown[]; current?: string }): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: overrides.clusters ?? [{ name: "c1", cluster: { server: "https://127.0.0.1:6443/", "certificate-authority-data": b64("CA PEM") } }],
    users: overrides.users ?? [{ name: "u1", user: { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") } }],
    contexts: overrides.contexts ?? [{ name: "ctx", context: { cluster: "c1", user: "u1", namespace: "team" } }],
    "current-context": overrides.current ?? "ctx",
  });
}

describe("parseKubeconfig", () => {
  const cases: { name: string; text: string; context?: string; expected: KubeconfigSelection }[] = [
    {
      name: "inline certificates of the current context",
      text: config({}),
      expected: { server: "https://127.0.0.1:6443", ca: { data: "CA PEM" }, cert: { data: "CERT" }, key: { data: "KEY" }, insecureSkipTlsVerify: false, namespace: "team" },
    },
    {
      name: "files relative to the kubeconfig's folder, token, default namespace",
      text: config({
        clusters: [{ name: "c1", cluster: { server: "https://10.0.0.1", "certificate-authority": "ca.crt", "tls-server-name": "kubernetes" } }],
        users: [{ name: "u1", user: { token: "abc" } }],
        contexts: [{ name: "ctx", context: { cluster: "c1", user: "u1" } }],
      }),
      expected: { server: "https://10.0.0.1", ca: { file: "/etc/kube/ca.crt" }, bearerToken: { data: "abc" }, insecureSkipTlsVerify: false, tlsServerName: "kubernetes", namespace: "default" },
    },
    {
      name: "a named context overrides current-context",
      text: config({
        clusters: [
          { name: "c1", cluster: { server: "https://one" } },
          { name: "c2", cluster: { server: "https://two", "insecure-skip-tls-verify": true } },
        ],
        users: [{ name: "u2", user: { tokenFile: "/run/token" } }],
        contexts: [
          { name: "ctx", context: { cluster: "c1" } },
          { name: "other", context: { cluster: "c2", user: "u2" } },
        ],
      }),
      context: "other",
      expected: { server: "https://two", bearerToken: { file: "/run/token" }, insecureSkipTlsVerify: true, namespace: "default" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(parseKubeconfig(c.text, { baseDir: "/etc/kube", ...(c.context ? { context: c.context } : {}) }), c.expected);
    });
  }

  const failures: { name: string; text: string; message: RegExp }[] = [
    { name: "no current context", text: config({ current: "" }), message: /no current-context/ },
    { name: "unknown context", text: config({ current: "missing" }), message: /no context named "missing"/ },
    { name: "cluster without server", text: config({ clusters: [{ name: "c1", cluster: {} }] }), message: /has no server/ },
    { name: "not a mapping", text: "- a\n- b\n", message: /not a mapping/ },
  ];
  for (const c of failures) {
    test(`rejects: ${c.name}`, () => {
      assert.throws(() => parseKubeconfig(c.text, { baseDir: "/" }), (e: unknown) => e instanceof InvalidClientOptionError && c.message.test(e.message));
    });
  }
});

test("loadKubeconfig reads the files a kubeconfig points to", async () => {
  const dir = await mkdtemp(join(tmpdir(), "skiff-kubeconfig-"));
  try {
    await writeFile(join(dir, "ca.crt"), "CA FROM FILE");
    await writeFile(join(dir, "token"), "secret-token\n");
    const text = config({
      clusters: [{ name: "c1", cluster: { server: "https://127.0.0.1:1", "certificate-authority": "ca.crt" } }],
      users: [{ name: "u1", user: { tokenFile: "token" } }],
    });
    await writeFile(join(dir, "config"), text);
    assert.deepEqual(await loadKubeconfig(join(dir, "config")), { server: "https://127.0.0.1:1", ca: "CA FROM FILE", bearerToken: "secret-token", namespace: "team" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
