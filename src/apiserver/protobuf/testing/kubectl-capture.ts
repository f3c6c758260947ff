// Test support: a fake API server on 127.0.0.1 that answers just enough
// discovery for kubectl 1.32's generator commands and records the bodies
// they send, so tests can check our codec against the real client's bytes.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeKubernetesProtobuf, ProtobufDecodeError } from "../index.ts";

export const kubectlPath = "/usr/bin/kubectl";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

export interface KubectlRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every non-GET request kubectl made during this run. */
  readonly writes: readonly RecordedRequest[];
}

export interface KubectlCapture {
  run(args: readonly string[]): Promise<KubectlRun>;
  close(): Promise<void>;
}

interface ServedResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  readonly group?: string;
  readonly version?: string;
}

const crud = ["create", "delete", "get", "list", "patch", "update", "watch"];
const createOnly = ["create"];

const servedGroupVersions: Readonly<Record<string, readonly ServedResource[]>> = {
  v1: [
    { name: "namespaces", kind: "Namespace", namespaced: false, verbs: crud },
    { name: "configmaps", kind: "ConfigMap", namespaced: true, verbs: crud },
    { name: "secrets", kind: "Secret", namespaced: true, verbs: crud },
    { name: "serviceaccounts", kind: "ServiceAccount", namespaced: true, verbs: crud },
    {
      name: "serviceaccounts/token",
      kind: "TokenRequest",
      namespaced: true,
      verbs: createOnly,
      group: "authentication.k8s.io",
      version: "v1",
    },
    { name: "services", kind: "Service", namespaced: true, verbs: crud },
    { name: "pods", kind: "Pod", namespaced: true, verbs: crud },
    { name: "resourcequotas", kind: "ResourceQuota", namespaced: true, verbs: crud },
  ],
  "apps/v1": [{ name: "deployments", kind: "Deployment", namespaced: true, verbs: crud }],
  "batch/v1": [
    { name: "jobs", kind: "Job", namespaced: true, verbs: crud },
    { name: "cronjobs", kind: "CronJob", namespaced: true, verbs: crud },
  ],
  "policy/v1": [{ name: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, verbs: crud }],
  "networking.k8s.io/v1": [{ name: "ingresses", kind: "Ingress", namespaced: true, verbs: crud }],
  "rbac.authorization.k8s.io/v1": [
    { name: "roles", kind: "Role", namespaced: true, verbs: crud },
    { name: "rolebindings", kind: "RoleBinding", namespaced: true, verbs: crud },
    { name: "clusterroles", kind: "ClusterRole", namespaced: false, verbs: crud },
    { name: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false, verbs: crud },
  ],
  "scheduling.k8s.io/v1": [{ name: "priorityclasses", kind: "PriorityClass", namespaced: false, verbs: crud }],
  "authentication.k8s.io/v1": [
    { name: "selfsubjectreviews", kind: "SelfSubjectReview", namespaced: false, verbs: createOnly },
    { name: "tokenreviews", kind: "TokenReview", namespaced: false, verbs: createOnly },
  ],
  "authorization.k8s.io/v1": [
    { name: "selfsubjectaccessreviews", kind: "SelfSubjectAccessReview", namespaced: false, verbs: createOnly },
    { name: "selfsubjectrulesreviews", kind: "SelfSubjectRulesReview", namespaced: false, verbs: createOnly },
    { name: "subjectaccessreviews", kind: "SubjectAccessReview", namespaced: false, verbs: createOnly },
  ],
};

function discovery(path: string): unknown {
  if (path === "/version") return { major: "1", minor: "32", gitVersion: "v1.32.4", platform: "linux/amd64" };
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  if (path === "/apis") {
    const groups = Object.keys(servedGroupVersions)
      .filter((groupVersion) => groupVersion.includes("/"))
      .map((groupVersion) => {
        const [group = "", version = ""] = groupVersion.split("/");
        const preferred = { groupVersion, version };
        return { name: group, versions: [preferred], preferredVersion: preferred };
      });
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }
  const groupVersion = path === "/api/v1" ? "v1" : path.startsWith("/apis/") ? path.slice("/apis/".length) : "";
  const resources = servedGroupVersions[groupVersion];
  if (resources === undefined) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: resources.map(({ name, kind, namespaced, verbs, group, version }) => ({
      name,
      singularName: name.includes("/") ? "" : kind.toLowerCase(),
      namespaced,
      kind,
      verbs,
      ...(group === undefined ? {} : { group, version }),
    })),
  };
}

function answerJson(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Echoes a write as the created object, so kubectl prints its usual success line. */
function answerWrite(request: RecordedRequest, response: ServerResponse): void {
  if (request.contentType !== "application/vnd.kubernetes.protobuf") {
    answerJson(response, 201, JSON.parse(Buffer.from(request.body).toString("utf8")));
    return;
  }
  try {
    answerJson(response, 201, decodeKubernetesProtobuf(request.body).object);
  } catch (error) {
    if (!(error instanceof ProtobufDecodeError)) throw error;
    answerJson(response, 415, {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "UnsupportedMediaType",
      message: error.message,
      code: 415,
    });
  }
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `objects` are served as JSON at their paths (e.g. a CronJob for `create job --from=cronjob/x`). */
export async function startKubectlCapture(objects: Readonly<Record<string, unknown>> = {}): Promise<KubectlCapture> {
  let writes: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const url = request.url ?? "/";
      if (request.method === "GET") {
        const path = new URL(url, "http://127.0.0.1").pathname;
        const answer = Object.hasOwn(objects, path) ? objects[path] : discovery(path);
        if (answer === undefined) answerJson(response, 404, { kind: "Status", apiVersion: "v1", code: 404, status: "Failure" });
        else answerJson(response, 200, answer);
        return;
      }
      const recorded = { method: request.method ?? "", url, contentType: request.headers["content-type"], body };
      writes.push(recorded);
      answerWrite(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const home = await mkdtemp(join(tmpdir(), "skiff-kubectl-capture-"));
  const kubeconfig = join(home, "kubeconfig");
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "capture", cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: "capture", user: {} }],
      contexts: [{ name: "capture", context: { cluster: "capture", user: "capture", namespace: "default" } }],
      "current-context": "capture",
    }),
  );
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig, NO_PROXY: "127.0.0.1" };

  return {
    run: (args) =>
      new Promise((resolve) => {
        writes = [];
        execFile(
          kubectlPath,
          [...args, "--cache-dir", join(home, "cache")],
          { env, timeout: 20_000, encoding: "utf8" },
          (error, stdout, stderr) => {
            const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
            resolve({ exitCode, stdout, stderr, writes });
          },
        );
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(home, { recursive: true, force: true });
    },
  };
}
