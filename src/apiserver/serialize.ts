// JSON of stored objects, made once per object. Objects from the store and
// the watch cache are never mutated (the store shares them frozen), so their
// JSON can be kept as long as the object lives: a GET, a LIST page or a watch
// event sent to a hundred watchers serializes each object once.
//
// Two forms, each made on first use: UTF-8 bytes for whole responses (GET,
// LIST: sent as they are, measured for free, kept off the JavaScript heap),
// and text for watch event lines, which wrap the object's text.

interface Serialization {
  text?: string;
  bytes?: Buffer;
}

const serializations = new WeakMap<object, Serialization>();

function entryOf(obj: object): Serialization {
  let entry = serializations.get(obj);
  if (entry === undefined) {
    entry = {};
    if (Object.isFrozen(obj)) serializations.set(obj, entry);
  }
  return entry;
}

export function objectJson(obj: object): string {
  const entry = entryOf(obj);
  entry.text ??= entry.bytes === undefined ? JSON.stringify(obj) : entry.bytes.toString("utf8");
  return entry.text;
}

/** The object's JSON as UTF-8 bytes. */
export function objectBytes(obj: object): Buffer {
  const entry = entryOf(obj);
  entry.bytes ??= Buffer.from(entry.text ?? JSON.stringify(obj), "utf8");
  return entry.bytes;
}

/**
 * A JSON body kept as the pieces it is made of, to be written one after the
 * other: a list of 10,000 pods is ~40 MB, and joining it into one string
 * (then measuring and encoding that string) cost more than sending it.
 */
export class JsonChunks {
  constructor(
    readonly chunks: readonly Buffer[],
    readonly bytes: number,
  ) {}
}

const comma = Buffer.from(",");
const listEnd = Buffer.from("]}");

/** A list body built from the items' cached bytes. */
export function listJson(head: Record<string, unknown>, items: readonly object[]): JsonChunks {
  // `{..., "items":[]}` → the items go between the open and the closing "]}".
  const open = Buffer.from(JSON.stringify({ ...head, items: [] }).slice(0, -2), "utf8");
  const chunks: Buffer[] = [open];
  let bytes = open.length + listEnd.length;
  items.forEach((item, index) => {
    const itemBytes = objectBytes(item);
    if (index > 0) {
      chunks.push(comma);
      bytes += comma.length;
    }
    chunks.push(itemBytes);
    bytes += itemBytes.length;
  });
  chunks.push(listEnd);
  return new JsonChunks(chunks, bytes);
}

/** A watch event line: `{"type":...,"object":...}` and a newline. */
export function eventJson(type: string, obj: object): string {
  return `{"type":"${type}","object":${objectJson(obj)}}\n`;
}
