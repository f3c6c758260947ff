// Turns stored objects into the meta.k8s.io/v1 Table `kubectl get` prints.
import type { ListMeta, ObjectMeta } from "kubernetes-types/meta/v1";
import { printerFor, type ResourceName } from "./printers.ts";
import type { PartialObjectMetadata, Table, TableColumnDefinition, TableRow } from "./table.ts";

/** The `includeObject` query parameter; the server's default is "Metadata". */
export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableOptions {
  includeObject: IncludeObject;
  /** Every age cell is measured against this moment. */
  now: Date;
  /** The list's metadata; for a single object upstream passes its resourceVersion. */
  listMeta?: Pick<ListMeta, "resourceVersion" | "continue" | "remainingItemCount">;
}

export function columnDefinitions(resource: ResourceName): TableColumnDefinition[] {
  return printerFor(resource).columns.map((definition) => ({ ...definition }));
}

function rowObject(object: object, includeObject: IncludeObject): object | undefined {
  switch (includeObject) {
    case "None":
      return undefined;
    case "Metadata": {
      const metadata = (object as { metadata?: ObjectMeta }).metadata ?? {};
      const partial: PartialObjectMetadata = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata };
      return partial;
    }
    case "Object":
      return object;
  }
}

function tableMetadata(listMeta: TableOptions["listMeta"]): ListMeta {
  return {
    ...(listMeta?.resourceVersion !== undefined && { resourceVersion: listMeta.resourceVersion }),
    ...(listMeta?.continue !== undefined && { continue: listMeta.continue }),
    ...(listMeta?.remainingItemCount !== undefined && { remainingItemCount: listMeta.remainingItemCount }),
  };
}

export function toTable(resource: ResourceName, objects: object[], options: TableOptions): Table {
  const printer = printerFor(resource);
  const rows = objects.map((object): TableRow => {
    const row: TableRow = { cells: printer.cells(object, options.now) };
    const conditions = printer.conditions(object);
    if (conditions) row.conditions = conditions;
    const included = rowObject(object, options.includeObject);
    if (included) row.object = included;
    return row;
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: tableMetadata(options.listMeta),
    columnDefinitions: columnDefinitions(resource),
    rows,
  };
}
