import { test } from "node:test";
import assert from "node:assert/strict";
import { CriClient, runtimeErrorReasonOf, socketPathOf } from "./cri-client.ts";
import { GrpcStatus } from "./grpc-wire.ts";
import { RuntimeError } from "../runtime.ts";

test("gRPC codes map to runtime error reasons", () => {
  const cases: Array<[number, RuntimeError["reason"]]> = [
    [GrpcStatus.NOT_FOUND, "NotFound"],
    [GrpcStatus.UNAVAILABLE, "Unavailable"],
    [GrpcStatus.INVALID_ARGUMENT, "InvalidArgument"],
    [GrpcStatus.UNIMPLEMENTED, "Unsupported"],
    [GrpcStatus.DEADLINE_EXCEEDED, "DeadlineExceeded"],
    [GrpcStatus.UNKNOWN, "RuntimeFailure"],
    [GrpcStatus.INTERNAL, "RuntimeFailure"],
  ];
  for (const [code, reason] of cases) assert.equal(runtimeErrorReasonOf(code), reason, String(code));
});

test("a socket nobody listens on fails with Unavailable", async () => {
  const client = new CriClient("/nonexistent/skiff-test.sock", 2000);
  try {
    await assert.rejects(client.call("RuntimeService", "Version", {}), (error: unknown) => error instanceof RuntimeError && error.reason === "Unavailable");
  } finally {
    client.close();
  }
});

test("endpoints name a unix socket", () => {
  const cases: Array<[string, string]> = [
    ["unix:///run/containerd/containerd.sock", "/run/containerd/containerd.sock"],
    ["unix:/run/x.sock", "/run/x.sock"],
    ["/run/x.sock", "/run/x.sock"],
    ["relative.sock", "relative.sock"],
  ];
  for (const [endpoint, path] of cases) assert.equal(socketPathOf(endpoint), path, endpoint);
  assert.throws(() => socketPathOf("tcp://127.0.0.1:1234"), (e: unknown) => e instanceof RuntimeError && e.reason === "InvalidArgument" && /only unix sockets/.test(e.message));
});

test("a request the CRI proto does not describe is refused before anything is sent", async () => {
  const client = new CriClient("/nonexistent/skiff-test.sock", 2000);
  try {
    await assert.rejects(client.call("RuntimeService", "StopContainer", { container_id: "c", timeout: "soon" }), (e: unknown) => e instanceof RuntimeError && e.reason === "InvalidArgument" && /StopContainerRequest\.timeout/.test(e.message));
    await assert.rejects(client.call("RuntimeService", "Reboot", {}), (e: unknown) => e instanceof RuntimeError && e.reason === "Unsupported");
  } finally {
    client.close();
  }
});
