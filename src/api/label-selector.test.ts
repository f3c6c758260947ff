import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { LabelSelector as LabelSelectorObject } from "kubernetes-types/meta/v1.js";
import { LabelSelector, LabelSelectorError, labelSelectorFromObject, parseLabelSelector } from "./label-selector.ts";
import type { LabelRequirement } from "./label-selector.ts";

const NAME_REGEX_ERROR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_REGEX_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const INTEGER_ERROR = "for 'Gt', 'Lt' operators, the value must be an integer";

function rejectsWith(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof LabelSelectorError);
    assert.equal(error.reason, "InvalidSelector");
    assert.equal(error.message, message);
    return true;
  });
}

describe("parseLabelSelector: canonical text", () => {
  const cases: Array<[input: string, text: string]> = [
    ["", ""],
    ["x=a,y=b,z=c", "x=a,y=b,z=c"],
    ["x=a,a=x", "a=x,x=a"],
    ["x!=a,y=b", "x!=a,y=b"],
    ["x==a", "x==a"],
    ["x=", "x="],
    ["x= ", "x="],
    ["x=,z= ", "x=,z="],
    ["!x", "!x"],
    ["x>1", "x>1"],
    ["x>1,z<5", "x>1,z<5"],
    ["\rx", "x"],
    ["a ", "a"],
    ["x in (abc,def)", "x in (abc,def)"],
    ["x in (def,abc,def)", "x in (abc,def)"],
    ["x in (abc,)", "x in (,abc)"],
    ["x in ()", "x in ()"],
    ["x notin ( )", "x notin ()"],
    ["x notin (, a)", "x notin (,a)"],
    ["x in (a,,)", "x in (,a)"],
    ["foo  in\t (abc)", "foo in (abc)"],
    ["x notin\n (abc)", "x notin (abc)"],
    ["x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"],
    ["a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"],
    ["notin=in", "notin=in"],
    ["this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"],
    ["0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"],
    [`${"a".repeat(253)}/${"b".repeat(63)}=${"c".repeat(63)}`, `${"a".repeat(253)}/${"b".repeat(63)}=${"c".repeat(63)}`],
  ];
  for (const [input, text] of cases) {
    test(JSON.stringify(input), () => {
      const selector = parseLabelSelector(input);
      assert.equal(selector.toString(), text);
      assert.equal(parseLabelSelector(text).toString(), text, "the text parses back to itself");
    });
  }
});

describe("parseLabelSelector: requirements", () => {
  const cases: Array<[input: string, requirements: LabelRequirement[]]> = [
    ["", []],
    [
      "z,x=a,!y",
      [
        { key: "x", operator: "=", values: ["a"] },
        { key: "y", operator: "!", values: [] },
        { key: "z", operator: "exists", values: [] },
      ],
    ],
    ["k in (b,a,b)", [{ key: "k", operator: "in", values: ["a", "b"] }]],
    ["k notin (a)", [{ key: "k", operator: "notin", values: ["a"] }]],
    ["k==v,k!=w", [{ key: "k", operator: "==", values: ["v"] }, { key: "k", operator: "!=", values: ["w"] }]],
    ["k>1,k<9", [{ key: "k", operator: "gt", values: ["1"] }, { key: "k", operator: "lt", values: ["9"] }]],
  ];
  for (const [input, requirements] of cases) {
    test(JSON.stringify(input), () => {
      assert.deepEqual(parseLabelSelector(input).requirements, requirements);
    });
  }
});

describe("parseLabelSelector: rejected input", () => {
  const prefix = "unable to parse requirement: ";
  const cases: Array<[input: string, message: string]> = [
    ["x==a==b", "found '==', expected: ',' or 'end of string'"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    ["a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"],
    ["x,,y", "found ',', expected: identifier after ','"],
    ["a in (xyz),", "found '', expected: identifier after ','"],
    [",x,y", "found ',', expected: !, identifier, or 'end of string'"],
    ["(", "found '(', expected: !, identifier, or 'end of string'"],
    ["x nott in (y)", `${prefix}found 'nott', expected: in, notin, =, ==, !=, gt, lt`],
    ["a (", `${prefix}found '(', expected: in, notin, =, ==, !=, gt, lt`],
    ["x!", `${prefix}found '!', expected: in, notin, =, ==, !=, gt, lt`],
    ["!!x", `${prefix}found '!', expected: identifier`],
    ["x in in", `${prefix}found 'in' expected: '('`],
    ["a notin(", `${prefix}found '', expected: ',', ')' or identifier`],
    ["x in (!)", `${prefix}found '!', expected: ',', ')' or identifier`],
    ["a in (xyz abc)", `${prefix}found 'abc', expected: ',' or ')'`],
    ["x in (a", `${prefix}found '', expected: ',' or ')'`],
    ["x in (a,", `${prefix}found '', expected: ',', or identifier`],
    ["x==(a)", `${prefix}found '(', expected: identifier`],
    ["x<a", `${prefix}values[0]: Invalid value: "a": ${INTEGER_ERROR}`],
    ["x>", `${prefix}values[0]: Invalid value: "": ${INTEGER_ERROR}`],
    ["x=a||y=b", `${prefix}values[0][x]: Invalid value: "a||y": ${VALUE_REGEX_ERROR}`],
    ["x=-a", `${prefix}values[0][x]: Invalid value: "-a": ${VALUE_REGEX_ERROR}`],
    [
      `x=${"a".repeat(64)}`,
      `${prefix}values[0][x]: Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`,
    ],
    [
      "x>a#",
      `${prefix}[values[0]: Invalid value: "a#": ${INTEGER_ERROR}, values[0][x]: Invalid value: "a#": ${VALUE_REGEX_ERROR}]`,
    ],
    ["-a", `${prefix}<nil>: Invalid value: "-a": ${NAME_REGEX_ERROR}`],
    ["/a", `${prefix}<nil>: Invalid value: "/a": prefix part must be non-empty`],
    ["a/", `${prefix}<nil>: Invalid value: "a/": name part must be non-empty; ${NAME_REGEX_ERROR}`],
    [
      `${"b".repeat(64)}`,
      `${prefix}<nil>: Invalid value: "${"b".repeat(64)}": name part must be no more than 63 characters`,
    ],
    ["Ab.com/x", `${prefix}<nil>: Invalid value: "Ab.com/x": prefix part ${SUBDOMAIN_REGEX_ERROR}`],
    [
      `${"a".repeat(254)}/x`,
      `${prefix}<nil>: Invalid value: "${"a".repeat(254)}/x": prefix part must be no more than 253 characters`,
    ],
    [
      "a/b/c",
      `${prefix}<nil>: Invalid value: "a/b/c": a qualified ${NAME_REGEX_ERROR.replace("name part ", "name ")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
  ];
  for (const [input, message] of cases) {
    test(JSON.stringify(input), () => {
      rejectsWith(() => parseLabelSelector(input), message);
    });
  }
});

describe("matches", () => {
  const cases: Array<[selector: string, labels: Record<string, string> | undefined, expected: boolean]> = [
    ["", { x: "y" }, true],
    ["", undefined, true],
    ["x=y", { x: "y" }, true],
    ["x=y", { x: "z" }, false],
    ["x=z", {}, false],
    ["x=y", undefined, false],
    ["x==y,z=w", { x: "y", z: "w" }, true],
    ["x=y,z=w", { x: "w", z: "w" }, false],
    ["x!=y,z!=w", { x: "z", z: "a" }, true],
    ["x!=y,z!=w", { x: "z", z: "w" }, false],
    ["x!=y", {}, true],
    ["x=", { x: "" }, true],
    ["x=", {}, false],
    ["notin=in", { notin: "in" }, true],
    ["x", { x: "z" }, true],
    ["x", { y: "z" }, false],
    ["!x", { y: "z" }, true],
    ["!x", { x: "z" }, false],
    ["x in (foo,bar)", { x: "bar" }, true],
    ["x in (foo)", { x: "baz" }, false],
    ["x in ()", { x: "" }, true],
    ["x in ()", { y: "baz" }, false],
    ["x notin (alpha)", { x: "beta" }, true],
    ["x notin (alpha)", {}, true],
    ["x notin (alpha)", { x: "alpha" }, false],
    ["x notin (),y", { y: "" }, true],
    ["x>1", { x: "2" }, true],
    ["x>1", { x: "1" }, false],
    ["x>1", { x: "0" }, false],
    ["x<1", { x: "0" }, true],
    ["x<1", { x: "-5" }, true],
    ["x<1", { x: "2" }, false],
    ["x>1", { x: "v2" }, false],
    ["x>1", { x: "+2" }, true],
    ["x>1", { x: "99999999999999999999" }, false],
    ["x>1", {}, false],
    ["toString=a", {}, false],
    ["foo=bar,foobar=bar,baz=blah", { foo: "bar", baz: "blah" }, false],
  ];
  for (const [selector, labels, expected] of cases) {
    test(`${JSON.stringify(selector)} on ${JSON.stringify(labels)}`, () => {
      assert.equal(parseLabelSelector(selector).matches(labels), expected);
    });
  }
});

describe("labelSelectorFromObject", () => {
  const cases: Array<
    [name: string, object: LabelSelectorObject | null | undefined, text: string, empty: boolean, matchesWeb: boolean]
  > = [
    ["null matches nothing", null, "", false, false],
    ["undefined matches nothing", undefined, "", false, false],
    ["empty object matches everything", {}, "", true, true],
    ["empty lists match everything", { matchLabels: {}, matchExpressions: [] }, "", true, true],
    ["matchLabels", { matchLabels: { tier: "front", app: "web" } }, "app=web,tier=front", false, true],
    [
      "expressions",
      {
        matchExpressions: [
          { key: "tier", operator: "In", values: ["front", "back"] },
          { key: "canary", operator: "DoesNotExist" },
          { key: "app", operator: "Exists", values: [] },
          { key: "env", operator: "NotIn", values: ["prod"] },
        ],
      },
      "app,!canary,env notin (prod),tier in (back,front)",
      false,
      true,
    ],
    [
      "labels and expressions together",
      { matchLabels: { app: "web" }, matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] },
      "app=web,app notin (web)",
      false,
      false,
    ],
  ];
  const web = { app: "web", tier: "front" };
  for (const [name, object, text, empty, matchesWeb] of cases) {
    test(name, () => {
      const selector = labelSelectorFromObject(object);
      assert.equal(selector.toString(), text);
      assert.equal(selector.isEmpty(), empty);
      assert.equal(selector.matches(web), matchesWeb);
    });
  }

  const rejected: Array<[name: string, object: LabelSelectorObject, message: string]> = [
    [
      "In without values",
      { matchExpressions: [{ key: "k", operator: "In" }] },
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      "NotIn with an empty list",
      { matchExpressions: [{ key: "k", operator: "NotIn", values: [] }] },
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      "Exists with values",
      { matchExpressions: [{ key: "k", operator: "Exists", values: ["a", 'b"\t'] }] },
      `[values: Invalid value: []string{"a", "b\\"\\t"}: values set must be empty for exists and does not exist, values[1][k]: Invalid value: "b\\"\\t": ${VALUE_REGEX_ERROR}]`,
    ],
    [
      "DoesNotExist with values",
      { matchExpressions: [{ key: "k", operator: "DoesNotExist", values: ["a"] }] },
      'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist',
    ],
    [
      "unknown operator",
      { matchExpressions: [{ key: "k", operator: "Gt", values: ["1"] }] },
      '"Gt" is not a valid label selector operator',
    ],
    [
      "operator named like an object property",
      { matchExpressions: [{ key: "k", operator: "toString" }] },
      '"toString" is not a valid label selector operator',
    ],
    ["bad key", { matchLabels: { "-x": "a" } }, `key: Invalid value: "-x": ${NAME_REGEX_ERROR}`],
    ["bad value", { matchLabels: { x: "a b" } }, `values[0][x]: Invalid value: "a b": ${VALUE_REGEX_ERROR}`],
  ];
  for (const [name, object, message] of rejected) {
    test(`rejects ${name}`, () => {
      rejectsWith(() => labelSelectorFromObject(object), message);
    });
  }
});

describe("selector kinds", () => {
  const cases: Array<[name: string, selector: LabelSelector, empty: boolean, nothing: boolean, matches: boolean]> = [
    ["everything", LabelSelector.everything(), true, false, true],
    ["nothing", LabelSelector.nothing(), false, true, false],
    ["parsed", parseLabelSelector("a"), false, false, true],
  ];
  for (const [name, selector, empty, nothing, matches] of cases) {
    test(name, () => {
      assert.equal(selector.isEmpty(), empty);
      assert.equal(selector.isNothing(), nothing);
      assert.equal(selector.matches({ a: "1" }), matches);
    });
  }
});

describe("exactMatchValue", () => {
  const cases: Array<[selector: string, key: string, value: string | undefined]> = [
    ["app=web", "app", "web"],
    ["app==web", "app", "web"],
    ["app in (web)", "app", "web"],
    ["app in (web,api)", "app", undefined],
    ["app!=web", "app", undefined],
    ["app", "app", undefined],
    ["tier=front", "app", undefined],
    ["app=", "app", ""],
  ];
  for (const [selector, key, value] of cases) {
    test(`${selector} pins ${key}`, () => {
      assert.equal(parseLabelSelector(selector).exactMatchValue(key), value);
    });
  }
});

test("fromRequirements sorts by key and matches like a parsed selector", () => {
  const selector = LabelSelector.fromRequirements([
    { key: "tier", operator: "=", values: ["front"] },
    { key: "app", operator: "=", values: ["web"] },
  ]);
  assert.equal(selector.toString(), "app=web,tier=front");
  assert.equal(selector.matches({ app: "web", tier: "front", extra: "x" }), true);
  assert.equal(selector.matches({ app: "web" }), false);
});
