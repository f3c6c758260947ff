import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FieldSelectorError, parseFieldSelector } from "./field-selector.ts";
import { checkFieldSelectorSupported, selectableFields } from "./selectable-fields.ts";

const meta = { name: "n1", namespace: "ns1" };

describe("selectableFields", () => {
  const cases: Array<[name: string, group: string, resource: string, obj: object, fields: Record<string, string>]> = [
    [
      "a scheduled pod",
      "",
      "pods",
      {
        metadata: meta,
        spec: {
          nodeName: "node-1",
          restartPolicy: "Always",
          schedulerName: "default-scheduler",
          serviceAccountName: "default",
          hostNetwork: true,
          containers: [],
        },
        status: {
          phase: "Running",
          podIP: "10.42.0.9",
          podIPs: [{ ip: "10.42.0.5" }, { ip: "fd00::5" }],
          nominatedNodeName: "node-2",
        },
      },
      {
        "metadata.name": "n1",
        "metadata.namespace": "ns1",
        "spec.nodeName": "node-1",
        "spec.restartPolicy": "Always",
        "spec.schedulerName": "default-scheduler",
        "spec.serviceAccountName": "default",
        "spec.hostNetwork": "true",
        "status.phase": "Running",
        "status.podIP": "10.42.0.5",
        "status.nominatedNodeName": "node-2",
      },
    ],
    [
      "a bare pod",
      "",
      "pods",
      {},
      {
        "metadata.name": "",
        "metadata.namespace": "",
        "spec.nodeName": "",
        "spec.restartPolicy": "",
        "spec.schedulerName": "",
        "spec.serviceAccountName": "",
        "spec.hostNetwork": "false",
        "status.phase": "",
        "status.podIP": "",
        "status.nominatedNodeName": "",
      },
    ],
    [
      "a pod with only the singular podIP",
      "",
      "pods",
      { metadata: meta, status: { podIP: "10.42.0.9" } },
      {
        "metadata.name": "n1",
        "metadata.namespace": "ns1",
        "spec.nodeName": "",
        "spec.restartPolicy": "",
        "spec.schedulerName": "",
        "spec.serviceAccountName": "",
        "spec.hostNetwork": "false",
        "status.phase": "",
        "status.podIP": "10.42.0.9",
        "status.nominatedNodeName": "",
      },
    ],
    [
      "a cordoned node",
      "",
      "nodes",
      { metadata: { name: "node-1" }, spec: { unschedulable: true } },
      { "metadata.name": "node-1", "spec.unschedulable": "true" },
    ],
    ["a node", "", "nodes", { metadata: { name: "node-1" } }, { "metadata.name": "node-1", "spec.unschedulable": "false" }],
    [
      "a replication controller",
      "",
      "replicationcontrollers",
      { metadata: meta, status: { replicas: 3 } },
      { "metadata.name": "n1", "metadata.namespace": "ns1", "status.replicas": "3" },
    ],
    [
      "a replication controller without status",
      "",
      "replicationcontrollers",
      { metadata: meta },
      { "metadata.name": "n1", "metadata.namespace": "ns1", "status.replicas": "0" },
    ],
    [
      "an event",
      "",
      "events",
      {
        metadata: meta,
        involvedObject: {
          kind: "Pod",
          namespace: "ns1",
          name: "web",
          uid: "u-1",
          apiVersion: "v1",
          resourceVersion: "42",
          fieldPath: "spec.containers{app}",
        },
        reason: "Pulled",
        reportingComponent: "kubelet",
        source: { component: "kubelet", host: "node-1" },
        type: "Normal",
      },
      {
        "metadata.name": "n1",
        "metadata.namespace": "ns1",
        "involvedObject.kind": "Pod",
        "involvedObject.namespace": "ns1",
        "involvedObject.name": "web",
        "involvedObject.uid": "u-1",
        "involvedObject.apiVersion": "v1",
        "involvedObject.resourceVersion": "42",
        "involvedObject.fieldPath": "spec.containers{app}",
        reason: "Pulled",
        reportingComponent: "kubelet",
        source: "kubelet",
        type: "Normal",
      },
    ],
    [
      "a namespace",
      "",
      "namespaces",
      { metadata: { name: "ns1" }, status: { phase: "Terminating" } },
      { "metadata.name": "ns1", "status.phase": "Terminating" },
    ],
    [
      "a secret",
      "",
      "secrets",
      { metadata: meta, type: "kubernetes.io/tls" },
      { "metadata.name": "n1", "metadata.namespace": "ns1", type: "kubernetes.io/tls" },
    ],
    [
      "a service",
      "",
      "services",
      { metadata: meta, spec: { clusterIP: "10.43.0.10", type: "ClusterIP" } },
      { "metadata.name": "n1", "metadata.namespace": "ns1", "spec.clusterIP": "10.43.0.10", "spec.type": "ClusterIP" },
    ],
    [
      "a replica set",
      "apps",
      "replicasets",
      { metadata: meta, status: { replicas: 2 } },
      { "metadata.name": "n1", "metadata.namespace": "ns1", "status.replicas": "2" },
    ],
    [
      "a job",
      "batch",
      "jobs",
      { metadata: meta, status: { succeeded: 1 } },
      { "metadata.name": "n1", "metadata.namespace": "ns1", "status.successful": "1" },
    ],
    [
      "a job that has not succeeded",
      "batch",
      "jobs",
      { metadata: meta },
      { "metadata.name": "n1", "metadata.namespace": "ns1", "status.successful": "0" },
    ],
    [
      "a certificate signing request",
      "certificates.k8s.io",
      "certificatesigningrequests",
      { metadata: { name: "csr-1" }, spec: { signerName: "kubernetes.io/kubelet-serving" } },
      { "metadata.name": "csr-1", "spec.signerName": "kubernetes.io/kubelet-serving" },
    ],
    [
      "a deployment (metadata only)",
      "apps",
      "deployments",
      { metadata: meta, spec: { replicas: 3 } },
      { "metadata.name": "n1", "metadata.namespace": "ns1" },
    ],
    [
      "a resource named like a core one in another group",
      "example.com",
      "pods",
      { metadata: meta, spec: { nodeName: "node-1" } },
      { "metadata.name": "n1", "metadata.namespace": "ns1" },
    ],
  ];
  for (const [name, group, resource, obj, fields] of cases) {
    test(name, () => {
      assert.deepEqual(selectableFields(group, resource, obj), fields);
    });
  }
});

describe("checkFieldSelectorSupported: accepted", () => {
  const cases: Array<[group: string, resource: string, selector: string, converted: string]> = [
    ["", "pods", "", ""],
    ["", "pods", "spec.nodeName=node-1,status.phase!=Running", "spec.nodeName=node-1,status.phase!=Running"],
    ["", "pods", "spec.host=node-1", "spec.nodeName=node-1"],
    ["", "pods", "metadata.namespace=ns1,spec.hostNetwork=true", "metadata.namespace=ns1,spec.hostNetwork=true"],
    ["", "nodes", "spec.unschedulable=false,metadata.name=node-1", "metadata.name=node-1,spec.unschedulable=false"],
    ["", "events", "involvedObject.uid=u-1,source=kubelet,reportingComponent=x", "involvedObject.uid=u-1,reportingComponent=x,source=kubelet"],
    ["", "namespaces", "status.phase=Active", "status.phase=Active"],
    ["", "secrets", "type=Opaque", "type=Opaque"],
    ["", "services", "spec.type=NodePort,spec.clusterIP!=None", "spec.clusterIP!=None,spec.type=NodePort"],
    ["", "replicationcontrollers", "status.replicas=0", "status.replicas=0"],
    ["batch", "jobs", "status.successful=1", "status.successful=1"],
    ["certificates.k8s.io", "certificatesigningrequests", "spec.signerName=a/b", "spec.signerName=a/b"],
    ["apps", "deployments", "metadata.name=web,metadata.namespace=ns1", "metadata.name=web,metadata.namespace=ns1"],
    // Without a conversion of its own a cluster-scoped resource still accepts metadata.namespace.
    ["rbac.authorization.k8s.io", "clusterroles", "metadata.namespace=", "metadata.namespace="],
  ];
  for (const [group, resource, selector, converted] of cases) {
    test(`${group}/${resource} ${selector}`, () => {
      const result = checkFieldSelectorSupported(group, resource, parseFieldSelector(selector));
      assert.equal(result.toString(), converted);
    });
  }
});

describe("checkFieldSelectorSupported: rejected", () => {
  const notKnown = (label: string) =>
    `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`;
  const cases: Array<[group: string, resource: string, selector: string, message: string]> = [
    ["", "pods", "foo=bar", "field label not supported: foo"],
    ["", "pods", "status.podIPs=10.42.0.5", "field label not supported: status.podIPs"],
    ["", "pods", "spec.nodeName=a,status.hostIP=b", "field label not supported: status.hostIP"],
    ["", "nodes", "metadata.namespace=x", "field label not supported: metadata.namespace"],
    ["", "namespaces", "metadata.namespace=x", "field label not supported: metadata.namespace"],
    ["", "events", "regarding.name=x", "field label not supported: regarding.name"],
    ["", "secrets", "data=x", "field label not supported: data"],
    ["", "services", "spec.selector=x", "field label not supported: spec.selector"],
    ["", "configmaps", "data=x", notKnown("data")],
    ["networking.k8s.io", "ingresses", "foo.bar=baz", notKnown("foo.bar")],
    ["apps", "replicasets", "status.replicas=0", notKnown("status.replicas")],
    ["batch", "jobs", "status.succeeded=1", 'field label "status.succeeded" not supported for batchv1.Job'],
    ["batch", "cronjobs", "status.successful=1", notKnown("status.successful")],
    ["certificates.k8s.io", "certificatesigningrequests", "spec.username=x", "field label not supported: spec.username"],
  ];
  for (const [group, resource, selector, message] of cases) {
    test(`${group}/${resource} ${selector}`, () => {
      assert.throws(
        () => checkFieldSelectorSupported(group, resource, parseFieldSelector(selector)),
        (error: unknown) =>
          error instanceof FieldSelectorError && error.reason === "InvalidSelector" && error.message === message,
      );
    });
  }
});

describe("selecting objects end to end", () => {
  const pods = [
    { metadata: { name: "a", namespace: "ns1" }, spec: { nodeName: "node-1" }, status: { phase: "Running" } },
    { metadata: { name: "b", namespace: "ns1" }, spec: { nodeName: "node-2" }, status: { phase: "Running" } },
    { metadata: { name: "c", namespace: "ns2" }, spec: {}, status: { phase: "Pending" } },
  ];
  const cases: Array<[selector: string, names: string[]]> = [
    ["", ["a", "b", "c"]],
    ["spec.host=node-1", ["a"]],
    ["spec.nodeName=", ["c"]],
    ["spec.nodeName!=,status.phase=Running", ["a", "b"]],
    ["metadata.namespace=ns1,metadata.name!=a", ["b"]],
    ["spec.hostNetwork=false", ["a", "b", "c"]],
  ];
  for (const [selector, names] of cases) {
    test(JSON.stringify(selector), () => {
      const converted = checkFieldSelectorSupported("", "pods", parseFieldSelector(selector));
      const selected = pods.filter((pod) => converted.matches(selectableFields("", "pods", pod)));
      assert.deepEqual(
        selected.map((pod) => pod.metadata.name),
        names,
      );
    });
  }
});
