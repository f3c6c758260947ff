// Runs the pure validation of src/api/validation and turns its field errors
// into upstream's 422 Invalid Status.
import type { ResourceInfo } from "../../api/registry.ts";
import { validateCreate, validateUpdate } from "../../api/validation/index.ts";
import type { FieldError } from "../../api/validation/field-error.ts";
import { formatInvalidMessage, formatFieldErrorDetail } from "../../api/validation/field-error.ts";
import type { ApiObject } from "../registry/strategy.ts";
import { invalid, type StatusTarget } from "../status.ts";

function kindAndGroup(info: ResourceInfo): string {
  return info.group === "" ? info.kind : `${info.kind}.${info.group}`;
}

function raise(info: ResourceInfo, name: string, errors: FieldError[], target: StatusTarget): never {
  const causes = errors.map((e) => ({ reason: e.type, message: formatFieldErrorDetail(e), field: e.field }));
  throw invalid(kindAndGroup(info), name, formatInvalidMessage(kindAndGroup(info), name, errors), causes, target);
}

export function checkObject(info: ResourceInfo, obj: ApiObject, target: StatusTarget): void {
  const errors = validateCreate(info, obj);
  if (errors.length > 0) raise(info, obj.metadata?.name ?? "", errors, target);
}

export function checkObjectUpdate(info: ResourceInfo, obj: ApiObject, old: ApiObject, target: StatusTarget): void {
  const errors = validateUpdate(info, obj, old);
  if (errors.length > 0) raise(info, obj.metadata?.name ?? "", errors, target);
}
