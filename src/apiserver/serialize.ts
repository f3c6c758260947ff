// JSON text of stored objects, made once per object. Objects from the store
// and the watch cache are never mutated (the store shares them frozen), so
// their text can be kept as long as the object lives: a GET, a LIST page or
// a watch event sent to a hundred watchers stringifies each object once.

/** An object's JSON text and its length in UTF-8 bytes (a Content-Length). */
export interface Serialized {
  readonly text: string;
  readonly bytes: number;
}

const serializations = new WeakMap<object, Serialized>();

export function serialized(obj: object): Serialized {
  let entry = serializations.get(obj);
  if (entry === undefined) {
    const text = JSON.stringify(obj);
    entry = { text, bytes: Buffer.byteLength(text) };
    if (Object.isFrozen(obj)) serializations.set(obj, entry);
  }
  return entry;
}

export function objectJson(obj: object): string {
  return serialized(obj).text;
}

/**
 * A JSON body kept as the texts it is made of, to be written one after the
 * other: a list of 10,000 pods is ~40 MB, and joining it into one string
 * (then measuring and encoding that string) cost more than sending it.
 */
export class JsonChunks {
  constructor(
    readonly chunks: readonly string[],
    readonly bytes: number,
  ) {}
}

/** A list body built from the items' cached texts. */
export function listJson(head: Record<string, unknown>, items: readonly object[]): JsonChunks {
  // `{..., "items":[]}` → the items go between the open and the closing "]}".
  const open = JSON.stringify({ ...head, items: [] }).slice(0, -2);
  const chunks: string[] = [open];
  let bytes = Buffer.byteLength(open) + "]}".length;
  items.forEach((item, index) => {
    const { text, bytes: itemBytes } = serialized(item);
    if (index > 0) {
      chunks.push(",");
      bytes++;
    }
    chunks.push(text);
    bytes += itemBytes;
  });
  chunks.push("]}");
  return new JsonChunks(chunks, bytes);
}

/** A watch event line: `{"type":...,"object":...}` and a newline. */
export function eventJson(type: string, obj: object): string {
  return `{"type":"${type}","object":${objectJson(obj)}}\n`;
}
