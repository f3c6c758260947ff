// The exclusive upper bound of the keys that start with a prefix.

/** The smallest string greater than every key starting with `prefix`; undefined when no string is (empty prefix). */
export function prefixEnd(prefix: string): string | undefined {
  for (let end = prefix.length; end > 0; end--) {
    const last = prefix.charCodeAt(end - 1);
    if (last < 0xffff) return prefix.slice(0, end - 1) + String.fromCharCode(last + 1);
  }
  return undefined;
}
