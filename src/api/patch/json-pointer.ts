// JSON Pointer (RFC 6901): "/a/b~1c/0" names a location inside a document.

import { PatchError } from "./patch-error.ts";

/** The reference tokens of a pointer; "" (the whole document) has none. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) {
    throw new PatchError("InvalidPatch", `invalid JSON pointer "${pointer}": it must be empty or start with "/"`);
  }
  return pointer
    .slice(1)
    .split("/")
    .map((token) => {
      if (/~[^01]|~$/.test(token)) {
        throw new PatchError("InvalidPatch", `invalid JSON pointer "${pointer}": "~" must be followed by "0" or "1"`);
      }
      // "~1" first: "~01" must become "~1", not "/".
      return token.replaceAll("~1", "/").replaceAll("~0", "~");
    });
}

/** The array index a token names, or undefined when it is not a canonical non-negative integer. */
export function arrayIndexOf(token: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;
}
