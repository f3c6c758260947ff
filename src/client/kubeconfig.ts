// Connection settings from a kubeconfig file: the server, the CA to trust, and
// a client certificate or bearer token, for the current (or a named) context.
// Paths in the file are relative to the file's folder, as kubectl reads them.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { InvalidClientOptionError } from "./errors.ts";

export interface ConnectionConfig {
  /** https://host:port, optionally with a path prefix. */
  server: string;
  /** PEM of the certificate authorities to trust; the system's when absent. */
  ca?: string;
  /** PEM client certificate and key for x509 authentication. */
  cert?: string;
  key?: string;
  bearerToken?: string;
  insecureSkipTlsVerify?: boolean;
  /** The name to verify the server certificate against, when not the host. */
  tlsServerName?: string;
  /** The context's namespace ("default" when unset). */
  namespace: string;
}

/** A PEM either inline or in a file still to be read. */
export type PemSource = { data: string } | { file: string };

export interface KubeconfigSelection {
  server: string;
  ca?: PemSource;
  cert?: PemSource;
  key?: PemSource;
  bearerToken?: { data: string } | { file: string };
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  namespace: string;
}

/** Picks the context's cluster and user out of kubeconfig text; reads no files. */
export function parseKubeconfig(text: string, options: { context?: string; baseDir: string }): KubeconfigSelection {
  const doc = asRecord(parseYaml(text), "kubeconfig");
  const contextName = options.context ?? stringField(doc, "current-context");
  if (!contextName) throw new InvalidClientOptionError("kubeconfig: no context given and no current-context set");
  const context = asRecord(named(doc, "contexts", contextName, "context"), `context ${contextName}`);
  const clusterName = stringField(context, "cluster");
  const userName = stringField(context, "user");
  const cluster = asRecord(named(doc, "clusters", clusterName, "cluster"), `cluster ${clusterName}`);
  const user = userName ? asRecord(named(doc, "users", userName, "user"), `user ${userName}`) : {};
  const server = stringField(cluster, "server");
  if (!server) throw new InvalidClientOptionError(`kubeconfig: cluster ${clusterName} has no server`);
  const pem = (record: Record<string, unknown>, field: string): PemSource | undefined => {
    const inline = stringField(record, `${field}-data`);
    if (inline) return { data: Buffer.from(inline, "base64").toString("utf8") };
    const file = stringField(record, field);
    return file ? { file: resolve(options.baseDir, file) } : undefined;
  };
  const selection: KubeconfigSelection = {
    server: server.replace(/\/+$/, ""),
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    namespace: stringField(context, "namespace") || "default",
  };
  const ca = pem(cluster, "certificate-authority");
  if (ca) selection.ca = ca;
  const cert = pem(user, "client-certificate");
  if (cert) selection.cert = cert;
  const key = pem(user, "client-key");
  if (key) selection.key = key;
  const token = stringField(user, "token");
  const tokenFile = stringField(user, "tokenFile");
  if (token) selection.bearerToken = { data: token };
  else if (tokenFile) selection.bearerToken = { file: resolve(options.baseDir, tokenFile) };
  const serverName = stringField(cluster, "tls-server-name");
  if (serverName) selection.tlsServerName = serverName;
  return selection;
}

/** Reads a kubeconfig file and the files it points to. */
export async function loadKubeconfig(path: string, options: { context?: string } = {}): Promise<ConnectionConfig> {
  const text = await readFile(path, "utf8");
  const selection = parseKubeconfig(text, { ...options, baseDir: dirname(resolve(path)) });
  const read = async (source: PemSource | undefined) => (source === undefined ? undefined : "data" in source ? source.data : readFile(source.file, "utf8"));
  const config: ConnectionConfig = { server: selection.server, namespace: selection.namespace };
  const [ca, cert, key, token] = await Promise.all([read(selection.ca), read(selection.cert), read(selection.key), read(selection.bearerToken)]);
  if (ca !== undefined) config.ca = ca;
  if (cert !== undefined) config.cert = cert;
  if (key !== undefined) config.key = key;
  if (token !== undefined) config.bearerToken = token.trim();
  if (selection.insecureSkipTlsVerify) config.insecureSkipTlsVerify = true;
  if (selection.tlsServerName !== undefined) config.tlsServerName = selection.tlsServerName;
  return config;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InvalidClientOptionError(`kubeconfig: ${what} is not a mapping`);
  return value as Record<string, unknown>;
}

function stringField(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  return typeof value === "string" ? value : "";
}

function named(doc: Record<string, unknown>, list: string, name: string, inner: string): unknown {
  const entries = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
  const entry = entries.find((e) => typeof e === "object" && e !== null && (e as { name?: unknown }).name === name);
  if (entry === undefined) throw new InvalidClientOptionError(`kubeconfig: no ${list.slice(0, -1)} named "${name}"`);
  return (entry as Record<string, unknown>)[inner];
}
