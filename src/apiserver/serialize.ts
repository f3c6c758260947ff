// JSON text of stored objects, made once per object. Objects from the store
// and the watch cache are never mutated (the store shares them frozen), so
// their text can be kept as long as the object lives: a GET, a LIST page or
// a watch event sent to a hundred watchers stringifies each object once.
const texts = new WeakMap<object, string>();

export function objectJson(obj: object): string {
  let text = texts.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    if (Object.isFrozen(obj)) texts.set(obj, text);
  }
  return text;
}

/** A list body built from the items' cached texts. */
export function listJson(head: Record<string, unknown>, items: readonly object[]): string {
  const open = JSON.stringify({ ...head, items: [] });
  // `{..., "items":[]}` → splice the items in before the closing "]}".
  return `${open.slice(0, -2)}${items.map(objectJson).join(",")}]}`;
}

/** A watch event line: `{"type":...,"object":...}` and a newline. */
export function eventJson(type: string, obj: object): string {
  return `{"type":"${type}","object":${objectJson(obj)}}\n`;
}
