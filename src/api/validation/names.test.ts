import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  domainPrefixedPathErrors,
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isHTTPHeaderName,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "./names.ts";

const labelRegex =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainRegex =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const dns1035Regex =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const qualifiedNameRegex =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueRegex =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Check = (value: string) => string[];

const cases: [string, Check, string, string[]][] = [
  ["label ok", isDNS1123Label, "my-name", []],
  ["label with dots", isDNS1123Label, "a.b", ["must not contain dots"]],
  ["label uppercase", isDNS1123Label, "Abc", [labelRegex]],
  ["label too long", isDNS1123Label, "a".repeat(64), ["must be no more than 63 characters"]],
  ["label too long and bad", isDNS1123Label, "-" + "a".repeat(63), ["must be no more than 63 characters", labelRegex]],
  ["subdomain ok", isDNS1123Subdomain, "example.com", []],
  ["subdomain bad", isDNS1123Subdomain, "Example.com", [subdomainRegex]],
  ["subdomain too long", isDNS1123Subdomain, "a".repeat(254), ["must be no more than 253 characters"]],
  ["dns-1035 ok", isDNS1035Label, "svc-1", []],
  ["dns-1035 leading digit", isDNS1035Label, "1svc", [dns1035Regex]],
  ["wildcard ok", isWildcardDNS1123Subdomain, "*.example.com", []],
  ["qualified name ok", isQualifiedName, "app.kubernetes.io/name", []],
  ["qualified name plain", isQualifiedName, "MyName", []],
  ["qualified name bad name part", isQualifiedName, "example.com/-x", [`name part ${qualifiedNameRegex}`]],
  ["qualified name empty prefix", isQualifiedName, "/x", ["prefix part must be non-empty"]],
  ["qualified name bad prefix", isQualifiedName, "Example/x", [`prefix part ${subdomainRegex}`]],
  ["qualified name empty name", isQualifiedName, "example.com/", ["name part must be non-empty", `name part ${qualifiedNameRegex}`]],
  ["qualified name long name", isQualifiedName, "a".repeat(64), ["name part must be no more than 63 characters"]],
  [
    "qualified name with two slashes",
    isQualifiedName,
    "a/b/c",
    [`a qualified name ${qualifiedNameRegex} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
  ],
  ["label value empty", isValidLabelValue, "", []],
  ["label value bad", isValidLabelValue, "-x", [labelValueRegex]],
  ["label value long", isValidLabelValue, "a".repeat(64), ["must be no more than 63 characters"]],
  ["config key ok", isConfigMapKey, "key.name_1-x", []],
  [
    "config key bad character",
    isConfigMapKey,
    "a/b",
    [
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ],
  ],
  ["config key dot dot", isConfigMapKey, "..x", ["must not start with '..'"]],
  ["config key dot", isConfigMapKey, ".", ["must not be '.'"]],
  ["env name relaxed accepts punctuation", isEnvVarName, "1-my.var:x", []],
  ["env name with equals", isEnvVarName, "A=B", ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
  ["env name empty", isEnvVarName, "", ["environment variable name must be non-empty"]],
  ["env name non-ASCII", isEnvVarName, "é", ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
  ["C identifier ok", isCIdentifier, "_a1", []],
  ["port name ok", isValidPortName, "http-1", []],
  ["port name too long", isValidPortName, "abcdefghijklmnop", ["must be no more than 15 characters"]],
  [
    "port name bad characters and no letter",
    isValidPortName,
    "1_2",
    ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"],
  ],
  ["port name hyphens", isValidPortName, "-a--b", ["must not contain consecutive hyphens", "must not begin or end with a hyphen"]],
  ["percent ok", isValidPercent, "25%", []],
  [
    "percent bad",
    isValidPercent,
    "25",
    ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
  ],
  [
    "header name bad",
    isHTTPHeaderName,
    "X Header",
    ["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"],
  ],
  ["path segment dot dot", isValidPathSegmentName, "..", ["may not be '..'"]],
  ["path segment slash and percent", isValidPathSegmentName, "a/%", ["may not contain '/'", "may not contain '%'"]],
];

describe("name rules", () => {
  for (const [name, check, value, expected] of cases) test(name, () => assert.deepEqual(check(value), expected));
});

describe("object name validators", () => {
  test("a generateName may end with a dash", () => {
    assert.deepEqual(nameIsDNSSubdomain("web-", true), []);
    assert.deepEqual(nameIsDNSLabel("web-", true), []);
    assert.deepEqual(nameIsDNS1035Label("web-", true), []);
    assert.deepEqual(nameIsDNSSubdomain("web-", false), [subdomainRegex]);
  });
});

describe("ports and paths", () => {
  test("port numbers are 1 to 65535", () => {
    assert.deepEqual(isValidPortNum(1), []);
    assert.deepEqual(isValidPortNum(65535), []);
    assert.deepEqual(isValidPortNum(0), ["must be between 1 and 65535, inclusive"]);
  });

  test("domain-prefixed paths", () => {
    assert.deepEqual(domainPrefixedPathErrors("acme.io/foo/bar"), []);
    assert.deepEqual(domainPrefixedPathErrors("foo"), [{ value: "foo", message: 'must be a domain-prefixed path (such as "acme.io/foo")' }]);
    assert.deepEqual(domainPrefixedPathErrors("Acme/foo"), [{ value: "Acme", message: subdomainRegex }]);
  });
});
