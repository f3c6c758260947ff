// Authorization: the step after authentication. RBAC and the Node authorizer
// come later; until then every authenticated request is allowed.
import type { UserInfo } from "./admission/admission.ts";

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  /** Resource requests. */
  resource?: { group: string; version: string; resource: string; subresource: string; namespace: string; name: string };
  /** Non-resource requests. */
  path?: string;
}

export type Decision = { allowed: true; reason?: string } | { allowed: false; reason: string };

export interface Authorizer {
  authorize(a: AuthorizationAttributes): Decision | Promise<Decision>;
}

export const allowAll: Authorizer = { authorize: () => ({ allowed: true }) };
