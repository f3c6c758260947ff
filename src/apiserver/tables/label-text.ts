// Labels and label selectors as upstream prints them in table cells
// (labels.FormatLabels, metav1.FormatLabelSelector, Selector.String).
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1";

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** "k1=v1,k2=v2" sorted by key; "<none>" for no labels. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort(byKey);
  if (keys.length === 0) return "<none>";
  return keys.map((key) => `${key}=${labels?.[key] ?? ""}`).join(",");
}

interface Requirement {
  key: string;
  text: string;
}

function expressionText(expression: LabelSelectorRequirement): string | undefined {
  const values = [...(expression.values ?? [])].sort(byKey);
  switch (expression.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) return undefined;
      return `${expression.key} ${expression.operator === "In" ? "in" : "notin"} (${values.join(",")})`;
    case "Exists":
      return values.length === 0 ? expression.key : undefined;
    case "DoesNotExist":
      return values.length === 0 ? `!${expression.key}` : undefined;
    default:
      return undefined;
  }
}

/**
 * The selector's requirements sorted by key and joined by commas, "" when it
 * selects everything or is unset, undefined when it cannot be a selector.
 */
export function selectorText(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return "";
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    text: `${key}=${value}`,
  }));
  for (const expression of selector.matchExpressions ?? []) {
    const text = expressionText(expression);
    if (text === undefined) return undefined;
    requirements.push({ key: expression.key, text });
  }
  return requirements
    .sort((a, b) => byKey(a.key, b.key))
    .map((requirement) => requirement.text)
    .join(",");
}

/** metav1.FormatLabelSelector: "<none>" for an empty selector, "<error>" for a broken one. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const text = selectorText(selector);
  if (text === undefined) return "<error>";
  return text === "" ? "<none>" : text;
}
