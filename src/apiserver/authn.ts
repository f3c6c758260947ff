// Authentication: x509 client certificates signed by the cluster CA
// (CN = user, O = groups), bearer tokens from a static token file, and
// service-account tokens (JWTs this server signed).
import { readFile } from "node:fs/promises";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "./admission/admission.ts";
import { subjectToUser } from "./certs.ts";
import type { ServiceAccountTokens } from "./service-account-token.ts";

export interface Authenticator {
  authenticate(socket: TLSSocket | undefined, authorization: string | undefined): UserInfo | undefined;
}

/**
 * Parses a token file: one `token,user,uid,"group1,group2"` per line, as
 * upstream's --token-auth-file reads it (groups optional).
 */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = splitCsv(line);
    const [token, name, uid, groups] = fields;
    if (!token || !name) continue;
    const user: UserInfo = { name, groups: groups ? groups.split(",").map((g) => g.trim()).filter(Boolean) : [] };
    if (uid) user.uid = uid;
    tokens.set(token, user);
  }
  return tokens;
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export async function loadTokenFile(path: string | undefined): Promise<Map<string, UserInfo>> {
  if (path === undefined) return new Map();
  return parseTokenFile(await readFile(path, "utf8"));
}

/** Adds the groups every authenticated user has. */
function withAuthenticated(user: UserInfo): UserInfo {
  return user.groups.includes("system:authenticated") ? user : { ...user, groups: [...user.groups, "system:authenticated"] };
}

export function authenticator(tokens: Map<string, UserInfo>, extraTokens: () => Map<string, UserInfo> = () => new Map()): Authenticator {
  return {
    authenticate(socket, authorization) {
      // As upstream's union authenticator: a verified client certificate wins, then a bearer token.
      if (socket?.authorized) {
        const cert = socket.getPeerCertificate();
        if (cert && cert.subject) return withAuthenticated(subjectToUser(cert.subject as unknown as Record<string, string>));
      }
      const m = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (m === null) return undefined;
      const user = tokens.get(m[1]!) ?? extraTokens().get(m[1]!);
      return user ? withAuthenticated(user) : undefined;
    },
  };
}

/** Where the service-account authenticator checks that a token's objects still exist: their current uids. */
export interface BoundObjectLookup {
  uidOf(resource: "serviceaccounts" | "pods" | "secrets", namespace: string, name: string): string | undefined;
}

/**
 * Bearer tokens signed by this server's service-account key: the user
 * system:serviceaccount:<ns>:<name>, refused once expired, or once the
 * service account (or the pod or secret it is bound to) is gone or was
 * re-created with another uid.
 */
export function serviceAccountAuthenticator(tokens: ServiceAccountTokens, objects: BoundObjectLookup, now: () => number = Date.now): Authenticator {
  return {
    authenticate(_socket, authorization) {
      const m = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (m === null) return undefined;
      const claims = tokens.verify(m[1]!, now());
      if (claims === undefined) return undefined;
      const binding = claims["kubernetes.io"];
      const { namespace, serviceaccount } = binding;
      if (objects.uidOf("serviceaccounts", namespace, serviceaccount.name) !== serviceaccount.uid) return undefined;
      if (binding.pod !== undefined && objects.uidOf("pods", namespace, binding.pod.name) !== binding.pod.uid) return undefined;
      if (binding.secret !== undefined && objects.uidOf("secrets", namespace, binding.secret.name) !== binding.secret.uid) return undefined;
      const extra: Record<string, string[]> = { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] };
      if (binding.pod !== undefined) {
        extra["authentication.kubernetes.io/pod-name"] = [binding.pod.name];
        extra["authentication.kubernetes.io/pod-uid"] = [binding.pod.uid];
      }
      return withAuthenticated({ name: claims.sub, uid: serviceaccount.uid, groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`], extra });
    },
  };
}

/** Asks each authenticator in turn; the first user found wins. */
export function unionAuthenticator(authenticators: readonly Authenticator[]): Authenticator {
  return {
    authenticate(socket, authorization) {
      for (const a of authenticators) {
        const user = a.authenticate(socket, authorization);
        if (user !== undefined) return user;
      }
      return undefined;
    },
  };
}
