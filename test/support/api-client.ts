// A small HTTPS client with the admin certificate of a test server's
// kubeconfig, for tests that speak to the API directly.
import { request, Agent } from "node:https";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface ApiClient {
  call(method: string, path: string, options?: { body?: unknown; rawBody?: Buffer | string; contentType?: string; accept?: string }): Promise<ApiResponse>;
  /** Opens a watch; collects events until stop() or the server ends the stream. */
  watch(path: string): Promise<{ events: { type: string; object: Record<string, unknown> }[]; ended: Promise<void>; stop(): void }>;
  close(): void;
}

export async function apiClient(kubeconfigPath: string): Promise<ApiClient> {
  const config = parseYaml(await readFile(kubeconfigPath, "utf8"));
  const cluster = config.clusters[0].cluster;
  const user = config.users[0].user;
  const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
  const agent = new Agent({
    keepAlive: true,
    ca: decode(cluster["certificate-authority-data"]),
    cert: decode(user["client-certificate-data"]),
    key: decode(user["client-key-data"]),
  });
  const base = new URL(cluster.server);
  return {
    call(method, path, options = {}) {
      return new Promise((resolve, reject) => {
        const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
        const headers: Record<string, string> = { Accept: options.accept ?? "application/json" };
        if (body !== undefined) {
          headers["Content-Type"] = options.contentType ?? "application/json";
          // Node sends DELETE bodies without framing unless told their length.
          headers["Content-Length"] = String(Buffer.byteLength(body));
        }
        const req = request({ host: base.hostname, port: base.port, path, method, agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        });
        req.on("error", reject);
        if (body !== undefined) req.write(body);
        req.end();
      });
    },
    watch(path) {
      return new Promise((resolve, reject) => {
        const events: { type: string; object: Record<string, unknown> }[] = [];
        let endResolve!: () => void;
        const ended = new Promise<void>((r) => (endResolve = r));
        const req = request({ host: base.hostname, port: base.port, path, method: "GET", agent: new Agent({ ca: agent.options.ca, cert: agent.options.cert, key: agent.options.key }) }, (res) => {
          if (res.statusCode !== 200) {
            let text = "";
            res.on("data", (d) => (text += d));
            res.on("end", () => reject(new Error(`watch ${path}: ${res.statusCode} ${text}`)));
            return;
          }
          let buffer = "";
          res.on("data", (d: Buffer) => {
            buffer += d.toString("utf8");
            let nl: number;
            while ((nl = buffer.indexOf("\n")) >= 0) {
              const line = buffer.slice(0, nl);
              buffer = buffer.slice(nl + 1);
              if (line.trim()) events.push(JSON.parse(line));
            }
          });
          res.on("end", endResolve);
          res.on("close", endResolve);
          resolve({ events, ended, stop: () => req.destroy() });
        });
        req.on("error", (e) => {
          endResolve();
          reject(e);
        });
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}
