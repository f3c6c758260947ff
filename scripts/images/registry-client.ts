// The few calls of the registry HTTP API (distribution v2) that pushing an
// image needs: monolithic blob uploads and a manifest put.

export class RegistryPushError extends Error {
  constructor(
    readonly reason: "PushFailed",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const manifestAccept = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

export class RegistryClient {
  constructor(private readonly baseUrl: string) {}

  async ping(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/v2/`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** The digest of the manifest under this tag, or undefined when the tag is absent. */
  async manifestDigest(repository: string, tag: string): Promise<string | undefined> {
    const response = await fetch(`${this.baseUrl}/v2/${repository}/manifests/${tag}`, { method: "HEAD", headers: { Accept: manifestAccept } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new RegistryPushError("PushFailed", `HEAD manifest ${repository}:${tag}: HTTP ${response.status}`);
    return response.headers.get("docker-content-digest") ?? undefined;
  }

  async pushBlob(repository: string, digest: string, bytes: Buffer): Promise<void> {
    const existing = await fetch(`${this.baseUrl}/v2/${repository}/blobs/${digest}`, { method: "HEAD" });
    if (existing.ok) return;
    const start = await fetch(`${this.baseUrl}/v2/${repository}/blobs/uploads/`, { method: "POST" });
    await start.arrayBuffer();
    const location = start.headers.get("location");
    if (start.status !== 202 || !location) throw new RegistryPushError("PushFailed", `start upload to ${repository}: HTTP ${start.status}`);
    const uploadUrl = new URL(location, this.baseUrl);
    uploadUrl.searchParams.set("digest", digest);
    const put = await fetch(uploadUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) },
      body: bytes,
    });
    const text = await put.text();
    if (put.status !== 201) throw new RegistryPushError("PushFailed", `upload ${digest} to ${repository}: HTTP ${put.status} ${text}`);
  }

  async pushManifest(repository: string, tag: string, manifest: Buffer, mediaType: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/v2/${repository}/manifests/${tag}`, {
      method: "PUT",
      headers: { "Content-Type": mediaType },
      body: manifest,
    });
    const text = await response.text();
    if (response.status !== 201) throw new RegistryPushError("PushFailed", `put manifest ${repository}:${tag}: HTTP ${response.status} ${text}`);
  }
}
