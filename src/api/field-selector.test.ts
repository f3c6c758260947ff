import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  escapeFieldSelectorValue,
  FieldSelector,
  FieldSelectorError,
  parseFieldSelector,
} from "./field-selector.ts";
import type { FieldRequirement } from "./field-selector.ts";

describe("parseFieldSelector: requirements and text", () => {
  const cases: Array<[input: string, requirements: FieldRequirement[], text: string]> = [
    ["", [], ""],
    [",", [], ""],
    ["=", [], ""],
    ["a=", [{ field: "a", operator: "=", value: "" }], "a="],
    ["=b", [{ field: "", operator: "=", value: "b" }], "=b"],
    ["spec.nodeName=node-1", [{ field: "spec.nodeName", operator: "=", value: "node-1" }], "spec.nodeName=node-1"],
    ["status.phase==Running", [{ field: "status.phase", operator: "=", value: "Running" }], "status.phase=Running"],
    ["status.phase!=Running", [{ field: "status.phase", operator: "!=", value: "Running" }], "status.phase!=Running"],
    [
      "z=c,x=a,y!=b",
      [
        { field: "x", operator: "=", value: "a" },
        { field: "y", operator: "!=", value: "b" },
        { field: "z", operator: "=", value: "c" },
      ],
      "x=a,y!=b,z=c",
    ],
    ["a=a,", [{ field: "a", operator: "=", value: "a" }], "a=a"],
    [",a=a", [{ field: "a", operator: "=", value: "a" }], "a=a"],
    ["x=a||y\\=b", [{ field: "x", operator: "=", value: "a||y=b" }], "x=a||y\\=b"],
    ["x=a\\=\\=b", [{ field: "x", operator: "=", value: "a==b" }], "x=a\\=\\=b"],
    // Terms sort by their raw text: "k2=..." comes before "k=...".
    ["k=\\,,k2=v2", [{ field: "k2", operator: "=", value: "v2" }, { field: "k", operator: "=", value: "," }], "k2=v2,k=\\,"],
    ["k=\\\\,k2=v2", [{ field: "k2", operator: "=", value: "v2" }, { field: "k", operator: "=", value: "\\" }], "k2=v2,k=\\\\"],
    ["k=\\\\\\,,k2=v2", [{ field: "k2", operator: "=", value: "v2" }, { field: "k", operator: "=", value: "\\," }], "k2=v2,k=\\\\\\,"],
    // The field part has no escapes: the first operator splits the term.
    ["a!b=c", [{ field: "a!b", operator: "=", value: "c" }], "a!b=c"],
    // Whitespace is data, not decoration.
    [" a = b ", [{ field: " a ", operator: "=", value: " b " }], " a = b "],
    ["함=수,목=록", [{ field: "목", operator: "=", value: "록" }, { field: "함", operator: "=", value: "수" }], "목=록,함=수"],
  ];
  for (const [input, requirements, text] of cases) {
    test(JSON.stringify(input), () => {
      const selector = parseFieldSelector(input);
      assert.deepEqual(selector.requirements, requirements);
      assert.equal(selector.toString(), text);
      assert.equal(selector.isEmpty(), requirements.length === 0);
      assert.deepEqual(parseFieldSelector(text).requirements, requirements, "the text parses back to the same terms");
    });
  }
});

describe("parseFieldSelector: rejected input", () => {
  const cases: Array<[input: string, message: string]> = [
    ["a", "invalid selector: 'a'; can't understand 'a'"],
    ["x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"],
    ["x=a=b", "invalid field selector: unescaped character in value: 61"],
    ["x==a==b", "invalid field selector: unescaped character in value: 61"],
    ["a!==b", "invalid field selector: unescaped character in value: 61"],
    ["a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"],
    ["k=\\", "invalid field selector: invalid escape sequence: \\"],
    ["k=\\\\\\", "invalid field selector: invalid escape sequence: \\"],
    ["k=\\a", "invalid field selector: invalid escape sequence: \\a"],
  ];
  for (const [input, message] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseFieldSelector(input),
        (error: unknown) =>
          error instanceof FieldSelectorError && error.reason === "InvalidSelector" && error.message === message,
      );
    });
  }
});

describe("matches", () => {
  const pod = { "metadata.name": "web-1", "spec.nodeName": "node-1", "status.phase": "Running" };
  const cases: Array<[selector: string, expected: boolean]> = [
    ["", true],
    ["spec.nodeName=node-1", true],
    ["spec.nodeName==node-1", true],
    ["spec.nodeName=node-2", false],
    ["spec.nodeName!=node-2", true],
    ["spec.nodeName!=node-1", false],
    ["spec.nodeName=node-1,status.phase!=Running", false],
    ["spec.nodeName=node-1,status.phase!=Pending", true],
    // A field the object does not have reads as "".
    ["status.podIP=", true],
    ["status.podIP!=", false],
    ["status.podIP=10.42.0.5", false],
    ["toString=", true],
  ];
  for (const [selector, expected] of cases) {
    test(JSON.stringify(selector), () => {
      assert.equal(parseFieldSelector(selector).matches(pod), expected);
    });
  }
});

describe("exactMatchValue", () => {
  const cases: Array<[selector: string, field: string, value: string | undefined]> = [
    ["spec.nodeName=node-1", "spec.nodeName", "node-1"],
    ["spec.nodeName==node-1,status.phase=Running", "status.phase", "Running"],
    ["spec.nodeName!=node-1", "spec.nodeName", undefined],
    ["status.phase=Running", "spec.nodeName", undefined],
    ["spec.nodeName=", "spec.nodeName", ""],
  ];
  for (const [selector, field, value] of cases) {
    test(`${selector} pins ${field}`, () => {
      assert.equal(parseFieldSelector(selector).exactMatchValue(field), value);
    });
  }
});

describe("escapeFieldSelectorValue", () => {
  const cases: Array<[value: string, escaped: string]> = [
    ["", ""],
    ["a", "a"],
    ["=", "\\="],
    [",", "\\,"],
    ["\\", "\\\\"],
    ["\\=\\,\\", "\\\\\\=\\\\\\,\\\\"],
  ];
  for (const [value, escaped] of cases) {
    test(JSON.stringify(value), () => {
      assert.equal(escapeFieldSelectorValue(value), escaped);
      assert.equal(parseFieldSelector(`f=${escaped}`).requirements[0]?.value, value);
    });
  }
});

test("fromRequirements keeps the given terms and prints them", () => {
  const selector = FieldSelector.fromRequirements([
    { field: "spec.nodeName", operator: "=", value: "a,b" },
    { field: "metadata.name", operator: "!=", value: "x" },
  ]);
  assert.equal(selector.toString(), "spec.nodeName=a\\,b,metadata.name!=x");
  assert.equal(selector.matches({ "spec.nodeName": "a,b", "metadata.name": "y" }), true);
  assert.equal(FieldSelector.everything().isEmpty(), true);
  assert.equal(FieldSelector.everything().matches({}), true);
});
