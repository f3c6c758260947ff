// Checks the codec against the real client: kubectl 1.32 sends protobuf for
// its generator and auth commands, and prints the very same object as JSON
// with --dry-run=client -o json, so the two must agree, and re-encoding what
// we decoded must give back kubectl's bytes.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { JsonObject } from "./json-value.ts";
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from "./kubernetes-protobuf.ts";
import { kubectlPath, startKubectlCapture } from "./testing/kubectl-capture.ts";
import type { KubectlCapture, RecordedRequest } from "./testing/kubectl-capture.ts";
import { richCronJob } from "./testing/rich-cron-job.ts";

const protobufType = "application/vnd.kubernetes.protobuf";
const skip = existsSync(kubectlPath) ? false : `${kubectlPath} is not installed`;

/** Generator commands, without the leading "create". */
const generators: readonly (readonly string[])[] = [
  ["namespace", "foo"],
  ["configmap", "cm1", "--from-literal=a=b", "--from-literal=c=d"],
  ["secret", "generic", "s1", "--from-literal=k=v", "--type=Opaque"],
  ["secret", "docker-registry", "reg1", "--docker-server=localhost:5000", "--docker-username=u", "--docker-password=p"],
  ["deployment", "d1", "--image=localhost:5000/web:v1", "--replicas=2", "--port=80"],
  ["service", "clusterip", "s1", "--tcp=80:8080"],
  ["service", "nodeport", "s2", "--tcp=80:8080", "--node-port=30080"],
  ["service", "externalname", "s3", "--external-name=db.example.test"],
  ["serviceaccount", "sa1"],
  ["job", "j1", "--image=localhost:5000/busybox", "--", "echo", "hi"],
  ["job", "manual-1", "--from=cronjob/nightly"],
  ["cronjob", "c1", "--image=x", "--schedule=*/1 * * * *", "--restart=OnFailure"],
  ["role", "r1", "--verb=get", "--verb=list", "--resource=pods", "--resource-name=web"],
  ["clusterrole", "cr1", "--verb=get", "--resource=deployments.apps", "--non-resource-url=/healthz"],
  ["rolebinding", "rb1", "--role=r1", "--user=alice", "--serviceaccount=default:sa1"],
  ["clusterrolebinding", "crb1", "--clusterrole=cr1", "--group=devs"],
  ["priorityclass", "pc1", "--value=1000", "--description=high", "--preemption-policy=Never"],
  ["quota", "q1", "--hard=cpu=1,memory=1G,pods=2", "--scopes=BestEffort"],
  ["pdb", "pdb1", "--selector=app=web", "--min-available=50%"],
  ["ingress", "ing1", "--rule=foo.com/bar*=svc1:8080,tls=secret1", "--class=nginx"],
];

/** Commands with no client-side dry run: what they send is stated here. */
const reviews: readonly { args: readonly string[]; path: string; object: JsonObject }[] = [
  {
    args: ["auth", "can-i", "create", "pods"],
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    object: {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } },
      status: { allowed: false },
    },
  },
  {
    args: ["auth", "can-i", "list", "deployments.apps", "-n", "kube-system"],
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    object: {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "kube-system", verb: "list", group: "apps", resource: "deployments" } },
      status: { allowed: false },
    },
  },
  {
    args: ["auth", "can-i", "--list"],
    path: "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
    object: {
      kind: "SelfSubjectRulesReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { namespace: "default" },
      status: { resourceRules: null, nonResourceRules: null, incomplete: false },
    },
  },
  {
    args: ["auth", "whoami"],
    path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    object: {
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      status: { userInfo: {} },
    },
  },
  {
    args: ["create", "token", "sa1", "--duration=1h", "--audience=vault"],
    path: "/api/v1/namespaces/default/serviceaccounts/sa1/token",
    object: {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { audiences: ["vault"], expirationSeconds: 3600, boundObjectRef: null },
      status: { token: "", expirationTimestamp: null },
    },
  },
];

function onlyProtobufWrite(writes: readonly RecordedRequest[]): RecordedRequest {
  assert.equal(writes.length, 1, `expected one write, got ${writes.map((write) => write.url).join(", ")}`);
  const [write] = writes;
  assert.ok(write);
  assert.equal(write.method, "POST");
  assert.equal(write.contentType, protobufType);
  return write;
}

function assertReencodesToSameBytes(body: Uint8Array): void {
  const { apiVersion, kind, object } = decodeKubernetesProtobuf(body);
  assert.equal(Buffer.from(encodeKubernetesProtobuf(apiVersion, kind, object)).toString("hex"), Buffer.from(body).toString("hex"));
}

describe("kubectl 1.32 protobuf request bodies", { skip }, () => {
  let capture: KubectlCapture;
  before(async () => {
    capture = await startKubectlCapture({ "/apis/batch/v1/namespaces/default/cronjobs/nightly": richCronJob });
  });
  after(() => capture.close());

  for (const args of generators) {
    test(`create ${args.join(" ")}`, async () => {
      const printed = await capture.run(["create", "--dry-run=client", "-o", "json", ...args]);
      assert.equal(printed.exitCode, 0, printed.stderr);
      assert.deepEqual(printed.writes, []);

      const sent = await capture.run(["create", ...args]);
      assert.equal(sent.exitCode, 0, sent.stderr);
      const write = onlyProtobufWrite(sent.writes);
      assert.deepEqual(decodeKubernetesProtobuf(write.body).object, JSON.parse(printed.stdout));
      assertReencodesToSameBytes(write.body);
    });
  }

  test("a job made from a cron job carries every field of the cron job's template", async () => {
    const sent = await capture.run(["create", "job", "manual-2", "--from=cronjob/nightly"]);
    assert.equal(sent.exitCode, 0, sent.stderr);
    const { object } = decodeKubernetesProtobuf(onlyProtobufWrite(sent.writes).body);
    const jobSpec = object["spec"] as JsonObject & { template: { spec: JsonObject & { containers: JsonObject[] } } };
    const expectedJobSpec = richCronJob.spec?.jobTemplate.spec;
    const expectedPodSpec = expectedJobSpec?.template.spec;
    const expectedContainer = expectedPodSpec?.containers[0];
    assert.ok(expectedJobSpec && expectedPodSpec && expectedContainer);
    for (const [key, value] of Object.entries(expectedJobSpec)) {
      if (key !== "template") assert.deepEqual(jobSpec[key], value, `spec.${key}`);
    }
    for (const [key, value] of Object.entries(expectedPodSpec)) {
      if (key !== "containers" && key !== "initContainers") assert.deepEqual(jobSpec.template.spec[key], value, `pod spec.${key}`);
    }
    for (const [key, value] of Object.entries(expectedContainer)) {
      assert.deepEqual(jobSpec.template.spec.containers[0]?.[key], value, `container.${key}`);
    }
    const ownerReferences = (object["metadata"] as { ownerReferences: JsonObject[] }).ownerReferences;
    assert.equal(ownerReferences[0]?.["uid"], richCronJob.metadata?.uid);
  });

  for (const { args, path, object } of reviews) {
    test(args.join(" "), async () => {
      const sent = await capture.run(args);
      const write = onlyProtobufWrite(sent.writes);
      assert.equal(new URL(write.url, "http://127.0.0.1").pathname, path);
      assert.deepEqual(decodeKubernetesProtobuf(write.body).object, object);
      assertReencodesToSameBytes(write.body);
    });
  }
});
