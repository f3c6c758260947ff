import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, readFile, readlink, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from "kubernetes-types/core/v1";
import type { TokenRequest } from "kubernetes-types/authentication/v1";
import { inNamespace, resources } from "../../client/resources.ts";
import type { ResourceRef, WriteOptions } from "../../client/kube-client.ts";
import { FakeApi } from "../../client/testing/fake-api.ts";
import { FakeClock } from "../../client/testing/fake-clock.ts";
import { ContainerConfigError } from "../env/env-errors.ts";
import { isMountPoint } from "./tmpfs.ts";
import { VolumeManager } from "./volume-manager.ts";
import { VolumeMountError } from "./volume-errors.ts";

const isRoot = process.getuid?.() === 0;
const b64 = (text: string) => Buffer.from(text).toString("base64");

// Answers serviceaccounts/<sa>/token the way the API server's TokenRequest does; counts what it was asked.
class TokenIssuingApi extends FakeApi {
  readonly requests: TokenRequest[] = [];

  constructor(private readonly tokenClock: FakeClock) {
    super();
  }

  override async createSubresource<R>(resource: ResourceRef, name: string, subresource: string, body: unknown, options?: WriteOptions): Promise<R> {
    if (resource.plural !== "serviceaccounts" || subresource !== "token") return super.createSubresource(resource, name, subresource, body, options);
    const request = body as TokenRequest;
    this.requests.push(request);
    const seconds = request.spec.expirationSeconds ?? 3600;
    const answer: TokenRequest = {
      ...request,
      status: { token: `token-${name}-${this.requests.length}`, expirationTimestamp: new Date(this.tokenClock.now() + seconds * 1000).toISOString() },
    };
    return answer as R;
  }
}

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function setting(options: { memoryBackedSecrets?: boolean } = {}) {
  const podsDir = await mkdtemp(join(tmpdir(), "skiff-volumes-"));
  roots.push(podsDir);
  const clock = new FakeClock();
  const api = new TokenIssuingApi(clock);
  const manager = new VolumeManager({
    podsDir,
    client: api,
    nodeName: "node-a",
    clock,
    nodeAllocatable: { cpu: "2", memory: "1Gi" },
    memoryBackedSecrets: options.memoryBackedSecrets ?? false,
  });
  return { podsDir, clock, api, manager };
}

let podCount = 0;
function podWith(volumes: Volume[], mounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[] = []): Pod {
  podCount += 1;
  return {
    metadata: { name: `web-${podCount}`, namespace: "shop", uid: `uid-${podCount}`, labels: { app: "web", tier: "front" }, annotations: { owner: "team-a" } },
    spec: {
      nodeName: "node-a",
      serviceAccountName: "builder",
      volumes,
      containers: [{ name: "app", resources: { limits: { memory: "64Mi" } }, volumeMounts: mounts }],
    },
  };
}

const configMaps = inNamespace(resources.configMaps, "shop");
const secrets = inNamespace(resources.secrets, "shop");
const settingsMap: ConfigMap = { metadata: { name: "settings", namespace: "shop" }, data: { "app.conf": "mode=fast", level: "3" }, binaryData: { "blob.bin": b64("\u0001\u0002") } };

async function readVolumeFile(dir: string, path: string) {
  const full = join(dir, path);
  return { text: await readFile(full, "utf8"), mode: (await stat(full)).mode & 0o777 };
}

function failedMount(message: string) {
  return (e: unknown) => e instanceof VolumeMountError && e.reason === "FailedMount" && e.message === message;
}

describe("VolumeManager configMap volumes", () => {
  test("all keys with defaultMode, binaryData included", async () => {
    const { api, manager } = await setting();
    await api.create(configMaps, settingsMap);
    const pod = podWith([{ name: "cfg", configMap: { name: "settings", defaultMode: 0o600 } }]);
    await manager.setUp(pod);
    const dir = manager.volumeDir("uid-" + podCount, "configmap", "cfg");
    assert.deepEqual(await readVolumeFile(dir, "app.conf"), { text: "mode=fast", mode: 0o600 });
    assert.deepEqual(await readVolumeFile(dir, "level"), { text: "3", mode: 0o600 });
    assert.deepEqual(await readFile(join(dir, "blob.bin")), Buffer.from([1, 2]));
    assert.equal(await readlink(join(dir, "level")), "..data/level");
  });

  test("items choose keys, paths and modes", async () => {
    const { api, manager } = await setting();
    await api.create(configMaps, settingsMap);
    const pod = podWith([{ name: "cfg", configMap: { name: "settings", items: [{ key: "app.conf", path: "conf/app.conf", mode: 0o400 }, { key: "level", path: "lvl" }] } }]);
    await manager.setUp(pod);
    const dir = manager.volumeDir(pod.metadata?.uid ?? "", "configmap", "cfg");
    assert.deepEqual(await readVolumeFile(dir, "conf/app.conf"), { text: "mode=fast", mode: 0o400 });
    assert.deepEqual(await readVolumeFile(dir, "lvl"), { text: "3", mode: 0o644 });
    assert.deepEqual((await readdir(dir)).filter((n) => !n.startsWith("..")).sort(), ["conf", "lvl"]);
  });

  test("refresh swaps ..data when the ConfigMap changes and leaves it alone when it does not", async () => {
    const { api, manager } = await setting();
    const created = await api.create(configMaps, settingsMap);
    const pod = podWith([{ name: "cfg", configMap: { name: "settings" } }]);
    await manager.setUp(pod);
    const dir = manager.volumeDir(pod.metadata?.uid ?? "", "configmap", "cfg");
    const before = await readlink(join(dir, "..data"));
    await manager.refresh(pod);
    assert.equal(await readlink(join(dir, "..data")), before);

    await api.update(configMaps, { ...created, data: { "app.conf": "mode=slow" }, binaryData: {} });
    await manager.refresh(pod);
    assert.notEqual(await readlink(join(dir, "..data")), before);
    assert.equal(await readFile(join(dir, "app.conf"), "utf8"), "mode=slow");
    assert.equal(existsSync(join(dir, "level")), false);
    assert.equal(existsSync(join(dir, before)), false);
  });

  const failures: [string, Volume, string][] = [
    ["a missing ConfigMap", { name: "cfg", configMap: { name: "absent" } }, 'MountVolume.SetUp failed for volume "cfg" : configmap "absent" not found'],
    ["a missing key", { name: "cfg", configMap: { name: "settings", items: [{ key: "nope", path: "x" }] } }, 'MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: nope'],
    ["a missing Secret", { name: "sec", secret: { secretName: "absent" } }, 'MountVolume.SetUp failed for volume "sec" : secret "absent" not found'],
    ["a missing Secret key", { name: "sec", secret: { secretName: "creds", items: [{ key: "nope", path: "x" }] } }, 'MountVolume.SetUp failed for volume "sec" : references non-existent secret key: nope'],
    ["a missing projected ConfigMap", { name: "proj", projected: { sources: [{ configMap: { name: "absent" } }] } }, 'MountVolume.SetUp failed for volume "proj" : configmap "absent" not found'],
    ["a directory hostPath that is a file", { name: "host", hostPath: { path: "/dev/null", type: "Directory" } }, 'MountVolume.SetUp failed for volume "host" : hostPath type check failed: /dev/null is not a directory'],
    ["an unsupported emptyDir medium", { name: "huge", emptyDir: { medium: "HugePages" } }, 'MountVolume.SetUp failed for volume "huge" : emptyDir medium "HugePages" is not supported'],
  ];
  for (const [name, volume, message] of failures) {
    test(`${name} is a FailedMount`, async () => {
      const { api, manager } = await setting();
      await api.create(configMaps, settingsMap);
      await api.create(secrets, { metadata: { name: "creds", namespace: "shop" }, data: { password: b64("pw") } } satisfies Secret);
      await assert.rejects(manager.setUp(podWith([volume])), failedMount(message));
    });
  }

  test("optional sources that are absent give an empty volume", async () => {
    const { api, manager } = await setting();
    await api.create(configMaps, settingsMap);
    const pod = podWith([
      { name: "cfg", configMap: { name: "absent", optional: true } },
      { name: "partial", configMap: { name: "settings", optional: true, items: [{ key: "nope", path: "x" }, { key: "level", path: "lvl" }] } },
      { name: "sec", secret: { secretName: "absent", optional: true } },
    ]);
    await manager.setUp(pod);
    const uid = pod.metadata?.uid ?? "";
    assert.deepEqual(await readdir(manager.volumeDir(uid, "configmap", "cfg")).then((names) => names.filter((n) => !n.startsWith(".."))), []);
    assert.deepEqual(await readdir(manager.volumeDir(uid, "configmap", "partial")).then((names) => names.filter((n) => !n.startsWith(".."))), ["lvl"]);
    assert.deepEqual(await readdir(manager.volumeDir(uid, "secret", "sec")).then((names) => names.filter((n) => !n.startsWith(".."))), []);
  });
});

describe("VolumeManager secret, downwardAPI and projected volumes", () => {
  test("secret values are decoded", async () => {
    const { api, manager } = await setting();
    await api.create(secrets, { metadata: { name: "creds", namespace: "shop" }, data: { password: b64("s3cr3t") } } satisfies Secret);
    const pod = podWith([{ name: "sec", secret: { secretName: "creds", defaultMode: 0o400 } }]);
    await manager.setUp(pod);
    assert.deepEqual(await readVolumeFile(manager.volumeDir(pod.metadata?.uid ?? "", "secret", "sec"), "password"), { text: "s3cr3t", mode: 0o400 });
  });

  test("downwardAPI files show metadata and resources, and follow label changes on refresh", async () => {
    const { manager } = await setting();
    const pod = podWith([
      {
        name: "info",
        downwardAPI: {
          items: [
            { path: "name", fieldRef: { fieldPath: "metadata.name" } },
            { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
            { path: "owner", fieldRef: { fieldPath: "metadata.annotations['owner']" } },
            { path: "mem", resourceFieldRef: { containerName: "app", resource: "limits.memory", divisor: "1Mi" } },
            { path: "cpu", resourceFieldRef: { containerName: "app", resource: "limits.cpu" }, mode: 0o400 },
          ],
        },
      },
    ]);
    await manager.setUp(pod);
    const dir = manager.volumeDir(pod.metadata?.uid ?? "", "downward-api", "info");
    assert.equal(await readFile(join(dir, "name"), "utf8"), pod.metadata?.name);
    assert.equal(await readFile(join(dir, "labels"), "utf8"), 'app="web"\ntier="front"');
    assert.equal(await readFile(join(dir, "owner"), "utf8"), "team-a");
    assert.equal(await readFile(join(dir, "mem"), "utf8"), "64");
    assert.deepEqual(await readVolumeFile(dir, "cpu"), { text: "2", mode: 0o400 });

    await manager.refresh({ ...pod, metadata: { ...pod.metadata, labels: { app: "web", tier: "back" } } });
    assert.equal(await readFile(join(dir, "labels"), "utf8"), 'app="web"\ntier="back"');
  });

  test("projected volumes merge a token, a ConfigMap and downwardAPI; the token is renewed at 80% of its life", async () => {
    const { api, clock, manager } = await setting();
    await api.create(configMaps, { metadata: { name: "kube-root-ca.crt", namespace: "shop" }, data: { "ca.crt": "CERT" } } satisfies ConfigMap);
    const pod = podWith([
      {
        name: "kube-api-access",
        projected: {
          defaultMode: 0o644,
          sources: [
            { serviceAccountToken: { path: "token", expirationSeconds: 1000, audience: "api" } },
            { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
            { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
          ],
        },
      },
    ]);
    await manager.setUp(pod);
    const dir = manager.volumeDir(pod.metadata?.uid ?? "", "projected", "kube-api-access");
    assert.equal(await readFile(join(dir, "token"), "utf8"), "token-builder-1");
    assert.equal(await readFile(join(dir, "ca.crt"), "utf8"), "CERT");
    assert.equal(await readFile(join(dir, "namespace"), "utf8"), "shop");
    assert.deepEqual(api.requests[0]?.spec, {
      audiences: ["api"],
      expirationSeconds: 1000,
      boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata?.name, uid: pod.metadata?.uid },
    });

    clock.advance(799_000);
    await manager.refresh(pod);
    assert.equal(api.requests.length, 1);
    clock.advance(1_000);
    await manager.refresh(pod);
    assert.equal(api.requests.length, 2);
    assert.equal(await readFile(join(dir, "token"), "utf8"), "token-builder-2");
  });

  test("start refreshes every set-up pod each period until aborted", async () => {
    const { api, clock, manager } = await setting();
    const created = await api.create(configMaps, settingsMap);
    const pod = podWith([{ name: "cfg", configMap: { name: "settings" } }]);
    await manager.setUp(pod);
    const file = join(manager.volumeDir(pod.metadata?.uid ?? "", "configmap", "cfg"), "level");
    const stop = new AbortController();
    const running = manager.start(stop.signal, 60_000);
    await api.update(configMaps, { ...created, data: { ...created.data, level: "4" } });
    await clock.advanceAsync(59_000);
    assert.equal(await readFile(file, "utf8"), "3");
    await clock.advanceAsync(1_000);
    for (let attempt = 0; attempt < 200 && (await readFile(file, "utf8")) !== "4"; attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await readFile(file, "utf8"), "4");
    stop.abort();
    await running;
  });

  test("a server without serviceaccounts/token fails the mount clearly", async () => {
    const { podsDir } = await setting();
    const plain = new VolumeManager({ podsDir, client: new FakeApi(), nodeName: "node-a", memoryBackedSecrets: false });
    await assert.rejects(
      plain.setUp(podWith([{ name: "tok", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }])),
      (e: unknown) => e instanceof VolumeMountError && /^MountVolume.SetUp failed for volume "tok" : failed to fetch token: serviceaccounts "builder\/token" not found$/.test(e.message),
    );
  });
});

describe("VolumeManager container mounts", () => {
  test("paths, read-only API volumes, subPath, hostPath and a bound claim", async () => {
    const { api, podsDir, manager } = await setting();
    await api.create(configMaps, settingsMap);
    const pvPath = join(podsDir, "pv-data");
    await mkdir(pvPath);
    await api.create(resources.persistentVolumes, { metadata: { name: "pv-1" }, spec: { hostPath: { path: pvPath, type: "Directory" } } } satisfies PersistentVolume);
    await api.create(inNamespace(resources.persistentVolumeClaims, "shop"), { metadata: { name: "data", namespace: "shop" }, spec: { volumeName: "pv-1" }, status: { phase: "Bound" } } satisfies PersistentVolumeClaim);
    const pod = podWith(
      [
        { name: "scratch", emptyDir: {} },
        { name: "cfg", configMap: { name: "settings" } },
        { name: "host", hostPath: { path: podsDir } },
        { name: "data", persistentVolumeClaim: { claimName: "data", readOnly: true } },
      ],
      [
        { name: "scratch", mountPath: "/scratch" },
        { name: "scratch", mountPath: "/logs", subPath: "logs/app" },
        { name: "cfg", mountPath: "/etc/app" },
        { name: "cfg", mountPath: "/etc/app.conf", subPath: "app.conf" },
        { name: "host", mountPath: "/host", readOnly: true },
        { name: "data", mountPath: "/data" },
      ],
    );
    await manager.setUp(pod);
    const uid = pod.metadata?.uid ?? "";
    const container = pod.spec?.containers[0];
    assert.ok(container);
    const mounts = manager.containerMounts(pod, container);
    const scratch = join(podsDir, uid, "volumes/kubernetes.io~empty-dir/scratch");
    const cfg = join(podsDir, uid, "volumes/kubernetes.io~configmap/cfg");
    const dataDir = await readlink(join(cfg, "..data"));
    assert.deepEqual(mounts, [
      { containerPath: "/scratch", hostPath: scratch, readonly: false },
      { containerPath: "/logs", hostPath: join(scratch, "logs/app"), readonly: false },
      { containerPath: "/etc/app", hostPath: cfg, readonly: true },
      { containerPath: "/etc/app.conf", hostPath: join(cfg, dataDir, "app.conf"), readonly: true },
      { containerPath: "/host", hostPath: podsDir, readonly: true },
      { containerPath: "/data", hostPath: pvPath, readonly: true },
    ]);
    assert.equal((await stat(scratch)).mode & 0o777, 0o777);
    assert.ok((await stat(join(scratch, "logs/app"))).isDirectory());
  });

  test("subPathExpr expands the container's environment", async () => {
    const { manager } = await setting();
    const pod = podWith([{ name: "scratch", emptyDir: {} }]);
    const container = { name: "app", volumeMounts: [{ name: "scratch", mountPath: "/out", subPathExpr: "logs/$(POD_NAME)" }] };
    await manager.setUp(pod);
    const scratch = manager.volumeDir(pod.metadata?.uid ?? "", "empty-dir", "scratch");
    assert.deepEqual(manager.containerMounts(pod, container, [{ key: "POD_NAME", value: "web-7" }]), [{ containerPath: "/out", hostPath: join(scratch, "logs/web-7"), readonly: false }]);
  });

  test("an unbound claim fails the mount", async () => {
    const { api, manager } = await setting();
    await api.create(inNamespace(resources.persistentVolumeClaims, "shop"), { metadata: { name: "data", namespace: "shop" }, spec: {}, status: { phase: "Pending" } } satisfies PersistentVolumeClaim);
    await assert.rejects(
      manager.setUp(podWith([{ name: "data", persistentVolumeClaim: { claimName: "data" } }])),
      failedMount('MountVolume.SetUp failed for volume "data" : PVC shop/data has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")'),
    );
  });

  const refusals: [string, { name: string; mountPath: string; subPath?: string }, RegExp][] = [
    ["an unknown volume", { name: "nope", mountPath: "/x" }, /^cannot find volume "nope" to mount into container "app"$/],
    ["a subPath with ..", { name: "scratch", mountPath: "/x", subPath: "../../etc" }, /^unable to provision SubPath `..\/..\/etc`: must not contain '..'$/],
    ["an absolute subPath", { name: "scratch", mountPath: "/x", subPath: "/etc" }, /^error SubPath `\/etc` must not be an absolute path$/],
  ];
  for (const [name, mount, message] of refusals) {
    test(`${name} is refused`, async () => {
      const { manager } = await setting();
      const pod = podWith([{ name: "scratch", emptyDir: {} }], [mount]);
      await manager.setUp(pod);
      const container = pod.spec?.containers[0];
      assert.ok(container);
      assert.throws(() => manager.containerMounts(pod, container), (e: unknown) => e instanceof ContainerConfigError && message.test(e.message));
    });
  }

  test("a subPath symlink leading out of the volume is refused", async () => {
    const { manager, podsDir } = await setting();
    const pod = podWith([{ name: "scratch", emptyDir: {} }], [{ name: "scratch", mountPath: "/x", subPath: "escape" }]);
    await manager.setUp(pod);
    await symlink(podsDir, join(manager.volumeDir(pod.metadata?.uid ?? "", "empty-dir", "scratch"), "escape"));
    const container = pod.spec?.containers[0];
    assert.ok(container);
    assert.throws(() => manager.containerMounts(pod, container), (e: unknown) => e instanceof ContainerConfigError && /leads outside the volume/.test(e.message));
  });

  test("tearDown removes the pod's volumes", async () => {
    const { manager, podsDir } = await setting();
    const pod = podWith([{ name: "scratch", emptyDir: {} }]);
    await manager.setUp(pod);
    const uid = pod.metadata?.uid ?? "";
    await writeFile(join(manager.volumeDir(uid, "empty-dir", "scratch"), "f"), "x");
    await manager.tearDown(uid);
    assert.equal(existsSync(join(podsDir, uid, "volumes")), false);
  });
});

describe("VolumeManager tmpfs", { skip: isRoot ? false : "mounting tmpfs needs root" }, () => {
  test("memory emptyDir and secrets live on tmpfs sized by sizeLimit, and tearDown unmounts them", async () => {
    const { api, manager, podsDir } = await setting({ memoryBackedSecrets: true });
    await api.create(secrets, { metadata: { name: "creds", namespace: "shop" }, data: { password: b64("pw") } } satisfies Secret);
    const pod = podWith([
      { name: "fast", emptyDir: { medium: "Memory", sizeLimit: "2Mi" } },
      { name: "sec", secret: { secretName: "creds" } },
    ]);
    await manager.setUp(pod);
    const uid = pod.metadata?.uid ?? "";
    const fast = manager.volumeDir(uid, "empty-dir", "fast");
    const sec = manager.volumeDir(uid, "secret", "sec");
    assert.equal(await isMountPoint(fast), true);
    assert.equal(await isMountPoint(sec), true);
    const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
    const line = mountinfo.split("\n").find((l) => l.split(" ")[4] === fast) ?? "";
    assert.match(line, /size=2048k/);
    assert.equal(await readFile(join(sec, "password"), "utf8"), "pw");
    await manager.tearDown(uid);
    assert.equal(await isMountPoint(fast), false);
    assert.equal(await isMountPoint(sec), false);
    assert.equal(existsSync(join(podsDir, uid, "volumes")), false);
  });
});
