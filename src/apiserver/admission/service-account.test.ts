import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, ServiceAccount } from "kubernetes-types/core/v1";
import { builtinResources } from "../../api/registry.ts";
import { ApiError } from "../status.ts";
import type { AdmissionAttributes } from "./admission.ts";
import { serviceAccountAdmission, tokenMountPath, tokenVolume } from "./service-account.ts";

const podsInfo = builtinResources.find((r) => r.group === "" && r.plural === "pods")!;
const accounts: Record<string, ServiceAccount> = {
  "ns/default": { metadata: { name: "default", namespace: "ns" } },
  "ns/quiet": { metadata: { name: "quiet", namespace: "ns" }, automountServiceAccountToken: false },
  "ns/puller": { metadata: { name: "puller", namespace: "ns" }, imagePullSecrets: [{ name: "registry" }] },
};

function attributes(pod: Pod): AdmissionAttributes {
  return { operation: "CREATE", resource: podsInfo, subresource: "", namespace: "ns", name: pod.metadata?.name ?? "", object: pod as never, user: { name: "u", groups: [] }, dryRun: false };
}

function plugin(mode: "require" | "ifPresent", seen: string[] = []) {
  return serviceAccountAdmission({
    mode,
    defaultAttempts: 3,
    retryDelayMs: 1,
    randomSuffix: () => "abcde",
    lookup: async (namespace, name) => {
      seen.push(name);
      return accounts[`${namespace}/${name}`];
    },
  });
}

const pod = (spec: Partial<NonNullable<Pod["spec"]>> = {}, annotations?: Record<string, string>): Pod => ({
  metadata: { name: "p", namespace: "ns", ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: "c", image: "i" }], ...spec },
});

const mount = { name: "kube-api-access-abcde", readOnly: true, mountPath: tokenMountPath };

describe("ServiceAccount admission", () => {
  const cases: Array<[string, Pod, (p: Pod) => void]> = [
    ["defaults the account and mounts the token volume", pod(), (p) => {
      assert.equal(p.spec?.serviceAccountName, "default");
      assert.deepEqual(p.spec?.volumes, [tokenVolume("kube-api-access-abcde")]);
      assert.deepEqual(p.spec?.containers[0]?.volumeMounts, [mount]);
    }],
    ["init containers mount it too", pod({ initContainers: [{ name: "i", image: "i" }] }), (p) => assert.deepEqual(p.spec?.initContainers?.[0]?.volumeMounts, [mount])],
    ["the pod opts out", pod({ automountServiceAccountToken: false }), (p) => assert.equal(p.spec?.volumes, undefined)],
    ["the account opts out", pod({ serviceAccountName: "quiet" }), (p) => assert.equal(p.spec?.volumes, undefined)],
    ["the pod opts in over the account", pod({ serviceAccountName: "quiet", automountServiceAccountToken: true }), (p) => assert.equal(p.spec?.volumes?.length, 1)],
    ["a container with its own mount at the path keeps it", pod({ containers: [{ name: "c", image: "i", volumeMounts: [{ name: "mine", mountPath: tokenMountPath }] }], volumes: [{ name: "mine", emptyDir: {} }] }), (p) => {
      assert.deepEqual(p.spec?.containers[0]?.volumeMounts, [{ name: "mine", mountPath: tokenMountPath }]);
      assert.deepEqual(p.spec?.volumes, [{ name: "mine", emptyDir: {} }]);
    }],
    ["the account's image pull secrets are copied when the pod has none", pod({ serviceAccountName: "puller" }), (p) => assert.deepEqual(p.spec?.imagePullSecrets, [{ name: "registry" }])],
    ["mirror pods are left alone", pod({}, { "kubernetes.io/config.mirror": "x" }), (p) => {
      assert.equal(p.spec?.serviceAccountName, undefined);
      assert.equal(p.spec?.volumes, undefined);
    }],
  ];
  for (const [name, input, check] of cases) {
    test(name, async () => {
      await plugin("require").admit!(attributes(input));
      check(input);
    });
  }

  test("a missing account is refused like upstream, after looking for 'default' a few times", async () => {
    const seen: string[] = [];
    const missing: Pod = { ...pod(), metadata: { name: "p", namespace: "elsewhere" } };
    await assert.rejects(async () => plugin("require", seen).admit!({ ...attributes(missing), namespace: "elsewhere" }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 403);
      assert.equal(e.message, 'pods "p" is forbidden: error looking up service account elsewhere/default: serviceaccount "default" not found');
      return true;
    });
    assert.deepEqual(seen, ["default", "default", "default"]);
    const named: string[] = [];
    await assert.rejects(async () => plugin("require", named).admit!(attributes(pod({ serviceAccountName: "nobody" }))));
    assert.deepEqual(named, ["nobody"]);
  });

  test("ifPresent admits a pod whose account is missing, naming the account only, after one look", async () => {
    const p: Pod = pod();
    const seen: string[] = [];
    await plugin("ifPresent", seen).admit!({ ...attributes(p), namespace: "elsewhere" });
    assert.deepEqual(seen, ["default"]);
    assert.equal(p.spec?.serviceAccountName, "default");
    assert.equal(p.spec?.volumes, undefined);
  });

  test("a mirror pod naming an account is refused", async () => {
    await assert.rejects(async () => plugin("require").admit!(attributes(pod({ serviceAccountName: "default" }, { "kubernetes.io/config.mirror": "x" }))), /mirror pod may not reference service accounts/);
  });

  test("updates and other resources pass untouched", async () => {
    const p = pod();
    await plugin("require").admit!({ ...attributes(p), operation: "UPDATE" });
    await plugin("require").admit!({ ...attributes(p), subresource: "status" });
    assert.equal(p.spec?.serviceAccountName, undefined);
  });
});
