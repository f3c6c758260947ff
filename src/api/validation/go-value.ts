// Upstream prints an invalid value with Go's fmt verbs: strings quoted by
// strconv.Quote, numbers and booleans bare, structs as Go literals (%#v).
// Clients see those texts, so the few literals that appear in everyday
// messages (template labels, selectors, int-or-string, role refs) are
// rendered the same way here; any other structured value is shown as JSON.

/** A value whose text is already what upstream would print. */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** Marks an error whose value upstream omits from the message. */
export const omittedValue: unique symbol = Symbol("omitted value");

const shortEscapes: Readonly<Record<string, string>> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  '"': '\\"',
};

const nonPrintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, "0");
}

/** strconv.Quote: double quotes with Go escapes for non-printable characters. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const escaped = shortEscapes[ch];
    if (escaped !== undefined) {
      out += escaped;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) {
      out += code < 0x20 || code === 0x7f ? `\\x${hex(code, 2)}` : ch;
    } else if (nonPrintable.test(ch)) {
      out += code > 0xffff ? `\\U${hex(code, 8)}` : `\\u${hex(code, 4)}`;
    } else {
      out += ch;
    }
  }
  return out + '"';
}

function isStringRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function goStringSliceText(values: unknown): string {
  if (!Array.isArray(values)) return "[]string(nil)";
  return `[]string{${values.map((v) => goQuote(String(v))).join(", ")}}`;
}

function goStringMapText(map: unknown): string {
  if (!isStringRecord(map)) return "map[string]string(nil)";
  const keys = Object.keys(map).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(map[k]))}`).join(", ")}}`;
}

/** %#v of a map[string]string, keys sorted as fmt sorts them. */
export function goStringMap(map: unknown): GoLiteral {
  return new GoLiteral(goStringMapText(map));
}

function requirementText(requirement: unknown): string {
  const r = isStringRecord(requirement) ? requirement : {};
  return (
    `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ""))}, ` +
    `Operator:${goQuote(String(r.operator ?? ""))}, Values:${goStringSliceText(r.values)}}`
  );
}

/** %#v of a metav1.LabelSelector (upstream dereferences the pointer first). */
export function goLabelSelector(selector: unknown): GoLiteral {
  if (!isStringRecord(selector)) return new GoLiteral("null");
  const expressions = Array.isArray(selector.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${selector.matchExpressions.map(requirementText).join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${goStringMapText(selector.matchLabels)}, MatchExpressions:${expressions}}`);
}

function intOrStringText(value: unknown): string {
  if (typeof value === "string") return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(value)}}`;
  const n = typeof value === "number" ? value : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

/** %#v of an intstr.IntOrString held by value (its String method needs a pointer). */
export function goIntOrString(value: unknown): GoLiteral {
  return new GoLiteral(intOrStringText(value));
}

/** %#v of an rbac.RoleRef. */
export function goRoleRef(ref: unknown): GoLiteral {
  const r = isStringRecord(ref) ? ref : {};
  return new GoLiteral(
    `rbac.RoleRef{APIGroup:${goQuote(String(r.apiGroup ?? ""))}, Kind:${goQuote(String(r.kind ?? ""))}, Name:${goQuote(String(r.name ?? ""))}}`,
  );
}

/** %#v of the core.ServicePort key used to detect duplicate ports. */
export function goServicePortKey(protocol: string, port: number): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
      `TargetPort:${intOrStringText(0)}, NodePort:0}`,
  );
}

/** %#v of a nil slice of the named element type. */
export function goNilSlice(elementType: string): GoLiteral {
  return new GoLiteral(`[]${elementType}(nil)`);
}

/** The value part of an error body, as upstream's ErrorBody renders it. */
export function renderValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return goQuote(value);
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    default:
      return JSON.stringify(value) ?? "null";
  }
}
