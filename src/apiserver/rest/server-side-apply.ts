// Server-side apply (application/apply-patch+yaml). Being written; until then
// the server refuses apply patches with 415 so kubectl reports it clearly.
import type { UserInfo } from "../admission/admission.ts";
import type { ApiObject } from "../registry/strategy.ts";
import type { ResourceRest, UpdatePart } from "./resource-rest.ts";
import { ApiError } from "../status.ts";

export interface ApplyOptions {
  dryRun: boolean;
  fieldManager: string;
  force: boolean;
  user: UserInfo;
}

export async function serverSideApply(
  _rest: ResourceRest,
  _namespace: string,
  _name: string,
  _body: unknown,
  _opts: ApplyOptions,
  _part: UpdatePart,
): Promise<{ object: ApiObject; created: boolean }> {
  throw new ApiError(415, "UnsupportedMediaType", "server-side apply is not supported yet");
}
