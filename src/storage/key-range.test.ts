import { test } from "node:test";
import assert from "node:assert/strict";
import { prefixEnd } from "./key-range.ts";

test("prefixEnd bounds exactly the keys under a prefix", () => {
  const cases: { prefix: string; end: string | undefined; inside: string[]; outside: string[] }[] = [
    { prefix: "/a/", end: "/a0", inside: ["/a/", "/a/b", "/a/\uffff"], outside: ["/a", "/a0", "/ab/", "/b"] },
    { prefix: "/ab", end: "/ac", inside: ["/ab", "/ab/x", "/abz"], outside: ["/aa", "/ac", "/a"] },
    { prefix: "x\uffff", end: "y", inside: ["x\uffff", "x\uffffz"], outside: ["y", "w"] },
    { prefix: "", end: undefined, inside: ["", "/anything"], outside: [] },
  ];
  for (const { prefix, end, inside, outside } of cases) {
    assert.equal(prefixEnd(prefix), end, `end of ${JSON.stringify(prefix)}`);
    const within = (key: string) => key >= prefix && (end === undefined || key < end);
    for (const key of inside) assert.ok(within(key), `${JSON.stringify(key)} is under ${JSON.stringify(prefix)}`);
    for (const key of outside) assert.ok(!within(key), `${JSON.stringify(key)} is not under ${JSON.stringify(prefix)}`);
  }
});
