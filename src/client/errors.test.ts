import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ApiStatusError, isResourceExpired, type StatusReason } from "./errors.ts";

describe("ApiStatusError.fromResponse", () => {
  const cases: { name: string; code: number; body: string; reason: StatusReason; message: string }[] = [
    { name: "a Status body gives its reason", code: 409, body: JSON.stringify({ kind: "Status", code: 409, reason: "AlreadyExists", message: 'pods "a" already exists' }), reason: "AlreadyExists", message: 'pods "a" already exists' },
    { name: "a Status without reason: from the code", code: 404, body: JSON.stringify({ kind: "Status", code: 404, message: "gone" }), reason: "NotFound", message: "gone" },
    { name: "a reason we do not know: from the code", code: 429, body: JSON.stringify({ kind: "Status", reason: "SlowDown", message: "later" }), reason: "TooManyRequests", message: "later" },
    { name: "not JSON: from the code, the text as message", code: 503, body: "upstream connect error\n", reason: "ServiceUnavailable", message: "upstream connect error" },
    { name: "an unmapped code without reason", code: 418, body: "", reason: "Unknown", message: "the server answered 418" },
    { name: "410 with Expired", code: 410, body: JSON.stringify({ kind: "Status", code: 410, reason: "Expired", message: "too old resource version: 1 (5)" }), reason: "Expired", message: "too old resource version: 1 (5)" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = ApiStatusError.fromResponse(c.code, c.body);
      assert.equal(e.reason, c.reason);
      assert.equal(e.code, c.code);
      assert.equal(e.message, c.message);
      assert.equal(e.status.code, c.code);
    });
  }
});

test("isResourceExpired covers Expired, Gone and a bare 410", () => {
  assert.equal(isResourceExpired(ApiStatusError.fromResponse(410, "")), true);
  assert.equal(isResourceExpired(new ApiStatusError({ code: 410, reason: "Expired" })), true);
  assert.equal(isResourceExpired(new ApiStatusError({ code: 409, reason: "Conflict" })), false);
  assert.equal(isResourceExpired(new Error("410")), false);
});
