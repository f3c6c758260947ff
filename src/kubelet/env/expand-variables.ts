// Kubernetes' `$(VAR)` expansion for env values, command and args: a defined
// reference is replaced, an undefined one stays as written, `$$` yields a
// literal `$`, and any other `$` (unterminated `$(`, `$x`, a trailing `$`)
// is kept verbatim. The result is never expanded a second time.

const OPERATOR = "$";
const OPENER = "(";
const CLOSER = ")";

export function expandVariables(input: string, lookup: (name: string) => string | undefined): string {
  let output = "";
  let cursor = 0;
  while (cursor < input.length) {
    const at = input.indexOf(OPERATOR, cursor);
    if (at === -1 || at === input.length - 1) {
      output += input.slice(cursor);
      break;
    }
    output += input.slice(cursor, at);
    const next = input[at + 1];
    if (next === OPERATOR) {
      output += OPERATOR;
      cursor = at + 2;
      continue;
    }
    if (next === OPENER) {
      const close = input.indexOf(CLOSER, at + 2);
      if (close === -1) {
        // Only the operator and opener are consumed, so later text still expands.
        output += OPERATOR + OPENER;
        cursor = at + 2;
        continue;
      }
      const name = input.slice(at + 2, close);
      output += lookup(name) ?? `${OPERATOR}${OPENER}${name}${CLOSER}`;
      cursor = close + 1;
      continue;
    }
    output += OPERATOR + next;
    cursor = at + 2;
  }
  return output;
}
