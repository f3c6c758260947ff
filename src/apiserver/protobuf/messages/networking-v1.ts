import type { MessageTable } from "../message-schema.ts";

/** The networking.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const networkingV1Messages: MessageTable = {
  "networking.v1.HTTPIngressPath": [
    { number: 1, jsonName: "path", type: "string", omitEmpty: true },
    { number: 3, jsonName: "pathType", type: "string", pointer: true },
    { number: 2, jsonName: "backend", type: "networking.v1.IngressBackend" },
  ],
  "networking.v1.HTTPIngressRuleValue": [
    { number: 1, jsonName: "paths", type: "networking.v1.HTTPIngressPath", repeated: true },
  ],
  "networking.v1.Ingress": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "networking.v1.IngressSpec", omitEmpty: true },
    { number: 3, jsonName: "status", type: "networking.v1.IngressStatus", omitEmpty: true },
  ],
  "networking.v1.IngressBackend": [
    { number: 4, jsonName: "service", type: "networking.v1.IngressServiceBackend", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "resource", type: "core.v1.TypedLocalObjectReference", pointer: true, omitEmpty: true },
  ],
  "networking.v1.IngressClass": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "networking.v1.IngressClassSpec", omitEmpty: true },
  ],
  "networking.v1.IngressClassList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "networking.v1.IngressClass", repeated: true },
  ],
  "networking.v1.IngressClassParametersReference": [
    { number: 1, jsonName: "apiGroup", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "kind", type: "string" },
    { number: 3, jsonName: "name", type: "string" },
    { number: 4, jsonName: "scope", type: "string", pointer: true },
    { number: 5, jsonName: "namespace", type: "string", pointer: true, omitEmpty: true },
  ],
  "networking.v1.IngressClassSpec": [
    { number: 1, jsonName: "controller", type: "string", omitEmpty: true },
    { number: 2, jsonName: "parameters", type: "networking.v1.IngressClassParametersReference", pointer: true, omitEmpty: true },
  ],
  "networking.v1.IngressList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "networking.v1.Ingress", repeated: true },
  ],
  "networking.v1.IngressLoadBalancerIngress": [
    { number: 1, jsonName: "ip", type: "string", omitEmpty: true },
    { number: 2, jsonName: "hostname", type: "string", omitEmpty: true },
    { number: 4, jsonName: "ports", type: "networking.v1.IngressPortStatus", repeated: true, omitEmpty: true },
  ],
  "networking.v1.IngressLoadBalancerStatus": [
    { number: 1, jsonName: "ingress", type: "networking.v1.IngressLoadBalancerIngress", repeated: true, omitEmpty: true },
  ],
  "networking.v1.IngressPortStatus": [
    { number: 1, jsonName: "port", type: "int32" },
    { number: 2, jsonName: "protocol", type: "string" },
    { number: 3, jsonName: "error", type: "string", pointer: true, omitEmpty: true },
  ],
  "networking.v1.IngressRule": [
    { number: 1, jsonName: "host", type: "string", omitEmpty: true },
    { number: 2, jsonName: "ingressRuleValue", type: "networking.v1.IngressRuleValue", inline: true },
  ],
  "networking.v1.IngressRuleValue": [
    { number: 1, jsonName: "http", type: "networking.v1.HTTPIngressRuleValue", pointer: true, omitEmpty: true },
  ],
  "networking.v1.IngressServiceBackend": [
    { number: 1, jsonName: "name", type: "string" },
    { number: 2, jsonName: "port", type: "networking.v1.ServiceBackendPort", omitEmpty: true },
  ],
  "networking.v1.IngressSpec": [
    { number: 4, jsonName: "ingressClassName", type: "string", pointer: true, omitEmpty: true },
    { number: 1, jsonName: "defaultBackend", type: "networking.v1.IngressBackend", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "tls", type: "networking.v1.IngressTLS", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "rules", type: "networking.v1.IngressRule", repeated: true, omitEmpty: true },
  ],
  "networking.v1.IngressStatus": [
    { number: 1, jsonName: "loadBalancer", type: "networking.v1.IngressLoadBalancerStatus", omitEmpty: true },
  ],
  "networking.v1.IngressTLS": [
    { number: 1, jsonName: "hosts", type: "string", repeated: true, omitEmpty: true },
    { number: 2, jsonName: "secretName", type: "string", omitEmpty: true },
  ],
  "networking.v1.IPBlock": [
    { number: 1, jsonName: "cidr", type: "string" },
    { number: 2, jsonName: "except", type: "string", repeated: true, omitEmpty: true },
  ],
  "networking.v1.NetworkPolicy": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "networking.v1.NetworkPolicySpec", omitEmpty: true },
  ],
  "networking.v1.NetworkPolicyEgressRule": [
    { number: 1, jsonName: "ports", type: "networking.v1.NetworkPolicyPort", repeated: true, omitEmpty: true },
    { number: 2, jsonName: "to", type: "networking.v1.NetworkPolicyPeer", repeated: true, omitEmpty: true },
  ],
  "networking.v1.NetworkPolicyIngressRule": [
    { number: 1, jsonName: "ports", type: "networking.v1.NetworkPolicyPort", repeated: true, omitEmpty: true },
    { number: 2, jsonName: "from", type: "networking.v1.NetworkPolicyPeer", repeated: true, omitEmpty: true },
  ],
  "networking.v1.NetworkPolicyList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "networking.v1.NetworkPolicy", repeated: true },
  ],
  "networking.v1.NetworkPolicyPeer": [
    { number: 1, jsonName: "podSelector", type: "meta.v1.LabelSelector", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "namespaceSelector", type: "meta.v1.LabelSelector", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "ipBlock", type: "networking.v1.IPBlock", pointer: true, omitEmpty: true },
  ],
  "networking.v1.NetworkPolicyPort": [
    { number: 1, jsonName: "protocol", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "port", type: "intOrString", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "endPort", type: "int32", pointer: true, omitEmpty: true },
  ],
  "networking.v1.NetworkPolicySpec": [
    { number: 1, jsonName: "podSelector", type: "meta.v1.LabelSelector" },
    { number: 2, jsonName: "ingress", type: "networking.v1.NetworkPolicyIngressRule", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "egress", type: "networking.v1.NetworkPolicyEgressRule", repeated: true, omitEmpty: true },
    { number: 4, jsonName: "policyTypes", type: "string", repeated: true, omitEmpty: true },
  ],
  "networking.v1.ServiceBackendPort": [
    { number: 1, jsonName: "name", type: "string", omitEmpty: true },
    { number: 2, jsonName: "number", type: "int32", omitEmpty: true },
  ],
};
