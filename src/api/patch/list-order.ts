// The order of a list after a strategic merge, as upstream fixes it: elements
// the patch names (in its list or its $setElementOrder list) come in the
// patch's order; elements only the server has keep the server's order; and
// the two runs interleave so that a server-only element stays ahead of the
// next patch element only when the server list also had it ahead.

import type { JsonValue } from "./json-value.ts";

/** `identity` maps an element to a text that equal elements share (the merge key's value, or the element itself). */
export function orderMergedList(
  merged: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  identity: (item: JsonValue) => string,
): JsonValue[] {
  const patchRank = firstPositions(patchOrder, identity);
  const serverRank = firstPositions(serverOrder, identity);
  const fromPatch = merged.filter((item) => patchRank.has(identity(item)));
  const serverOnly = merged.filter((item) => !patchRank.has(identity(item)));
  sortByRank(fromPatch, patchRank, identity);
  sortByRank(serverOnly, serverRank, identity);

  const result: JsonValue[] = [];
  let s = 0;
  let p = 0;
  while (s < serverOnly.length || p < fromPatch.length) {
    const server = serverOnly[s];
    const patch = fromPatch[p];
    if (server === undefined) {
      result.push(...fromPatch.slice(p));
      break;
    }
    if (patch === undefined) {
      result.push(...serverOnly.slice(s));
      break;
    }
    const serverAt = serverRank.get(identity(server));
    const patchAt = serverRank.get(identity(patch));
    if (serverAt !== undefined && patchAt !== undefined && serverAt < patchAt) {
      result.push(server);
      s++;
    } else {
      result.push(patch);
      p++;
    }
  }
  return result;
}

function firstPositions(list: JsonValue[], identity: (item: JsonValue) => string): Map<string, number> {
  const positions = new Map<string, number>();
  list.forEach((item, i) => {
    const id = identity(item);
    if (!positions.has(id)) positions.set(id, i);
  });
  return positions;
}

/** A stable sort; elements the ranking lacks go last, in their present order. */
function sortByRank(items: JsonValue[], rank: Map<string, number>, identity: (item: JsonValue) => string): void {
  const rankOf = (item: JsonValue) => rank.get(identity(item)) ?? Number.MAX_SAFE_INTEGER;
  items.sort((a, b) => rankOf(a) - rankOf(b));
}
