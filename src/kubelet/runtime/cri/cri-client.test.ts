import { test } from "node:test";
import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { CriClient, runtimeErrorReasonOf } from "./cri-client.ts";
import { RuntimeError } from "../runtime.ts";

test("gRPC codes map to runtime error reasons", () => {
  const cases: Array<[status, RuntimeError["reason"]]> = [
    [status.NOT_FOUND, "NotFound"],
    [status.UNAVAILABLE, "Unavailable"],
    [status.INVALID_ARGUMENT, "InvalidArgument"],
    [status.UNIMPLEMENTED, "Unsupported"],
    [status.DEADLINE_EXCEEDED, "DeadlineExceeded"],
    [status.UNKNOWN, "RuntimeFailure"],
    [status.INTERNAL, "RuntimeFailure"],
  ];
  for (const [code, reason] of cases) assert.equal(runtimeErrorReasonOf(code), reason, status[code]);
});

test("a socket nobody listens on fails with Unavailable", async () => {
  const client = new CriClient("/nonexistent/skiff-test.sock", 2000);
  try {
    await assert.rejects(client.call("RuntimeService", "Version", {}), (error: unknown) => error instanceof RuntimeError && error.reason === "Unavailable");
  } finally {
    client.close();
  }
});
