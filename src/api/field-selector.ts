// Field selectors as clients send them in `fieldSelector=`: comma-separated
// `field=value`, `field==value` or `field!=value` terms, where a value escapes
// `\`, `,` and `=` with a backslash. Parsing, ordering and error texts follow
// apimachinery's fields package.

export type FieldOperator = "=" | "!=";

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

export class FieldSelectorError extends Error {
  readonly reason = "InvalidSelector" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FieldSelectorError";
  }
}

export class FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  private constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = requirements;
  }

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  // Keeps the given order, which is the order the text form prints.
  static fromRequirements(requirements: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector([...requirements]);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  // A field missing from `fields` reads as the empty string, as upstream does.
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every(({ field, operator, value }) => {
      const actual = Object.hasOwn(fields, field) ? fields[field] : "";
      return operator === "=" ? actual === value : actual !== value;
    });
  }

  // The value the selector pins `field` to with an equality term, if any; lets
  // callers use an index (e.g. pods by spec.nodeName).
  exactMatchValue(field: string): string | undefined {
    return this.requirements.find((requirement) => requirement.field === field && requirement.operator === "=")
      ?.value;
  }

  toString(): string {
    return this.requirements
      .map(({ field, operator, value }) => `${field}${operator}${escapeFieldSelectorValue(value)}`)
      .join(",");
  }
}

export function escapeFieldSelectorValue(value: string): string {
  return value.replace(/[\\,=]/g, (character) => `\\${character}`);
}

function unescapeValue(text: string): string {
  let value = "";
  let escaping = false;
  for (const character of text) {
    if (escaping) {
      if (character !== "\\" && character !== "," && character !== "=") {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${character}`);
      }
      value += character;
      escaping = false;
    } else if (character === "\\") {
      escaping = true;
    } else if (character === "," || character === "=") {
      // Upstream prints the offending character as its code point number.
      throw new FieldSelectorError(
        `invalid field selector: unescaped character in value: ${character.codePointAt(0)}`,
      );
    } else {
      value += character;
    }
  }
  if (escaping) throw new FieldSelectorError("invalid field selector: invalid escape sequence: \\");
  return value;
}

// Splits at commas that are not escaped; escapes stay in the terms.
function splitTerms(text: string): string[] {
  if (text === "") return [];
  const terms: string[] = [];
  let start = 0;
  let escaping = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    if (escaping) {
      escaping = false;
    } else if (character === "\\") {
      escaping = true;
    } else if (character === ",") {
      terms.push(text.slice(start, index));
      start = index + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

// "!=" and "==" are tried before "=" so neither leaves a stray "=" in the value.
const TERM_OPERATORS = ["!=", "==", "="] as const;

// The field part has no escaping: the first operator found splits the term.
function splitTerm(term: string): [field: string, operator: FieldOperator, rawValue: string] | undefined {
  for (let index = 0; index < term.length; index += 1) {
    const rest = term.slice(index);
    const operator = TERM_OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (operator !== undefined) {
      return [term.slice(0, index), operator === "!=" ? "!=" : "=", rest.slice(operator.length)];
    }
  }
  return undefined;
}

function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

// Parses e.g. "spec.nodeName=node-1,status.phase!=Running"; "" selects everything.
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(text).sort(compareStrings)) {
    if (term === "") continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [field, operator, rawValue] = parts;
    const value = unescapeValue(rawValue);
    // Upstream drops a term whose field and value are both empty ("=").
    if (field === "" && value === "") continue;
    requirements.push({ field, operator, value });
  }
  return FieldSelector.fromRequirements(requirements);
}
