import { test } from "node:test";
import assert from "node:assert/strict";
import { containerdConfigToml, containerdPaths, registryHostFiles } from "./containerd-config.ts";

test("every path of the config lies under the data folder", () => {
  const paths = containerdPaths("/data/node-1");
  for (const [name, path] of Object.entries(paths)) assert.ok(path.startsWith("/data/node-1/containerd"), `${name}: ${path}`);
  const toml = containerdConfigToml(paths);
  for (const line of toml.split("\n").filter((l) => /^\s*(root|state|address|conf_dir|config_path) = "\//.test(l))) {
    assert.match(line, /"\/data\/node-1\/containerd/);
  }
});

test("the CRI settings this machine needs are present", () => {
  const toml = containerdConfigToml(containerdPaths("/d"));
  for (const expected of [
    'sandbox_image = "localhost:5000/pause:3.9"',
    "restrict_oom_score_adj = true",
    "SystemdCgroup = false",
    'bin_dir = "/usr/lib/cni"',
    'stream_server_address = "127.0.0.1"',
    '[debug]\n  address = ""',
  ]) {
    assert.ok(toml.includes(expected), expected);
  }
  assert.ok(!toml.includes("registry.mirrors"), "mirrors and config_path cannot be combined");
});

test("registry hosts: only localhost:5000 reaches a registry, everything else a closed loopback port", () => {
  const files = registryHostFiles();
  const cases: Array<[string, string]> = [
    ["localhost:5000", 'server = "http://127.0.0.1:5000"'],
    ["docker.io", 'server = "http://127.0.0.1:1"'],
    ["_default", 'server = "http://127.0.0.1:1"'],
  ];
  for (const [host, server] of cases) assert.ok(files[host]?.startsWith(server), host);
  for (const content of Object.values(files)) {
    for (const url of content.match(/https?:\/\/[^"]+/g) ?? []) assert.match(url, /^http:\/\/127\.0\.0\.1:/);
  }
});
