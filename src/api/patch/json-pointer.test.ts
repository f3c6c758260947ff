import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { arrayIndexOf, parseJsonPointer } from "./json-pointer.ts";
import { PatchError } from "./patch-error.ts";

describe("parseJsonPointer", () => {
  // The pointers of RFC 6901 section 5, as reference tokens.
  const cases: Array<[pointer: string, tokens: string[]]> = [
    ["", []],
    ["/foo", ["foo"]],
    ["/foo/0", ["foo", "0"]],
    ["/", [""]],
    ["/a~1b", ["a/b"]],
    ["/c%d", ["c%d"]],
    ["/e^f", ["e^f"]],
    ["/g|h", ["g|h"]],
    ["/i\\j", ["i\\j"]],
    ['/k"l', ['k"l']],
    ["/ ", [" "]],
    ["/m~0n", ["m~n"]],
    // "~01" decodes to "~1", never to "/": ~1 is replaced before ~0.
    ["/~01", ["~1"]],
    ["/a//b", ["a", "", "b"]],
  ];
  for (const [pointer, tokens] of cases) {
    test(JSON.stringify(pointer), () => assert.deepEqual(parseJsonPointer(pointer), tokens));
  }

  for (const bad of ["foo", "#/foo", "/~2", "/a~", "/~a"]) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseJsonPointer(bad), (e: unknown) => e instanceof PatchError && e.reason === "InvalidPatch");
    });
  }
});

describe("arrayIndexOf", () => {
  const cases: Array<[token: string, index: number | undefined]> = [
    ["0", 0],
    ["7", 7],
    ["10", 10],
    ["01", undefined],
    ["-", undefined],
    ["-1", undefined],
    ["1.5", undefined],
    ["", undefined],
    ["a", undefined],
  ];
  for (const [token, index] of cases) {
    test(JSON.stringify(token), () => assert.equal(arrayIndexOf(token), index));
  }
});
