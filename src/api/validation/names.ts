// Name and identifier rules with upstream's message texts (apimachinery's
// util/validation). Each check returns the list of problems, empty when valid.
// Lengths are counted in UTF-8 bytes, as Go's len() counts them.

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

export function emptyError(): string {
  return "must be non-empty";
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

export function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${format}')`;
}

const anchored = (format: string): RegExp => new RegExp(`^${format}$`);

const qualifiedNameCharFormat = "[A-Za-z0-9]";
const qualifiedNameExtCharFormat = "[-A-Za-z0-9_.]";
const qualifiedNameFormat = `(${qualifiedNameCharFormat}${qualifiedNameExtCharFormat}*)?${qualifiedNameCharFormat}`;
const qualifiedNameMessage =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNamePattern = anchored(qualifiedNameFormat);

const labelValueFormat = `(${qualifiedNameFormat})?`;
const labelValueMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const labelValueMaxLength = 63;
const labelValuePattern = anchored(labelValueFormat);

const dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123LabelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const dns1123LabelMaxLength = 63;
const dns1123LabelPattern = anchored(dns1123LabelFormat);

const dns1123SubdomainFormat = `${dns1123LabelFormat}(\\.${dns1123LabelFormat})*`;
const dns1123SubdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const dns1123SubdomainMaxLength = 253;
const dns1123SubdomainPattern = anchored(dns1123SubdomainFormat);

const dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
const dns1035LabelMessage =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const dns1035LabelMaxLength = 63;
const dns1035LabelPattern = anchored(dns1035LabelFormat);

const wildcardSubdomainFormat = `\\*\\.${dns1123SubdomainFormat}`;
const wildcardSubdomainMessage =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";
const wildcardSubdomainPattern = anchored(wildcardSubdomainFormat);

/** A label or annotation key: an optional DNS subdomain prefix and '/', then a 63-byte name. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameMessage, qualifiedNameFormat, "MyName", "my.name", "123-abc")}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > qualifiedNameMaxLength) errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  if (!qualifiedNamePattern.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameMessage, qualifiedNameFormat, "MyName", "my.name", "123-abc")}`);
  }
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > labelValueMaxLength) errs.push(maxLenError(labelValueMaxLength));
  if (!labelValuePattern.test(value)) errs.push(regexError(labelValueMessage, labelValueFormat, "MyValue", "my_value", "12345"));
  return errs;
}

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123LabelMaxLength) errs.push(maxLenError(dns1123LabelMaxLength));
  if (!dns1123LabelPattern.test(value)) {
    if (dns1123SubdomainPattern.test(value)) errs.push("must not contain dots");
    else errs.push(regexError(dns1123LabelMessage, dns1123LabelFormat, "my-name", "123-abc"));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!dns1123SubdomainPattern.test(value)) errs.push(regexError(dns1123SubdomainMessage, dns1123SubdomainFormat, "example.com"));
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1035LabelMaxLength) errs.push(maxLenError(dns1035LabelMaxLength));
  if (!dns1035LabelPattern.test(value)) errs.push(regexError(dns1035LabelMessage, dns1035LabelFormat, "my-name", "abc-123"));
  return errs;
}

export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!wildcardSubdomainPattern.test(value)) errs.push(regexError(wildcardSubdomainMessage, wildcardSubdomainFormat, "*.example.com"));
  return errs;
}

const cIdentifierFormat = "[A-Za-z_][A-Za-z0-9_]*";
const cIdentifierPattern = anchored(cIdentifierFormat);

export function isCIdentifier(value: string): string[] {
  if (cIdentifierPattern.test(value)) return [];
  return [
    regexError(
      "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
      cIdentifierFormat,
      "my_name",
      "MY_NAME",
      "MyName",
    ),
  ];
}

function chdirPrefixErrors(value: string): string[] {
  if (value === ".") return ["must not be '.'"];
  if (value === "..") return ["must not be '..'"];
  if (value.startsWith("..")) return ["must not start with '..'"];
  return [];
}

/**
 * Environment variable names as Kubernetes 1.32 accepts them: the relaxed
 * rule (RelaxedEnvironmentVariableValidation is on by default from 1.32):
 * any printable ASCII character except '='.
 */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0x7e || code < 0x20 || ch === "=") {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const configMapKeyFormat = "[-._a-zA-Z0-9]+";
const configMapKeyPattern = anchored(configMapKeyFormat);

export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!configMapKeyPattern.test(value)) {
    errs.push(
      regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFormat, "key.name", "KEY_NAME", "key-name"),
    );
  }
  errs.push(...chdirPrefixErrors(value));
  return errs;
}

/** IANA_SVC_NAME: at most 15 characters, lowercase alphanumerics and single inner hyphens, at least one letter. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-"))) errs.push("must not begin or end with a hyphen");
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

export function isInRange(value: number, min: number, max: number): string[] {
  return value >= min && value <= max ? [] : [inclusiveRangeError(min, max)];
}

const maxInt32 = 2147483647;

export function isValidUserID(uid: number): string[] {
  return isInRange(uid, 0, maxInt32);
}

export function isValidGroupID(gid: number): string[] {
  return isInRange(gid, 0, maxInt32);
}

const percentFormat = "[0-9]+%";
const percentPattern = anchored(percentFormat);

export function isValidPercent(percent: string): string[] {
  if (percentPattern.test(percent)) return [];
  return [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFormat, "1%", "93%")];
}

const httpHeaderNameFormat = "[-A-Za-z0-9]+";
const httpHeaderNamePattern = anchored(httpHeaderNameFormat);

export function isHTTPHeaderName(value: string): string[] {
  if (httpHeaderNamePattern.test(value)) return [];
  return [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFormat, "X-Header-Name")];
}

/** Names that become one segment of a URL path (RBAC objects). */
export function isValidPathSegmentName(name: string): string[] {
  for (const illegal of [".", ".."]) if (name === illegal) return [`may not be '${illegal}'`];
  return ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

const domainPrefixedPathFormat = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const domainPrefixedPathPattern = anchored(domainPrefixedPathFormat);

/** `example.com/some-path` style identifiers (ingress class controllers, job managedBy). */
export function domainPrefixedPathErrors(value: string): { value: string; message: string }[] {
  const segments = value.split("/");
  const host = segments[0] ?? "";
  const rest = segments.slice(1).join("/");
  if (segments.length < 2 || host.length === 0 || rest.length === 0) {
    return [{ value, message: 'must be a domain-prefixed path (such as "acme.io/foo")' }];
  }
  const errs = isDNS1123Subdomain(host).map((message) => ({ value: host, message }));
  if (!domainPrefixedPathPattern.test(rest)) errs.push({ value: rest, message: regexError("Invalid path", domainPrefixedPathFormat) });
  return errs;
}

/** Validates an object name; `prefix` means a generateName that gets a suffix appended. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// A generateName may end in '-' because random characters follow it.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? name.slice(0, -2) + "a" : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
export const nameIsPathSegment: NameValidator = (name) => isValidPathSegmentName(name);
