// Label selectors: the string form clients send as `labelSelector=` and the
// metav1.LabelSelector object form, both turned into one matcher. Grammar,
// validation, matching and error texts follow apimachinery's labels package.
import type { LabelSelector as LabelSelectorObject } from "kubernetes-types/meta/v1.js";

export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

export class LabelSelectorError extends Error {
  readonly reason = "InvalidSelector" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LabelSelectorError";
  }
}

export class LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly #matchesNothing: boolean;

  private constructor(requirements: readonly LabelRequirement[], matchesNothing: boolean) {
    this.requirements = requirements;
    this.#matchesNothing = matchesNothing;
  }

  static readonly #everything = new LabelSelector([], false);
  static readonly #nothing = new LabelSelector([], true);

  static everything(): LabelSelector {
    return LabelSelector.#everything;
  }

  // What a null selector object means: select no object at all.
  static nothing(): LabelSelector {
    return LabelSelector.#nothing;
  }

  // Takes requirements as given, without validation (like upstream's
  // SelectorFromSet for a Service's selector map).
  static fromRequirements(requirements: readonly LabelRequirement[]): LabelSelector {
    const sorted = [...requirements].sort((left, right) => compareStrings(left.key, right.key));
    return new LabelSelector(sorted, false);
  }

  isNothing(): boolean {
    return this.#matchesNothing;
  }

  // True when the selector does not restrict anything (and so matches everything).
  isEmpty(): boolean {
    return !this.#matchesNothing && this.requirements.length === 0;
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    if (this.#matchesNothing) return false;
    return this.requirements.every((requirement) => requirementMatches(requirement, labels ?? {}));
  }

  // The single value the selector pins `key` to, when its first requirement on
  // that key demands exactly one value; lets callers use an index.
  exactMatchValue(key: string): string | undefined {
    const requirement = this.requirements.find((candidate) => candidate.key === key);
    if (requirement === undefined || requirement.values.length !== 1) return undefined;
    switch (requirement.operator) {
      case "=":
      case "==":
      case "in":
        return requirement.values[0];
      default:
        return undefined;
    }
  }

  toString(): string {
    return this.requirements.map(requirementText).join(",");
  }
}

function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function requirementMatches(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = present ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case "=":
    case "==":
    case "in":
      return value !== undefined && requirement.values.includes(value);
    case "!=":
    case "notin":
      return value === undefined || !requirement.values.includes(value);
    case "exists":
      return present;
    case "!":
      return !present;
    case "gt":
    case "lt": {
      const actual = value === undefined ? undefined : parseInt64(value);
      const bound = requirement.values.length === 1 ? parseInt64(requirement.values[0] ?? "") : undefined;
      if (actual === undefined || bound === undefined) return false;
      return requirement.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

// Mirrors Go's strconv.ParseInt(value, 10, 64).
function parseInt64(value: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed < INT64_MIN || parsed > INT64_MAX ? undefined : parsed;
}

function requirementText(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  switch (operator) {
    case "exists":
      return key;
    case "!":
      return `!${key}`;
    case "in":
    case "notin":
      return `${key} ${operator} (${sortedValuesText(values)})`;
    case "gt":
      return `${key}>${sortedValuesText(values)}`;
    case "lt":
      return `${key}<${sortedValuesText(values)}`;
    case "=":
    case "==":
    case "!=":
      return `${key}${operator}${sortedValuesText(values)}`;
  }
}

function sortedValuesText(values: readonly string[]): string {
  return [...values].sort(compareStrings).join(",");
}

// ---- validation (private: the validation package owns the public checks) ----

const QUALIFIED_NAME_FORMAT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_PATTERN = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);
const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX_LENGTH = 63;
const LABEL_VALUE_FORMAT = `(${QUALIFIED_NAME_FORMAT})?`;
const LABEL_VALUE_PATTERN = new RegExp(`^${LABEL_VALUE_FORMAT}$`);
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX_LENGTH = 63;
const DNS1123_LABEL_FORMAT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FORMAT = `${DNS1123_LABEL_FORMAT}(\\.${DNS1123_LABEL_FORMAT})*`;
const DNS1123_SUBDOMAIN_PATTERN = new RegExp(`^${DNS1123_SUBDOMAIN_FORMAT}$`);
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const utf8 = new TextEncoder();

// Upstream measures lengths in bytes.
function byteLength(text: string): number {
  return utf8.encode(text).length;
}

function regexError(message: string, format: string, ...examples: string[]): string {
  const shown = examples.map((example, index) => `${index > 0 ? " or " : ""}'${example}', `).join("");
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

function maxLengthError(length: number): string {
  return `must be no more than ${length} characters`;
}

function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errors.push(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_PATTERN.test(value)) {
    errors.push(regexError(DNS1123_SUBDOMAIN_MESSAGE, DNS1123_SUBDOMAIN_FORMAT, "example.com"));
  }
  return errors;
}

function labelKeyErrors(key: string): string[] {
  const parts = key.split("/");
  const nameRegexError = regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, "MyName", "my.name", "123-abc");
  if (parts.length > 2) {
    return [
      `a qualified name ${nameRegexError} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const errors: string[] = [];
  const [prefix, name = ""] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix === "") errors.push("prefix part must be non-empty");
  else if (prefix !== undefined) errors.push(...dns1123SubdomainErrors(prefix).map((error) => `prefix part ${error}`));
  if (name === "") errors.push("name part must be non-empty");
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) {
    errors.push(`name part ${maxLengthError(QUALIFIED_NAME_MAX_LENGTH)}`);
  }
  if (!QUALIFIED_NAME_PATTERN.test(name)) errors.push(`name part ${nameRegexError}`);
  return errors;
}

function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errors.push(maxLengthError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_PATTERN.test(value)) {
    errors.push(regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FORMAT, "MyValue", "my_value", "12345"));
  }
  return errors;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  "\u0007": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  '"': '\\"',
  "\\": "\\\\",
};

// Error texts quote values the way Go's %q does.
function goQuote(text: string): string {
  let quoted = "";
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    const isControl = code < 0x20 || code === 0x7f;
    quoted +=
      GO_ESCAPES[character] ?? (isControl ? `\\x${code.toString(16).padStart(2, "0")}` : character);
  }
  return `"${quoted}"`;
}

// Go's %#v of a []string, as upstream prints a rejected value list.
function goStringSlice(values: readonly string[]): string {
  return values.length === 0 ? "[]string(nil)" : `[]string{${values.map(goQuote).join(", ")}}`;
}

function invalid(field: string, shownValue: string, detail: string): string {
  return `${field}: Invalid value: ${shownValue}: ${detail}`;
}

// Several distinct errors read "[a, b]", one reads as itself.
function aggregate(messages: readonly string[]): string | undefined {
  const distinct = [...new Set(messages)];
  if (distinct.length <= 1) return distinct[0];
  return `[${distinct.join(", ")}]`;
}

function requirementErrors(key: string, operator: LabelOperator, values: readonly string[]): string[] {
  const errors: string[] = [];
  const keyErrors = labelKeyErrors(key);
  if (keyErrors.length > 0) errors.push(invalid("key", goQuote(key), keyErrors.join("; ")));
  const countError = (detail: string) => errors.push(invalid("values", goStringSlice(values), detail));
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) countError("for 'in', 'notin' operators, values set can't be empty");
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) countError("exact-match compatibility requires one single value");
      break;
    case "exists":
    case "!":
      if (values.length !== 0) countError("values set must be empty for exists and does not exist");
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) countError("for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((value, index) => {
        if (parseInt64(value) === undefined) {
          errors.push(invalid(`values[${index}]`, goQuote(value), "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((value, index) => {
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) {
      errors.push(invalid(`values[${index}][${key}]`, goQuote(value), valueErrors.join("; ")));
    }
  });
  return errors;
}

function requirement(key: string, operator: LabelOperator, values: readonly string[], prefix = ""): LabelRequirement {
  const message = aggregate(requirementErrors(key, operator, values));
  if (message !== undefined) throw new LabelSelectorError(prefix + message);
  return { key, operator, values };
}

// ---- object form ----

const OBJECT_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

// A missing selector matches nothing; a present but empty one matches everything.
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return LabelSelector.nothing();
  const requirements: LabelRequirement[] = [];
  const matchLabels = selector.matchLabels ?? {};
  for (const key of Object.keys(matchLabels).sort(compareStrings)) {
    requirements.push(requirement(key, "=", [matchLabels[key] ?? ""]));
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operator = Object.hasOwn(OBJECT_OPERATORS, expression.operator)
      ? OBJECT_OPERATORS[expression.operator]
      : undefined;
    if (operator === undefined) {
      throw new LabelSelectorError(`${goQuote(expression.operator)} is not a valid label selector operator`);
    }
    requirements.push(requirement(expression.key, operator, [...(expression.values ?? [])]));
  }
  return LabelSelector.fromRequirements(requirements);
}

// ---- string form ----

type TokenKind =
  | "identifier"
  | "in"
  | "notin"
  | "("
  | ")"
  | ","
  | "!"
  | "="
  | "=="
  | "!="
  | ">"
  | "<"
  | "end";

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const SYMBOLS = new Set(["=", "!", "(", ")", ",", ">", "<"]);
const TWO_CHARACTER_SYMBOLS = new Set(["==", "!="]);
const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const character = text.charAt(position);
    if (WHITESPACE.has(character)) {
      position += 1;
    } else if (SYMBOLS.has(character)) {
      const pair = text.slice(position, position + 2);
      const symbol = TWO_CHARACTER_SYMBOLS.has(pair) ? pair : character;
      tokens.push({ kind: symbol as TokenKind, text: symbol });
      position += symbol.length;
    } else {
      let end = position;
      while (end < text.length && !SYMBOLS.has(text.charAt(end)) && !WHITESPACE.has(text.charAt(end))) end += 1;
      const word = text.slice(position, end);
      tokens.push({ kind: word === "in" || word === "notin" ? word : "identifier", text: word });
      position = end;
    }
  }
  tokens.push({ kind: "end", text: "" });
  return tokens;
}

const REQUIREMENT_PREFIX = "unable to parse requirement: ";

class SelectorParser {
  readonly #tokens: readonly Token[];
  #position = 0;

  constructor(text: string) {
    this.#tokens = tokenize(text);
  }

  // Outside operator position "in" and "notin" are plain words ("x in (in)").
  #peek(): Token {
    return asWord(this.#tokens[this.#position] ?? END_TOKEN);
  }

  #next(): Token {
    return asWord(this.#nextRaw());
  }

  #nextRaw(): Token {
    const token = this.#tokens[this.#position] ?? END_TOKEN;
    if (this.#position < this.#tokens.length - 1) this.#position += 1;
    return token;
  }

  parseSelector(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const start = this.#peek();
      if (start.kind === "end") return requirements;
      if (start.kind !== "identifier" && start.kind !== "!") {
        throw new LabelSelectorError(`found '${start.text}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.#parseRequirement());
      const after = this.#next();
      if (after.kind === "end") return requirements;
      if (after.kind !== ",") {
        throw new LabelSelectorError(`found '${after.text}', expected: ',' or 'end of string'`);
      }
      const following = this.#peek();
      if (following.kind !== "identifier" && following.kind !== "!") {
        throw new LabelSelectorError(`found '${following.text}', expected: identifier after ','`);
      }
    }
  }

  #parseRequirement(): LabelRequirement {
    let keyToken = this.#next();
    const negated = keyToken.kind === "!";
    if (negated) keyToken = this.#next();
    if (keyToken.kind !== "identifier") {
      throw new LabelSelectorError(`${REQUIREMENT_PREFIX}found '${keyToken.text}', expected: identifier`);
    }
    const key = keyToken.text;
    const keyErrors = labelKeyErrors(key);
    if (keyErrors.length > 0) {
      // Upstream reports the key without a field path, printed as "<nil>".
      throw new LabelSelectorError(REQUIREMENT_PREFIX + invalid("<nil>", goQuote(key), keyErrors.join("; ")));
    }
    const lookahead = this.#peek().kind;
    if (negated) return requirement(key, "!", [], REQUIREMENT_PREFIX);
    if (lookahead === "end" || lookahead === ",") return requirement(key, "exists", [], REQUIREMENT_PREFIX);
    const operator = this.#parseOperator();
    const values = operator === "in" || operator === "notin" ? this.#parseValueSet() : [this.#parseExactValue()];
    return requirement(key, operator, values, REQUIREMENT_PREFIX);
  }

  #parseOperator(): LabelOperator {
    const token = this.#nextRaw();
    switch (token.kind) {
      case "in":
      case "notin":
      case "=":
      case "==":
      case "!=":
        return token.kind;
      case ">":
        return "gt";
      case "<":
        return "lt";
      default:
        throw new LabelSelectorError(
          `${REQUIREMENT_PREFIX}found '${token.text}', expected: in, notin, =, ==, !=, gt, lt`,
        );
    }
  }

  // "(a,b)" in any order, with duplicates merged; an empty item is the empty value.
  #parseValueSet(): string[] {
    const open = this.#next();
    if (open.kind !== "(") throw new LabelSelectorError(`${REQUIREMENT_PREFIX}found '${open.text}' expected: '('`);
    const first = this.#peek();
    if (first.kind !== "identifier" && first.kind !== "," && first.kind !== ")") {
      throw new LabelSelectorError(`${REQUIREMENT_PREFIX}found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    let expectingItem = true;
    for (;;) {
      const token = this.#peek();
      if (token.kind === "identifier" && expectingItem) {
        values.add(token.text);
        expectingItem = false;
      } else if (token.kind === ",") {
        if (expectingItem) values.add("");
        expectingItem = true;
      } else if (token.kind === ")") {
        if (expectingItem) values.add("");
        this.#next();
        return [...values].sort(compareStrings);
      } else {
        const expected = expectingItem ? "',', or identifier" : "',' or ')'";
        throw new LabelSelectorError(`${REQUIREMENT_PREFIX}found '${token.text}', expected: ${expected}`);
      }
      this.#next();
    }
  }

  #parseExactValue(): string {
    const lookahead = this.#peek().kind;
    if (lookahead === "end" || lookahead === ",") return "";
    const token = this.#next();
    if (token.kind !== "identifier") {
      throw new LabelSelectorError(`${REQUIREMENT_PREFIX}found '${token.text}', expected: identifier`);
    }
    return token.text;
  }
}

const END_TOKEN: Token = { kind: "end", text: "" };

function asWord(token: Token): Token {
  return token.kind === "in" || token.kind === "notin" ? { kind: "identifier", text: token.text } : token;
}

// Parses the string form, e.g. "app=web,tier in (a,b),!canary"; "" selects everything.
export function parseLabelSelector(text: string): LabelSelector {
  return LabelSelector.fromRequirements(new SelectorParser(text).parseSelector());
}
