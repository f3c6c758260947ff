// StorageClasses (storage.k8s.io/v1): a provisioner, bounded parameters, and
// nothing but metadata changes after creation.
import { forbidden, invalid, notSupported, required, tooLong, FieldPath, type FieldError } from "./field-error.ts";
import { jsonEqual, list, obj, str, text, type JsonObject } from "./json.ts";
import { validateLabelName } from "./label-selector.ts";
import { byteLength, isQualifiedName, nameIsDNSSubdomain } from "./names.ts";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const maxProvisionerParameterSize = 256 * 1024;
const maxProvisionerParameterCount = 512;
const reclaimPolicies = ["Delete", "Retain"];
const bindingModes = ["Immediate", "WaitForFirstConsumer"];

export function validateStorageClass(storageClass: JsonObject): FieldError[] {
  const errs = validateObjectMeta(storageClass.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain });
  const provisioner = text(storageClass.provisioner);
  if (provisioner === "") errs.push(required("provisioner"));
  else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((m) => invalid("provisioner", provisioner.toLowerCase(), m)));
  const parameters = Object.entries(obj(storageClass.parameters));
  if (parameters.length > maxProvisionerParameterCount) {
    errs.push(tooLong("parameters", maxProvisionerParameterCount));
  } else {
    let total = 0;
    for (const [key, value] of parameters) {
      if (key.length === 0) errs.push(invalid("parameters", key, "field can not be empty."));
      total += byteLength(key) + byteLength(text(value));
    }
    if (total > maxProvisionerParameterSize) errs.push(tooLong("parameters", maxProvisionerParameterSize));
  }
  const reclaim = text(storageClass.reclaimPolicy);
  if (reclaim !== "" && !reclaimPolicies.includes(reclaim)) errs.push(notSupported("reclaimPolicy", reclaim, reclaimPolicies));
  const mode = str(storageClass.volumeBindingMode);
  if (mode !== undefined && !bindingModes.includes(mode)) errs.push(notSupported("volumeBindingMode", mode, bindingModes));
  list(storageClass.allowedTopologies).forEach((term, i) => {
    const at = FieldPath.of("allowedTopologies").index(i).child("matchLabelExpressions");
    list(obj(term).matchLabelExpressions).forEach((raw, j) => {
      const expr = obj(raw);
      if (list(expr.values).length === 0) errs.push(required(at.index(j).child("values")));
      errs.push(...validateLabelName(text(expr.key), at.index(j).child("key")));
    });
  });
  return errs;
}

export function validateStorageClassUpdate(storageClass: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(storageClass.metadata, old.metadata);
  if (!jsonEqual(storageClass.parameters, old.parameters)) errs.push(forbidden("parameters", "updates to parameters are forbidden."));
  if (text(storageClass.provisioner) !== text(old.provisioner)) errs.push(forbidden("provisioner", "updates to provisioner are forbidden."));
  // An unset reclaimPolicy is the default, Delete.
  if ((text(storageClass.reclaimPolicy) || "Delete") !== (text(old.reclaimPolicy) || "Delete")) {
    errs.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
  }
  const mode = text(storageClass.volumeBindingMode) || "Immediate";
  errs.push(...validateImmutable(mode, text(old.volumeBindingMode) || "Immediate", FieldPath.of("volumeBindingMode")));
  return errs;
}
