import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { defaultImagePullPolicy, parseImageReference } from "./image-reference.ts";
import type { ImageReference } from "./image-reference.ts";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  const cases: [string, ImageReference | undefined][] = [
    ["nginx", { repository: "docker.io/library/nginx", tag: "latest" }],
    ["nginx:1.25", { repository: "docker.io/library/nginx", tag: "1.25" }],
    ["bitnami/redis:7", { repository: "docker.io/bitnami/redis", tag: "7" }],
    ["docker.io/nginx", { repository: "docker.io/library/nginx", tag: "latest" }],
    ["index.docker.io/nginx:1", { repository: "docker.io/library/nginx", tag: "1" }],
    ["localhost:5000/busybox", { repository: "localhost:5000/busybox", tag: "latest" }],
    ["localhost:5000/busybox:1.36", { repository: "localhost:5000/busybox", tag: "1.36" }],
    ["localhost/tools/sh", { repository: "localhost/tools/sh", tag: "latest" }],
    ["127.0.0.1:5000/a/b/c:v2", { repository: "127.0.0.1:5000/a/b/c", tag: "v2" }],
    ["[::1]:5000/busybox:x", { repository: "[::1]:5000/busybox", tag: "x" }],
    [`busybox@${DIGEST}`, { repository: "docker.io/library/busybox", digest: DIGEST }],
    [`busybox:latest@${DIGEST}`, { repository: "docker.io/library/busybox", tag: "latest", digest: DIGEST }],
    ["my_image__x-y.z:tag_1.0-rc", { repository: "docker.io/library/my_image__x-y.z", tag: "tag_1.0-rc" }],
    ["", undefined],
    ["NGINX", undefined],
    ["NGINX:latest", undefined],
    ["nginx:", undefined],
    ["nginx:-bad", undefined],
    ["nginx@sha256:short", undefined],
    ["a".repeat(64), undefined],
    [`${"a".repeat(300)}:1`, undefined],
    ["bad//path", undefined],
  ];
  for (const [reference, expected] of cases) {
    test(JSON.stringify(reference.length > 40 ? `${reference.slice(0, 40)}…` : reference), () => {
      assert.deepEqual(parseImageReference(reference), expected);
    });
  }
});

describe("defaultImagePullPolicy", () => {
  const cases: [string, "Always" | "IfNotPresent"][] = [
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["localhost:5000/busybox", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    ["localhost:5000/busybox:1.36", "IfNotPresent"],
    [`busybox@${DIGEST}`, "IfNotPresent"],
    [`busybox:latest@${DIGEST}`, "Always"],
    ["NGINX:latest", "IfNotPresent"],
    ["", "IfNotPresent"],
  ];
  for (const [image, policy] of cases) {
    test(`${JSON.stringify(image.slice(0, 40))} → ${policy}`, () => {
      assert.equal(defaultImagePullPolicy(image), policy);
    });
  }
});
