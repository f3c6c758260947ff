// What a resource contributes to a Table: its columns and, per object, the
// cells (always the wide set: kubectl filters by priority itself).
import type { ColumnType, TableCell, TableColumnDefinition, TableRowCondition } from "./table.ts";

export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  cells(object: object, now: Date): TableCell[];
  conditions(object: object): TableRowCondition[] | undefined;
}

/**
 * Objects reach a printer as stored JSON typed by kubernetes-types; the
 * registry has validated them, so the cast only names their shape.
 */
export function definePrinter<T extends object>(
  columns: readonly TableColumnDefinition[],
  cells: (object: T, now: Date) => TableCell[],
  conditions?: (object: T) => TableRowCondition[] | undefined,
): Printer {
  return {
    columns,
    cells: (object, now) => cells(object as T, now),
    conditions: (object) => conditions?.(object as T),
  };
}

export function column(
  name: string,
  type: ColumnType,
  description: string,
  options: { priority?: number; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: options.format ?? "", description, priority: options.priority ?? 0 };
}

export const wide = { priority: 1 };

export const nameColumn = column("Name", "string", "Name of the object, unique within its namespace.", {
  format: "name",
});

export const ageColumn = column("Age", "string", "Time since the object was created.");

export const containersColumn = column("Containers", "string", "Names of the containers in the pod template.", wide);

export const imagesColumn = column("Images", "string", "Images of the containers in the pod template.", wide);

export const selectorColumn = column("Selector", "string", "Label selector of the pods it manages.", wide);
