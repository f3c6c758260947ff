import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PathMatch, Route, RoutingTable, ServiceBackend } from "./rules.ts";
import { hostName, pathMatches, routeRequest } from "./router.ts";

const backend = (name: string): ServiceBackend => ({ key: `default/${name}:80`, namespace: "default", service: name, upstreams: [] });
const route = (match: PathMatch, path: string, name: string): Route => ({ match, path, backend: backend(name), ingress: "default/i" });

describe("pathMatches", () => {
  // The examples table of the Ingress documentation, after rules.ts dropped trailing slashes of Prefix paths.
  const cases: Array<[PathMatch, string, string, boolean]> = [
    ["Prefix", "", "/anything/at/all", true],
    ["Exact", "/foo", "/foo", true],
    ["Exact", "/foo", "/bar", false],
    ["Exact", "/foo", "/foo/", false],
    ["Exact", "/foo/", "/foo", false],
    ["Prefix", "/foo", "/foo", true],
    ["Prefix", "/foo", "/foo/", true],
    ["Prefix", "/aaa/bb", "/aaa/bbb", false],
    ["Prefix", "/aaa/bbb", "/aaa/bbb", true],
    ["Prefix", "/aaa/bbb", "/aaa/bbb/ccc", true],
    ["Prefix", "/aaa/bbb", "/aaa/bbbxyz", false],
    ["Prefix", "/foo", "/foobar", false],
  ];
  for (const [match, path, request, expected] of cases) {
    test(`${match} ${path || "/"} ${expected ? "matches" : "does not match"} ${request}`, () => {
      assert.equal(pathMatches({ match, path }, request), expected);
    });
  }
});

describe("hostName", () => {
  const cases: Array<[string | undefined, string]> = [
    ["Web.Example", "web.example"],
    ["web.example:8080", "web.example"],
    ["[::1]:80", "::1"],
    ["127.0.0.1:30080", "127.0.0.1"],
    [undefined, ""],
  ];
  for (const [header, expected] of cases) test(`${String(header)} → ${expected}`, () => assert.equal(hostName(header), expected));
});

describe("routeRequest", () => {
  const table: RoutingTable = {
    hosts: new Map([
      ["foo.bar.com", [route("Prefix", "", "foo-root"), route("Prefix", "/api", "foo-api"), route("Exact", "/api", "foo-api-exact"), route("Prefix", "/api/v2", "foo-v2")]],
      ["*.bar.com", [route("Prefix", "", "wild")]],
      ["only-exact.com", [route("Exact", "/x", "only-x")]],
      ["", [route("Prefix", "/shared", "any-host")]],
    ]),
    defaultBackend: backend("fallback"),
  };
  const cases: Array<[string, string | undefined, string, string | undefined]> = [
    ["exact host, root prefix", "foo.bar.com", "/index.html", "foo-root"],
    ["Exact wins over Prefix of equal length", "foo.bar.com", "/api", "foo-api-exact"],
    ["longest prefix wins", "foo.bar.com", "/api/v2/items", "foo-v2"],
    ["shorter prefix when the longer does not match element-wise", "foo.bar.com", "/api/v2x", "foo-api"],
    ["port and case in the Host header are ignored", "FOO.bar.com:8080", "/api/x", "foo-api"],
    ["wildcard matches one label", "baz.bar.com", "/", "wild"],
    ["wildcard does not match two labels", "a.baz.bar.com", "/", "fallback"],
    ["wildcard does not match the bare domain", "bar.com", "/", "fallback"],
    ["exact host beats the wildcard", "foo.bar.com", "/", "foo-root"],
    ["a host without a matching path falls through to host-less rules", "only-exact.com", "/shared/a", "any-host"],
    ["host-less rules serve any host", "other.org", "/shared", "any-host"],
    ["host-less rules serve requests without Host", undefined, "/shared/x", "any-host"],
    ["nothing matches: the default backend", "other.org", "/nope", "fallback"],
  ];
  for (const [name, host, path, expected] of cases) {
    test(name, () => assert.equal(routeRequest(table, host, path)?.service, expected));
  }

  test("no match and no default backend: undefined (404)", () => {
    const withoutDefault: RoutingTable = { hosts: table.hosts };
    assert.equal(routeRequest(withoutDefault, "other.org", "/nope"), undefined);
    assert.equal(routeRequest(withoutDefault, "only-exact.com", "/x/y"), undefined);
  });
});
