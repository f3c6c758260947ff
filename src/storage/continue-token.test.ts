import { test } from "node:test";
import assert from "node:assert/strict";
import { isStoreError } from "./store.ts";
import { decodeContinueToken, encodeContinueToken } from "./continue-token.ts";

test("a continue token round-trips to the key after the last one, within its prefix", () => {
  const cases = [
    { prefix: "/registry/pods/", revision: 42, lastKey: "/registry/pods/default/web-1" },
    { prefix: "", revision: 1, lastKey: "/a" },
    { prefix: "/x/", revision: 9_007_199_254_740_991, lastKey: "/x/ünïcode/☃" },
  ];
  for (const { prefix, revision, lastKey } of cases) {
    const token = encodeContinueToken(prefix, revision, lastKey);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    const position = decodeContinueToken(prefix, token);
    assert.equal(position.revision, revision);
    assert.equal(position.startKey, lastKey + "\u0000");
    assert.ok(position.startKey > lastKey);
  }
});

test("a token is relative to its prefix, so another prefix cannot reuse its position", () => {
  const token = encodeContinueToken("/a/", 5, "/a/k");
  assert.equal(decodeContinueToken("/b/", token).startKey, "/b/k\u0000");
});

test("malformed continue tokens fail InvalidArgument", () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const malformed = [
    "",
    "not base64!",
    Buffer.from("not json").toString("base64url"),
    encode(null),
    encode([1, "a"]),
    encode({ startKey: "a" }),
    encode({ revision: "5", startKey: "a" }),
    encode({ revision: 0, startKey: "a" }),
    encode({ revision: -3, startKey: "a" }),
    encode({ revision: 1.5, startKey: "a" }),
    encode({ revision: 5 }),
    encode({ revision: 5, startKey: "" }),
  ];
  for (const token of malformed) {
    assert.throws(() => decodeContinueToken("/p/", token), (error) => isStoreError(error, "InvalidArgument"), `token ${token}`);
  }
});

test("encoding a key outside the prefix is refused", () => {
  assert.throws(() => encodeContinueToken("/a/", 1, "/b/x"), (error) => isStoreError(error, "InvalidArgument"));
});
