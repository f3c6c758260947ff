// The two tables upstream falls back to. Built-in resources without a
// printer of their own (roles, cluster roles, limit ranges, custom resource
// definitions) get NAME and CREATED AT; custom resources whose definition
// declares no printer columns get NAME and AGE.
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { column, definePrinter, nameColumn } from "./printer.ts";
import { parseTimestamp, rfc3339, since } from "./timestamps.ts";

interface WithMetadata {
  metadata?: ObjectMeta;
}

/** A JSONPath "date" column's cell: null when the field is absent. */
function dateCell(value: string | undefined, now: Date): string | null {
  if (value === undefined || value === null) return null;
  return parseTimestamp(value) ? since(value, now) : "<invalid>";
}

export const createdAtPrinter = definePrinter<WithMetadata>(
  [nameColumn, column("Created At", "date", "Time the object was created.")],
  (object) => [object.metadata?.name ?? "", rfc3339(object.metadata?.creationTimestamp)],
);

export const customResourcePrinter = definePrinter<WithMetadata>(
  [nameColumn, column("Age", "date", "Time since the object was created.")],
  (object, now) => [object.metadata?.name ?? "", dateCell(object.metadata?.creationTimestamp, now)],
);
