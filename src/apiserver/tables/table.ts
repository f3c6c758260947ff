// The meta.k8s.io/v1 Table that `kubectl get` asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. kubernetes-types
// has no Table, so its shape is written out here.
import type { ListMeta, ObjectMeta } from "kubernetes-types/meta/v1";

/** The column types a Table may declare; kubectl formats cells by them. */
export type ColumnType = "string" | "integer" | "number" | "boolean" | "date";

/** Every field is always serialized, as upstream does (no omitempty). */
export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  /** "name" marks the column kubectl treats as the object's name. */
  format: string;
  description: string;
  /** 0 prints by default; greater than 0 prints only with `-o wide`. */
  priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRowCondition {
  type: "Completed";
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

export interface PartialObjectMetadata {
  kind: "PartialObjectMetadata";
  apiVersion: "meta.k8s.io/v1";
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  /** Absent when the request asked for includeObject=None. */
  object?: object;
}

export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}
