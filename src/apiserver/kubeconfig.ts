// The admin kubeconfig `skiff server` writes into its data dir.
import { stringify } from "yaml";
import type { KeyPairPem } from "./certs.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function adminKubeconfig(server: string, caCert: string, admin: KeyPairPem): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "skiff", cluster: { server, "certificate-authority-data": b64(caCert) } }],
    users: [{ name: "admin", user: { "client-certificate-data": b64(admin.cert), "client-key-data": b64(admin.key) } }],
    contexts: [{ name: "skiff", context: { cluster: "skiff", user: "admin", namespace: "default" } }],
    "current-context": "skiff",
    preferences: {},
  });
}
