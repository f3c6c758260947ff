/** A value JSON.parse can produce: what a decoded message holds and an encoded one reads. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export interface JsonObject {
  [key: string]: JsonValue;
}
