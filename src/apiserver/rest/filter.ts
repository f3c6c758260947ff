// The label and field selectors of a list, watch or deletecollection,
// parsed once and applied per object.
import { parseLabelSelector } from "../../api/label-selector.ts";
import { parseFieldSelector } from "../../api/field-selector.ts";
import { checkFieldSelectorSupported, selectableFields } from "../../api/selectable-fields.ts";
import type { ApiObject } from "../registry/strategy.ts";
import { badRequest } from "../status.ts";

export interface ObjectFilter {
  matches(obj: ApiObject): boolean;
  isEmpty(): boolean;
}

export function parseFilter(group: string, resource: string, query: URLSearchParams): ObjectFilter {
  const labelText = query.get("labelSelector") ?? "";
  const fieldText = query.get("fieldSelector") ?? "";
  let labels: ReturnType<typeof parseLabelSelector>;
  let fields: ReturnType<typeof parseFieldSelector>;
  try {
    labels = parseLabelSelector(labelText);
    fields = parseFieldSelector(fieldText);
    checkFieldSelectorSupported(group, resource, fields);
  } catch (e) {
    throw badRequest(e instanceof Error ? e.message : String(e));
  }
  const noLabels = labels.isEmpty();
  const noFields = fields.isEmpty();
  return {
    isEmpty: () => noLabels && noFields,
    matches(obj) {
      if (!noLabels && !labels.matches(obj.metadata?.labels ?? {})) return false;
      if (!noFields && !fields.matches(selectableFields(group, resource, obj))) return false;
      return true;
    },
  };
}
