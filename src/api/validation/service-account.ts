// ServiceAccounts: metadata rules only.
import { type FieldError } from "./field-error.ts";
import { type JsonObject } from "./json.ts";
import { nameIsDNSSubdomain } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

export function validateServiceAccount(account: JsonObject): FieldError[] {
  return validateObjectMeta(account.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
}

export function validateServiceAccountUpdate(account: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(account.metadata, old.metadata), ...validateServiceAccount(account)];
}
