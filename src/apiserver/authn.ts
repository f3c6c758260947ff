// Authentication: x509 client certificates signed by the cluster CA
// (CN = user, O = groups) and bearer tokens from a static token file.
import { readFile } from "node:fs/promises";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "./admission/admission.ts";
import { subjectToUser } from "./certs.ts";

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
