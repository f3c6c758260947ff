import { test } from "node:test";
import assert from "node:assert/strict";
import { parseProto, ProtoSyntaxError } from "./proto-schema.ts";
import { criApiProto } from "./cri-api-proto.ts";

test("the CRI proto parses, with upstream's field numbers and types", () => {
  const schema = parseProto(criApiProto);
  assert.equal(schema.package, "runtime.v1");
  const cases: Array<[string, string, number, string, string]> = [
    // message, field, number, label, value kind/type
    ["ContainerStatus", "log_path", 15, "single", "scalar:string"],
    ["ContainerStatus", "state", 3, "single", "enum:ContainerState"],
    ["ContainerStatus", "labels", 12, "map", "scalar:string"],
    ["PodSandboxConfig", "port_mappings", 5, "repeated", "message:PortMapping"],
    ["PortForwardRequest", "port", 2, "repeated", "scalar:int32"],
    ["Image", "size", 4, "single", "scalar:uint64"],
    ["LinuxContainerSecurityContext", "run_as_group", 12, "single", "message:Int64Value"],
  ];
  for (const [message, field, number, label, type] of cases) {
    const f = schema.messages.get(message)?.byName.get(field);
    assert.ok(f, `${message}.${field}`);
    assert.equal(f.number, number, `${message}.${field}`);
    assert.equal(f.label, label, `${message}.${field}`);
    assert.equal(`${f.value.kind}:${typeof f.value.type === "string" ? f.value.type : f.value.type.name}`, type, `${message}.${field}`);
  }
  assert.equal(schema.messages.get("ContainerStatus")?.byName.get("labels")?.key, "string");
  const exec = schema.services.get("RuntimeService")?.get("ExecSync");
  assert.equal(exec?.request.name, "ExecSyncRequest");
  assert.equal(exec?.response.name, "ExecSyncResponse");
  assert.equal(schema.services.get("ImageService")?.size, 4);
  assert.equal(schema.enums.get("ContainerState")?.zero, "CONTAINER_CREATED");
  assert.equal(schema.enums.get("NamespaceMode")?.numberOf.get("TARGET"), 3);
});

test("types may be used before they are declared, and refer to themselves", () => {
  const schema = parseProto(`syntax = "proto3"; package t;
    message A { B b = 1; repeated A children = 2; t.E e = 3; }
    message B { /* block comment */ string s = 1; } // line comment
    enum E { ONE = 1; TWO = 2; }
    service S { rpc Get(A) returns (B); }`);
  const a = schema.messages.get("A")!;
  assert.equal(a.byName.get("b")?.value.type, schema.messages.get("B"));
  assert.equal(a.byName.get("children")?.value.type, a);
  // An enum without a zero value defaults to the number 0.
  assert.equal(schema.enums.get("E")?.zero, 0);
  assert.equal(schema.services.get("S")?.get("Get")?.response, schema.messages.get("B"));
});

test("text outside the subset is refused with a clear error", () => {
  const cases: Array<[string, RegExp]> = [
    [`syntax = "proto2";`, /only proto3/],
    [`message A { Missing m = 1; }`, /A\.m: unknown type Missing/],
    [`message A { string a = 1; string b = 1; }`, /A\.b: field number 1 is used twice/],
    [`message A { string a = 0; }`, /out of range/],
    [`message A { oneof x { string a = 1; } }`, /outside the supported subset/],
    [`message A { message B {} }`, /outside the supported subset/],
    [`message A {} service S { rpc Watch(stream A) returns (A); }`, /streaming/],
    [`message A {} service S { rpc Get(A) returns (Nope); }`, /unknown message Nope/],
    [`message A { map<double, string> m = 1; }`, /map key type double/],
    [`message A { string a = 1 }`, /expected ";"/],
    [`message A { string a = 1;`, /unexpected end/],
    [`message A {} message A {}`, /declared twice/],
    [`import "x.proto";`, /unexpected "import"/],
  ];
  for (const [text, error] of cases) assert.throws(() => parseProto(text), (e: unknown) => e instanceof ProtoSyntaxError && error.test(e.message), text);
});
