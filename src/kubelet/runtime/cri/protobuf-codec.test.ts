import { test } from "node:test";
import assert from "node:assert/strict";
import { criApiProto } from "./cri-api-proto.ts";
import { parseProto } from "./proto-schema.ts";
import { decodeMessage, encodeMessage, ProtobufError } from "./protobuf-codec.ts";

const cri = parseProto(criApiProto);
const message = (name: string) => {
  const schema = cri.messages.get(name);
  if (schema === undefined) throw new Error(`no message ${name}`);
  return schema;
};
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

// Byte vectors worked out by hand from the protobuf encoding spec: a tag is
// (field number << 3 | wire type) as a varint; varints are 7 bits per byte,
// least significant first, high bit set on all but the last byte.
const vectors: Array<[string, string, object, string]> = [
  ["a string (field 1, wire 2)", "VersionRequest", { version: "v1" }, "0a 02 7631"],
  ["proto3 leaves defaults out", "VersionRequest", { version: "" }, ""],
  ["int64 (field 2, wire 0)", "StopContainerRequest", { container_id: "a", timeout: 2 }, "0a 01 61  10 02"],
  ["a two-byte varint: 150", "PortMapping", { container_port: 150 }, "10 9601"],
  ["a negative int32 is sign-extended to ten bytes", "PortMapping", { container_port: -1 }, "10 ffffffffffffffffff01"],
  ["a negative int64", "StopContainerRequest", { timeout: -2 }, "10 feffffffffffffffff01"],
  ["int64 beyond 32 bits: 2^60", "StopContainerRequest", { timeout: 2 ** 60 }, "10 80808080808080801 0"],
  ["uint32 max", "PodSandboxMetadata", { attempt: 0xffffffff }, "20 ffffffff0f"],
  ["uint64 (field 4): 300", "Image", { size: 300 }, "20 ac02"],
  ["bool (field 6)", "LinuxSandboxSecurityContext", { privileged: true }, "30 01"],
  ["an enum by name", "PortMapping", { protocol: "UDP" }, "08 01"],
  ["an enum by number", "PortMapping", { protocol: 2 }, "08 02"],
  ["an enum's zero value is the default", "PortMapping", { protocol: "TCP" }, ""],
  ["repeated int32 is packed (field 2, wire 2)", "PortForwardRequest", { port: [80, 443] }, "12 03 50 bb03"],
  ["repeated strings, one field each", "ExecSyncRequest", { cmd: ["ls", "-l"] }, "12 02 6c73  12 02 2d6c"],
  ["bytes", "ExecSyncResponse", { stdout: Buffer.from("hi") }, "0a 02 6869"],
  ["a map entry is a message { key = 1; value = 2; }", "PodSandboxConfig", { labels: { a: "b" } }, "32 06 0a0161 120162"],
  ["nested messages are length-delimited", "RunPodSandboxRequest", { config: { metadata: { name: "p" } } }, "0a 05 0a 03 0a 01 70"],
  ["an empty nested message is still sent", "ListPodSandboxRequest", { filter: {} }, "0a 00"],
  ["null and undefined fields are left out", "ListPodSandboxRequest", { filter: null }, ""],
  ["repeated messages", "ContainerConfig", { envs: [{ key: "A", value: "1" }, { key: "B" }] }, "32 06 0a0141 120131  32 03 0a0142"],
  ["UTF-8 strings", "VersionRequest", { version: "ä" }, "0a 02 c3a4"],
];

test("encoding matches hand-computed wire bytes", () => {
  for (const [what, type, object, bytes] of vectors) assert.deepEqual(encodeMessage(message(type), object).toString("hex"), hex(bytes).toString("hex"), what);
});

test("decoding those bytes gives the fields back, with defaults for the rest", () => {
  for (const [what, type, object, bytes] of vectors) {
    const decoded = decodeMessage(message(type), hex(bytes));
    for (const [name, value] of Object.entries(object)) {
      if (value === null) assert.equal(decoded[name], null, what);
      else if (name === "protocol" && typeof value === "number") assert.equal(decoded[name], "SCTP", what);
      else if (name === "filter") assert.deepEqual(decoded[name], { id: "", state: null, label_selector: {} }, what);
      else if (name === "envs") assert.deepEqual(decoded[name], [{ key: "A", value: "1" }, { key: "B", value: "" }], what);
      else if (name === "config") assert.deepEqual((decoded.config as { metadata: unknown }).metadata, { name: "p", uid: "", namespace: "", attempt: 0 }, what);
      else assert.deepEqual(decoded[name], value, what);
    }
  }
});

test("absent fields decode to proto3 defaults", () => {
  assert.deepEqual(decodeMessage(message("ContainerStatus"), Buffer.alloc(0)), {
    id: "",
    metadata: null,
    state: "CONTAINER_CREATED",
    created_at: 0,
    started_at: 0,
    finished_at: 0,
    exit_code: 0,
    image: null,
    image_ref: "",
    reason: "",
    message: "",
    labels: {},
    annotations: {},
    log_path: "",
  });
  assert.deepEqual(decodeMessage(message("ExecSyncResponse"), Buffer.alloc(0)), { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exit_code: 0 });
});

test("decoding skips unknown fields of every wire type and accepts unpacked repeated numbers", () => {
  const bytes = hex(`
    48 05                      # field 9, varint
    51 0102030405060708        # field 10, fixed64
    5d 01020304                # field 11, fixed32
    62 01 78                   # field 12, length-delimited
    0a 02 7631                 # version = "v1"
    f8ffffff0f 01              # field 536870911 (the largest), varint
  `.replace(/#[^\n]*/g, ""));
  const decoded = decodeMessage(message("VersionResponse"), bytes);
  assert.deepEqual(decoded, { version: "v1", runtime_name: "", runtime_version: "", runtime_api_version: "" });
  assert.deepEqual(decodeMessage(message("PortForwardRequest"), hex("10 50 10 bb03 12 01 16")).port, [80, 443, 22]);
  // A known field number with an unexpected wire type is skipped like an unknown one.
  assert.equal(decodeMessage(message("VersionRequest"), hex("08 01 0a 01 78")).version, "x");
  // An enum number the schema does not name stays a number.
  assert.equal(decodeMessage(message("ContainerStatus"), hex("18 07")).state, 7);
  // A message field seen twice merges, the last scalar wins.
  assert.deepEqual(decodeMessage(message("ContainerStatus"), hex("12 03 0a0161  12 02 1003  12 03 0a0162")).metadata, { name: "b", attempt: 3 });
});

test("values survive a round trip", () => {
  const config = {
    metadata: { name: "web", attempt: 2 },
    image: { image: "localhost:5000/web:v1", annotations: {} },
    command: ["sh", "-c"],
    args: ["echo ä"],
    working_dir: "/",
    envs: [{ key: "K", value: "V" }],
    mounts: [{ container_path: "/data", host_path: "/tmp/x", readonly: true }],
    labels: { "io.kubernetes.pod.name": "web", empty: "" },
    annotations: {},
    log_path: "web/2.log",
    stdin: false,
    stdin_once: false,
    tty: true,
    linux: {
      resources: { cpu_period: 100000, cpu_quota: -1, cpu_shares: 2, memory_limit_in_bytes: 8 * 1024 ** 3, oom_score_adj: -997 },
      security_context: {
        privileged: false,
        namespace_options: { network: "NODE", pid: "CONTAINER", ipc: "POD" },
        run_as_user: { value: 0 },
        run_as_group: null,
        readonly_rootfs: false,
      },
    },
  };
  const schema = message("ContainerConfig");
  assert.deepEqual(decodeMessage(schema, encodeMessage(schema, config)), config);
  const timestamps = { id: "c", created_at: 1_700_000_000_123_456_000, started_at: -5, finished_at: 2 ** 53 - 1, exit_code: -1 };
  const status = decodeMessage(message("ContainerStatus"), encodeMessage(message("ContainerStatus"), timestamps));
  for (const [name, value] of Object.entries(timestamps)) assert.equal(status[name], value, name);
  // 64-bit values given as bigint or decimal string encode like numbers.
  const stop = message("StopContainerRequest");
  assert.deepEqual(encodeMessage(stop, { timeout: 5n }), encodeMessage(stop, { timeout: 5 }));
  assert.deepEqual(encodeMessage(stop, { timeout: "-7" }), encodeMessage(stop, { timeout: -7 }));
});

test("bad input is refused with the field it concerns", () => {
  const cases: Array<[string, object, RegExp]> = [
    ["VersionRequest", { versoin: "v1" }, /VersionRequest has no field "versoin"/],
    ["VersionRequest", { version: 1 }, /VersionRequest\.version: expected a string/],
    ["PortMapping", { container_port: 1.5 }, /container_port: expected an integer/],
    ["PortMapping", { container_port: 2 ** 31 }, /container_port: expected an integer in/],
    ["PodSandboxMetadata", { attempt: -1 }, /attempt: expected an integer in \[0/],
    ["PortMapping", { protocol: "QUIC" }, /protocol: "QUIC" is not a Protocol/],
    ["StopContainerRequest", { timeout: 2n ** 63n }, /timeout: .* out of range/],
    ["ExecSyncRequest", { cmd: "ls" }, /cmd: expected an array/],
    ["ExecSyncResponse", { stdout: "hi" }, /stdout: expected bytes/],
    ["PodSandboxConfig", { labels: [["a", "b"]] }, /labels: expected an object \(a map\)/],
    ["PodSandboxConfig", { labels: { a: 1 } }, /labels\["a"\]: expected a string/],
    ["RunPodSandboxRequest", { config: { metadata: { nme: "x" } } }, /RunPodSandboxRequest\.config\.metadata: PodSandboxMetadata has no field "nme"/],
    ["ContainerConfig", { envs: [{ key: "A" }, null] }, /envs\[1\]: missing/],
  ];
  for (const [type, object, error] of cases) assert.throws(() => encodeMessage(message(type), object), (e: unknown) => e instanceof ProtobufError && error.test(e.message), `${type} ${error}`);
  const truncated: Array<[string, string]> = [
    ["VersionRequest", "0a 05 7631"],
    ["VersionRequest", "0a"],
    ["StopContainerRequest", "10 ff"],
    ["StopContainerRequest", "10 ffffffffffffffffffff01"],
    ["VersionRequest", "0b"],
  ];
  for (const [type, bytes] of truncated) assert.throws(() => decodeMessage(message(type), hex(bytes)), ProtobufError, bytes);
});
