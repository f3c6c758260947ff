// Builds the test images from Debian's busybox-static and pushes them to a
// registry on 127.0.0.1:5000, starting Debian's docker-registry there when
// nothing listens yet. Layers are reproducible (fixed mtimes, sorted names),
// so a re-run whose manifests the registry already holds uploads nothing.
//
//   npm run images            build and push every image (skips unchanged ones)
//   npm run images -- --check exit 1 unless every image is in the registry
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { imageDefinitions, type ImageDefinition } from "./definitions.ts";
import { RegistryClient } from "./registry-client.ts";

const registryAddress = "127.0.0.1:5000";
const registryHome = process.env.SKIFF_REGISTRY_DIR ?? "/var/lib/skiff-registry";
const busyboxPath = "/bin/busybox";

class ImageBuildError extends Error {
  constructor(
    readonly reason: "RegistryUnavailable" | "BusyboxMissing" | "ImagesMissing",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Blob {
  digest: string;
  bytes: Buffer;
}

function blobOf(bytes: Buffer): Blob {
  return { digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, bytes };
}

function ociArchitecture(): string {
  switch (process.arch) {
    case "x64":
      return "amd64";
    default:
      return process.arch;
  }
}

/** Writes the rootfs to a temporary folder and returns the uncompressed tar of it. */
function rootfsTar(image: ImageDefinition): Buffer {
  const root = mkdtempSync(join(tmpdir(), "skiff-image-"));
  try {
    for (const dir of ["bin", "etc", "tmp", "root", "www", "proc", "sys", "dev"]) mkdirSync(join(root, dir));
    chmodSync(join(root, "tmp"), 0o1777);
    writeFileSync(join(root, "bin/busybox"), readFileSync(busyboxPath), { mode: 0o755 });
    const applets = execFileSync(busyboxPath, ["--list"], { encoding: "utf8" }).split("\n").filter((name) => name && name !== "busybox");
    for (const applet of applets) symlinkSync("busybox", join(root, "bin", applet));
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
    writeFileSync(join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    for (const [path, file] of Object.entries(image.files)) {
      writeFileSync(join(root, path), file.content, { mode: file.mode });
    }
    return execFileSync(
      "tar",
      ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-C", root, "-cf", "-", "."],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface BuiltImage {
  blobs: Blob[];
  manifest: Buffer;
}

function buildImage(image: ImageDefinition): BuiltImage {
  const tar = rootfsTar(image);
  const layer = blobOf(gzipSync(tar, { level: 9 }));
  const diffId = blobOf(tar).digest;
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        created: "1970-01-01T00:00:00Z",
        architecture: ociArchitecture(),
        os: "linux",
        config: {
          Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
          ...(image.entrypoint ? { Entrypoint: image.entrypoint } : {}),
          Cmd: image.cmd,
          WorkingDir: "/",
          ...(image.exposedPorts ? { ExposedPorts: Object.fromEntries(image.exposedPorts.map((p) => [`${p}/tcp`, {}])) } : {}),
        },
        rootfs: { type: "layers", diff_ids: [diffId] },
        history: [{ created: "1970-01-01T00:00:00Z", created_by: "skiff scripts/images" }],
      }),
    ),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.bytes.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: layer.bytes.length }],
    }),
  );
  return { blobs: [config, layer], manifest };
}

async function waitForRegistry(client: RegistryClient, attempts: number): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await client.ping()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** Reuses a registry already on 127.0.0.1:5000, else starts docker-registry detached (it outlives this script). */
async function ensureRegistry(client: RegistryClient): Promise<void> {
  if (await client.ping()) return;
  mkdirSync(join(registryHome, "data"), { recursive: true });
  const configPath = join(registryHome, "config.yml");
  writeFileSync(
    configPath,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(registryHome, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: ${registryAddress}`,
      "",
    ].join("\n"),
  );
  const log = openSync(join(registryHome, "registry.log"), "a");
  const child = spawn("docker-registry", ["serve", configPath], { detached: true, stdio: ["ignore", log, log] });
  const spawnFailure = new Promise<Error>((resolve) => child.once("error", resolve));
  child.unref();
  if (child.pid !== undefined) writeFileSync(join(registryHome, "registry.pid"), `${child.pid}\n`);
  const ready = await Promise.race([waitForRegistry(client, 50), spawnFailure]);
  if (ready !== true) {
    throw new ImageBuildError("RegistryUnavailable", `docker-registry did not answer on ${registryAddress} (see ${registryHome}/registry.log)`, {
      cause: ready === false ? undefined : ready,
    });
  }
}

async function main(): Promise<void> {
  const checkOnly = process.argv.includes("--check");
  const client = new RegistryClient(`http://${registryAddress}`);
  if (checkOnly) {
    const missing: string[] = [];
    for (const image of imageDefinitions) {
      if (!(await client.manifestDigest(image.repository, image.tag))) missing.push(`${image.repository}:${image.tag}`);
    }
    if (missing.length > 0) throw new ImageBuildError("ImagesMissing", `missing from ${registryAddress}: ${missing.join(", ")}`);
    return;
  }
  if (!existsSync(busyboxPath)) throw new ImageBuildError("BusyboxMissing", `${busyboxPath} is missing: install busybox-static`);
  await ensureRegistry(client);
  for (const image of imageDefinitions) {
    const built = buildImage(image);
    const wanted = blobOf(built.manifest).digest;
    const name = `localhost:5000/${image.repository}:${image.tag}`;
    if ((await client.manifestDigest(image.repository, image.tag)) === wanted) {
      console.log(`images: ${name} up to date`);
      continue;
    }
    for (const blob of built.blobs) await client.pushBlob(image.repository, blob.digest, blob.bytes);
    await client.pushManifest(image.repository, image.tag, built.manifest, "application/vnd.oci.image.manifest.v1+json");
    console.log(`images: pushed ${name} (${wanted})`);
  }
}

main().catch((error: unknown) => {
  console.error(`images: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
