import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { goIntOrString, goLabelSelector, goNilSlice, goQuote, goRoleRef, goServicePortKey, goStringMap, renderValue } from "./go-value.ts";

describe("goQuote", () => {
  const cases: [string, string, string][] = [
    ["plain", "abc", '"abc"'],
    ["quotes and backslashes", 'a"b\\c', '"a\\"b\\\\c"'],
    ["short escapes", "\t\n\r", '"\\t\\n\\r"'],
    ["other control characters as hex", "\x01\x7f", '"\\x01\\x7f"'],
    ["printable unicode kept", "héllo ☃", '"héllo ☃"'],
    ["non-printable unicode escaped", "a\u200bb", '"a\\u200bb"'],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(goQuote(input), expected));
});

describe("Go literals", () => {
  const cases: [string, string, string][] = [
    ["sorted string map", goStringMap({ z: "1", a: "2" }).text, 'map[string]string{"a":"2", "z":"1"}'],
    ["nil map", goStringMap(undefined).text, "map[string]string(nil)"],
    ["empty map", goStringMap({}).text, "map[string]string{}"],
    [
      "label selector with labels only",
      goLabelSelector({ matchLabels: { app: "nginx2" } }).text,
      'v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
    ],
    [
      "label selector with expressions",
      goLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["x", "y"] }, { key: "b", operator: "Exists" }] }).text,
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"a", Operator:"In", Values:[]string{"x", "y"}}, v1.LabelSelectorRequirement{Key:"b", Operator:"Exists", Values:[]string(nil)}}}',
    ],
    ["int-or-string int", goIntOrString(0).text, 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}'],
    ["int-or-string string", goIntOrString("50").text, 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"50"}'],
    ["role ref", goRoleRef({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }).text, 'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}'],
    [
      "service port key",
      goServicePortKey("TCP", 80).text,
      'core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ],
    ["nil slice", goNilSlice("networking.IngressRule").text, "[]networking.IngressRule(nil)"],
  ];
  for (const [name, actual, expected] of cases) test(name, () => assert.equal(actual, expected));
});

describe("renderValue", () => {
  const cases: [string, unknown, string][] = [
    ["integer", 5, "5"],
    ["float", 1.5, "1.5"],
    ["bigint", 10n, "10"],
    ["string", "x", '"x"'],
    ["undefined is null", undefined, "null"],
    ["array as JSON", ["a", 1], '["a",1]'],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.equal(renderValue(value), expected));
});
