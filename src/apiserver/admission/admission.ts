// The admission chain: mutating plugins run first (they may change the
// object), then validating plugins (they may only refuse). A plugin refuses
// by throwing an ApiError.
import type { ResourceInfo } from "../../api/registry.ts";
import type { ApiObject } from "../registry/strategy.ts";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceInfo;
  subresource: string;
  namespace: string;
  name: string;
  /** The new object (CREATE, UPDATE); mutating plugins change it in place. */
  object?: ApiObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: ApiObject;
  user: UserInfo;
  dryRun: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  admit?(a: AdmissionAttributes): void | Promise<void>;
  validate?(a: AdmissionAttributes): void | Promise<void>;
}

export interface Admission {
  admit(a: AdmissionAttributes): Promise<void>;
  validate(a: AdmissionAttributes): Promise<void>;
}

export function admissionChain(plugins: AdmissionPlugin[]): Admission {
  return {
    async admit(a) {
      for (const p of plugins) if (p.admit) await p.admit(a);
    },
    async validate(a) {
      for (const p of plugins) if (p.validate) await p.validate(a);
    },
  };
}
