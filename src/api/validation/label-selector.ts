// Labels and label selectors embedded in objects (metadata.labels,
// spec.selector, node selectors): their structure checks with upstream's
// messages, and the matching needed to compare a selector with template labels.
import { FieldPath, forbidden, invalid, required, type FieldError } from "./field-error.ts";
import { isObject, list, obj, stringEntries, text } from "./json.ts";
import { isQualifiedName, isValidLabelValue } from "./names.ts";

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

/** Errors carry the map's path, not the key's, as upstream reports them. */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of stringEntries(labels)) {
    errs.push(...validateLabelName(key, path));
    errs.push(...isValidLabelValue(value).map((m) => invalid(path, value, m)));
  }
  return errs;
}

export interface LabelSelectorOptions {
  allowInvalidLabelValue?: boolean;
}

export function validateLabelSelector(selector: unknown, path: FieldPath, opts: LabelSelectorOptions = {}): FieldError[] {
  if (!isObject(selector)) return [];
  const errs = validateLabels(selector.matchLabels, path.child("matchLabels"));
  list(selector.matchExpressions).forEach((expr, i) => {
    errs.push(...validateRequirement(obj(expr), path.child("matchExpressions").index(i), opts));
  });
  return errs;
}

function validateRequirement(req: Record<string, unknown>, path: FieldPath, opts: LabelSelectorOptions): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(req.values);
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(path.child("operator"), req.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(text(req.key), path.child("key")));
  if (!opts.allowInvalidLabelValue) {
    values.forEach((v, i) => {
      const value = text(v);
      errs.push(...isValidLabelValue(value).map((m) => invalid(path.child("values").index(i), value, m)));
    });
  }
  return errs;
}

const pathlessRoot = FieldPath.of("");

export type Selector =
  | { kind: "nothing" }
  | { kind: "requirements"; matches: (labels: Record<string, string>) => boolean; empty: boolean };

/**
 * Upstream's LabelSelectorAsSelector: no selector selects nothing, an empty
 * one everything; undefined when the selector cannot be converted.
 */
export function toSelector(selector: unknown): Selector | undefined {
  if (!isObject(selector)) return { kind: "nothing" };
  if (validateLabelSelector(selector, pathlessRoot).length > 0) return undefined;
  const equals = stringEntries(selector.matchLabels);
  const expressions = list(selector.matchExpressions).map(obj);
  const matches = (labels: Record<string, string>): boolean =>
    equals.every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => {
      const key = text(e.key);
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      const values = list(e.values).map(text);
      switch (e.operator) {
        case "In":
          return has && values.includes(labels[key] ?? "");
        case "NotIn":
          return !has || !values.includes(labels[key] ?? "");
        case "Exists":
          return has;
        default:
          return !has;
      }
    });
  return { kind: "requirements", matches, empty: equals.length === 0 && expressions.length === 0 };
}

export function selectorMatches(selector: Selector, labels: unknown): boolean {
  if (selector.kind === "nothing") return false;
  return selector.matches(Object.fromEntries(stringEntries(labels)));
}

export function isEmptySelector(selector: Selector): boolean {
  return selector.kind === "requirements" && selector.empty;
}
